"""Peak memory of a bulk create fed a large NDJSON stream on stdin (not collected by pytest).

    python tests/bench/bulk_memory.py [--mb 200] [--batch-size 500]

Writes an NDJSON file of about --mb megabytes, starts a local server that accepts every
POST and answers an empty array, pipes the file to `halo tickets create -` and prints the
time and the peak RSS of the halo process (GNU time where present, else wait4). The
target: under 100 MB for 200 MB of input, i.e. memory flat in the input size.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class _Discard(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._answer(404, b'{"message": "no"}')

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        while length:
            length -= len(self.rfile.read(min(length, 1 << 20)))
        if self.path.startswith("/auth/token"):
            return self._answer(200, b'{"access_token": "t", "expires_in": 3600}')
        self._answer(200, b"[]")

    def _answer(self, status, data):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def write_input(path, megabytes):
    filler = "x" * 150
    target = megabytes * 1024 * 1024
    written, number = 0, 0
    with open(path, "wb") as out:
        while written < target:
            lines = []
            for _ in range(10000):
                number += 1
                lines.append(f'{{"summary": "ticket {number}", "details": "{filler}", '
                             f'"client_id": {number % 97}}}\n')
            chunk = "".join(lines).encode()
            out.write(chunk)
            written += len(chunk)
    return number, written


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Discard)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    with tempfile.TemporaryDirectory() as home:
        source = os.path.join(home, "input.ndjson")
        records, size = write_input(source, args.mb)
        env = {**os.environ, "HOME": home, "XDG_CONFIG_HOME": home, "XDG_CACHE_HOME": home,
               "HALO_URL": url, "HALO_CLIENT_ID": "c", "HALO_CLIENT_SECRET": "s"}
        peak_file = os.path.join(home, "peak")
        argv = [sys.executable, str(ROOT / "halo.py"), "tickets", "create", "-",
                "--batch-size", str(args.batch_size)]
        if gnu_time:
            argv = [gnu_time, "-f", "%M", "-o", peak_file] + argv
        started = time.perf_counter()
        with open(source, "rb") as stdin:
            child = subprocess.Popen(argv, env=env, stdin=stdin, stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        kib = int(open(peak_file).read().split()[-1]) if gnu_time else usage.ru_maxrss
    server.shutdown()
    print(f"input: {size / 2**20:.0f} MiB, {records} records, batch {args.batch_size}")
    print(f"halo exit {code}, {elapsed:.1f} s, peak RSS {kib / 1024:.1f} MiB "
          f"(target: under 100 MB)")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
