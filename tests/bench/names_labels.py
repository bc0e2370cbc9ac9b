"""Bench (not collected by pytest): the cost of labels in a 1,000-ticket `-o table` list.

    python tests/bench/names_labels.py [--tickets 1000] [--runs 5]

Target: with labels (the default of -o table) the list costs at most a handful of extra
requests and stays within 1.2x of the same list with --no-labels. The tickets come from a
stand-in Halo in its own process that, like Halo, sends `status_id` and `agent_id` without
their names (and `client_name` with `client_id`), and counts every request it answers.
Cold: HALO_LOOKUP_TTL=0, so every run reads the lists again; warm: the lookup cache of
the run before serves them (the first run of a cache period pays the cold cost once).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

sys.path.insert(0, os.path.dirname(__file__))

from run import HALO, run_once  # noqa: E402

STATUSES = [{"id": i, "name": f"Status {i}"} for i in range(1, 11)]
AGENTS = [{"id": i, "name": f"Agent {i}", "email": f"a{i}@example.com"} for i in range(1, 41)]


def tickets(count):
    return [{"id": i, "summary": f"Ticket number {i}", "status_id": 1 + i % 10,
             "priority_id": 1 + i % 4, "client_id": 1 + i % 50, "client_name": f"Client {i % 50}",
             "agent_id": 1 + i % 40, "last_update": "2026-11-30T09:00:00Z",
             "details": "x" * 200} for i in range(1, count + 1)]


def serve(count):
    """The stand-in Halo, until killed; prints its port first."""
    records, counts, lock = tickets(count), {}, threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self._send({"access_token": "bench", "expires_in": 3600})

        def do_GET(self):
            url = urlsplit(self.path)
            with lock:
                counts[url.path] = counts.get(url.path, 0) + 1
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/api/Tickets":
                size, page = int(query.get("page_size", 100)), int(query.get("page_no", 1))
                self._send({"record_count": len(records),
                            "tickets": records[(page - 1) * size: page * size]})
            elif url.path == "/api/Status":
                self._send(STATUSES)
            elif url.path == "/api/Agent":
                self._send(AGENTS)
            elif url.path == "/counts":
                self._send(counts)
            else:
                self.send_error(404)

        def _send(self, doc):
            body = json.dumps(doc).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(httpd.server_address[1], flush=True)
    httpd.serve_forever()


def counts(url):
    with urlopen(url + "/counts") as answer:
        return json.loads(answer.read())


def extra_requests(url, argv, env):
    """Requests other than the token and the ticket pages one run sends."""
    before = counts(url)
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    after = counts(url)
    return sum(after.get(p, 0) - before.get(p, 0) for p in after
               if p not in ("/api/Tickets", "/counts", "/api/authinfo"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.serve:
        return serve(opts.tickets)
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--tickets",
                               str(opts.tickets)], stdout=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{server.stdout.readline().strip()}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "HALO_URL": url, "HALO_CLIENT_ID": "bench",
                   "HALO_CLIENT_SECRET": "bench", "XDG_CACHE_HOME": tmp, "HALO_RATE": "off",
                   "COLUMNS": "160"}
            table = HALO + ["tickets", "list", "-o", "table"]
            subprocess.run(table + ["--no-labels"], env=env, check=True,
                           stdout=subprocess.DEVNULL)   # the token cached, the page cache warm
            cold = {**env, "HALO_LOOKUP_TTL": "0"}
            subprocess.run(table, env=env, check=True, stdout=subprocess.DEVNULL)  # warm
            variants = (("--no-labels", table + ["--no-labels"], env),
                        ("labels, cold", table, cold), ("labels, warm", table, env))
            extras = [extra_requests(url, argv, run_env) for _, argv, run_env in variants]
            # Interleaved, so that the load of a shared machine falls on every variant alike.
            times = [[] for _ in variants]
            peaks = [0.0 for _ in variants]
            for _ in range(opts.runs):
                for i, (_, argv, run_env) in enumerate(variants):
                    seconds, peak, _ = run_once(argv, run_env)
                    times[i].append(seconds)
                    peaks[i] = max(peaks[i], peak)
            rows = [(name, extra, statistics.median(spent), peak) for (name, _, _), extra,
                    spent, peak in zip(variants, extras, times, peaks)]
    finally:
        server.terminate()
        server.wait()
    base = rows[0][2]
    print(f"halo tickets list -o table, {opts.tickets} tickets, median of {opts.runs}")
    print(f"{'run':<14} {'extra requests':>14} {'time':>9} {'peak RSS':>10} {'vs none':>8}  "
          "target")
    for name, extra, seconds, peak in rows:
        ratio = seconds / base
        verdict = "ok" if ratio <= 1.2 and extra <= 5 else "MISSED"
        print(f"{name:<14} {extra:>14} {seconds:8.3f}s {peak:8.1f}MiB {ratio:7.2f}x  "
              f"<= 1.20x, <= 5 requests {verdict}")


if __name__ == "__main__":
    main()
