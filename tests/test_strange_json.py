"""Valid JSON that orjson refuses must never fail a list, crash a format or lose a bulk
write's accounting: records nested 255-1,024 levels deep (orjson writes at most 254) and
strings holding a lone surrogate escape ("\\ud83d", which orjson will not read)."""
import json
import sys

import pytest
from werkzeug import Response

from conftest import api_requests

FORMATS = ["ndjson", "json", "csv", "tsv", "table"]


def deep_text(levels):
    """A value nested `levels` deep, as JSON text (json.dumps itself would recurse)."""
    return '{"a":' * (levels - 1) + "[1]" + "}" * (levels - 1)


def page_of(*record_texts):
    """A one-page list answer built as text, so any JSON can stand in it byte for byte."""
    body = ('{"page_no":1,"page_size":100,"record_count":%d,"tickets":[%s]}'
            % (len(record_texts), ",".join(record_texts)))
    return lambda request: Response(body, content_type="application/json")


def load_deep(text):
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(5000)
    try:
        return json.loads(text)
    finally:
        sys.setrecursionlimit(limit)


# ---------------------------------------------------------------- deep nesting

@pytest.mark.parametrize("levels", [255, 1024])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("tty", [False, True], ids=["pipe", "terminal"])
def test_a_deeply_nested_record_is_written_in_every_format(run, server, levels, fmt, tty):
    deep = deep_text(levels)
    record = '{"id":7,"summary":"deep","client":%s}' % deep
    server.expect_request("/api/Tickets").respond_with_handler(
        page_of('{"id":6,"summary":"flat"}', record, '{"id":8,"summary":"after"}'))
    result = run("-o", fmt, "tickets", "list", "--fields", "id,summary,client",
                 stdout_tty=tty, columns=400 if tty else None)
    assert (result.code, result.err) == (0, ""), result
    out = result.out.decode("utf-8")
    assert "Recursion" not in out
    assert "flat" in out and "after" in out and "deep" in out
    if fmt == "ndjson":
        lines = out.splitlines()
        assert len(lines) == 3
        assert lines[1] == record            # byte for byte as received
    elif fmt == "json":
        assert [r["id"] for r in load_deep(_uncoloured(out))] == [6, 7, 8]
    else:
        assert out.count("[1]") == 1 or fmt == "table"


def _uncoloured(text):
    import re
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.mark.parametrize("levels", [300, 1000])
def test_a_bulk_write_with_deep_records_keeps_its_accounting(run, server, tmp_path, levels):
    """A deep input record is sent, and a deep saved answer is written: every record is
    told once, nothing crashes."""
    deep = deep_text(levels)

    def save(request):
        text = request.get_data(as_text=True)
        assert text.count('"a":') >= 3 * (levels - 1)   # the deep records went out whole
        saved = text.replace('{"n":', '{"id":900,"n":')
        return Response(saved, content_type="application/json")
    server.expect_request("/api/Tickets", method="POST").respond_with_handler(save)
    body = "".join('{"n":%d,"data":%s}\n' % (n, deep) for n in (1, 2, 3)).encode()
    result = run("tickets", "create", "-", "--failed", str(tmp_path / "f.ndjson"), stdin=body)
    assert (result.code, result.err) == (0, ""), result
    saved = [load_deep(line) for line in result.out.decode().splitlines()]
    assert [(r["id"], r["n"]) for r in saved] == [(900, 1), (900, 2), (900, 3)]
    assert result.out.decode().splitlines()[0] == '{"id":900,"n":1,"data":%s}' % deep


def test_a_refused_deep_record_is_reported_with_accounting_intact(run, server, tmp_path):
    server.expect_request("/api/Tickets", method="POST").respond_with_json(
        {"message": "no"}, status=400)
    deep = deep_text(600)
    body = "".join('{"n":%d,"data":%s}\n' % (n, deep) for n in (1, 2)).encode()
    failed = tmp_path / "f.ndjson"
    result = run("tickets", "create", "-", stdin=body)
    assert result.code == 1, result
    reports = [load_deep(line) for line in result.err.splitlines() if line.startswith("{")]
    assert [(r["outcome"], r["number"]) for r in reports] == [("failed", 1), ("failed", 2)]
    assert ('"record":{"n":1,"data":%s}}' % deep) in result.err
    result = run("tickets", "create", "-", "--failed", str(failed), stdin=body)
    assert result.code == 1, result
    assert [load_deep(line)["n"] for line in failed.read_text().splitlines()] == [1, 2]


# ---------------------------------------------------------------- lone surrogates

SURROGATE_RECORD = r'{"id":2,"summary":"Printer \ud83d","details":"ok \ud83d\ude00"}'


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_lone_surrogate_in_a_page_is_read_and_written_as_valid_output(run, server, fmt):
    server.expect_request("/api/Tickets").respond_with_handler(
        page_of('{"id":1,"summary":"first"}', SURROGATE_RECORD, '{"id":3,"summary":"last"}'))
    result = run("-o", fmt, "tickets", "list", "--fields", "id,summary,details")
    assert (result.code, result.err) == (0, ""), result
    out = result.out.decode("utf-8")            # valid UTF-8 whatever the format
    assert "first" in out and "last" in out
    assert "\\ud83d" in out                      # the escape kept, as Halo sent it
    if fmt == "ndjson":
        assert json.loads(out.splitlines()[1]) == {"id": 2, "summary": "Printer \ud83d",
                                                   "details": "ok \U0001F600"}
    if fmt == "json":
        assert [r["id"] for r in json.loads(out)] == [1, 2, 3]
    pages = [r for r in api_requests(server) if r.path == "/api/Tickets"]
    assert len(pages) == 1                      # read at once: no pointless retries


def test_a_lone_surrogate_in_one_record_is_read_and_coloured_on_a_terminal(run, server):
    server.expect_request("/api/Tickets/2").respond_with_data(SURROGATE_RECORD,
                                                              content_type="application/json")
    result = run("-o", "json", "tickets", "get", "2", stdout_tty=True)
    assert (result.code, result.err) == (0, ""), result
    assert "\\ud83d" in _uncoloured(result.out.decode("utf-8"))


def test_text_that_is_not_json_is_still_unreadable(run, server):
    """The fallback reads valid JSON only: NaN, or a broken page, is still refused."""
    server.expect_request("/api/Tickets").respond_with_data(
        '{"tickets":[{"id":1,"summary":"\\ud83d","x":NaN}]}', content_type="application/json")
    result = run("--retries", "0", "tickets", "list")
    assert result.code == 5, result
    assert "unreadable answer" in result.err
