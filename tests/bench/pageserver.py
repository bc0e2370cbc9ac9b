"""A fast local server of small ticket pages, for the per-page cost of a list.

    python tests/bench/pageserver.py --records 100000

prints the export lines that point halo at it (as `halo sandbox` does), then serves until
killed. Each record is small ({"id": N, "summary": "x"}), and each page's bytes are made
once and then sent as they are, over keep-alive HTTP/1.1 on a bare socket (the tests'
RawServer), so the server costs far less per page than either client it is measured with:
what is left is the client's own cost per page. Not collected by pytest.
"""
import argparse
import json
import sys
import threading
from collections import deque
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))    # tests/: the raw server
from rawserver import RawServer, http_response, token_route   # noqa: E402


class Pages:
    """The page bytes for each (page_size, page_no) asked for, made on first demand."""

    def __init__(self, records):
        self.records = records
        self.made = {}

    def page(self, size, number):
        key = (size, number)
        if key not in self.made:
            start = (number - 1) * size
            ids = range(start + 1, min(start + size, self.records) + 1)
            doc = {"record_count": self.records,
                   "tickets": [{"id": n, "summary": "x"} for n in ids]}
            self.made[key] = http_response(200, json.dumps(doc, separators=(",", ":")).encode())
        return self.made[key]

    def route(self, method, target, _count):
        parts = urlsplit(target)
        if parts.path.lower() != "/api/tickets":
            return token_route(method, parts.path) or http_response(404, b"{}")
        query = parse_qs(parts.query)
        size = int(query.get("page_size", ["100"])[0])
        return self.page(size, int(query.get("page_no", ["1"])[0]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100000)
    opts = parser.parse_args()
    pages = Pages(opts.records)
    for number in range(1, -(-opts.records // 100) + 1):
        pages.page(100, number)            # made before the first client arrives
    server = RawServer(pages.route)
    # The tests' RawServer keeps every request it saw; a bench serves hundreds of
    # thousands, and a history growing run after run slowed each later run a little.
    server.heads, server.requests = deque(maxlen=16), deque(maxlen=16)
    sys.stdout.write(f"export HALO_URL={server.url}\nexport HALO_CLIENT_ID=bench\n"
                     f"export HALO_CLIENT_SECRET=bench-secret\nexport HALO_RATE=off\n")
    sys.stdout.flush()
    threading.Event().wait()               # serves on its threads until killed


if __name__ == "__main__":
    main()
