"""What a page of small records costs to write: memory in proportion to the page's own
bytes, not a buffer per record (orjson keeps 4 KiB behind each result it returns, so a
page of results held at once was 400 KiB allocated and freed per page). The page goes to
a real file; tracemalloc counts what was held at the peak while writing it."""
import io
import tracemalloc

import orjson
import pytest

from halo_lib.io.output import Output
from halo_lib.io.streams import Streams


@pytest.mark.parametrize("fmt", ["ndjson", "json"])
def test_a_page_of_small_records_is_written_without_a_buffer_per_record(fmt, tmp_path):
    records = [{"id": n, "summary": "x"} for n in range(1, 101)]
    size = len(orjson.dumps(records))
    with open(tmp_path / "out", "wb") as handle:
        streams = Streams(stdout=handle, stderr=io.StringIO(), env={}, stdout_tty=False,
                          stderr_tty=False)
        output = Output(streams, fmt=fmt)
        output.page(records)            # the first page may set things up
        tracemalloc.start()
        try:
            before, _ = tracemalloc.get_traced_memory()
            output.page(records)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        output.close()
    assert peak - before < 20 * size, (peak - before, size)
    written = (tmp_path / "out").read_bytes()
    if fmt == "ndjson":
        assert written == b"".join(orjson.dumps(r) + b"\n" for r in records) * 2
    else:
        assert orjson.loads(written) == records * 2
