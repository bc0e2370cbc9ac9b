"""Bench (not collected by pytest): start time, memory and list throughput of the sandbox.

    python tests/bench/sandbox_start.py [--records 100000] [--page-size 50] [--stream N]

Targets: 100,000 records start in under 2 s and stay under 200 MB RSS; pages of tickets
serve thousands of records per second. The client here is http.client on one keep-alive
connection in this same process, so the figures include its cost too.
"""

import argparse
import http.client
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from halo_lib.sandbox import Sandbox  # noqa: E402


def rss_mb():
    """Resident set size now, from /proc (Linux), else the peak from getrusage."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def token(conn, sb):
    body = (f"grant_type=client_credentials&client_id={sb.client_id}"
            f"&client_secret={sb.client_secret}&scope=all")
    conn.request("POST", "/auth/token", body,
                 {"Content-Type": "application/x-www-form-urlencoded"})
    return json.loads(conn.getresponse().read())["access_token"]


def stream(sb, page_size, limit):
    """Fetch tickets page by page, as `halo tickets list` does; return (records, seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", sb.port)
    headers = {"Authorization": f"Bearer {token(conn, sb)}"}
    seen, page, total, started = 0, 1, None, time.perf_counter()
    while total is None or seen < min(total, limit):
        conn.request("GET", f"/api/Tickets?pageinate=true&page_size={page_size}&page_no={page}",
                     headers=headers)
        answer = json.loads(conn.getresponse().read())
        total = answer["record_count"]
        if not answer["tickets"]:
            break
        seen += len(answer["tickets"])
        page += 1
    conn.close()
    return seen, time.perf_counter() - started


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, default=100000)
    p.add_argument("--page-size", type=int, default=50)
    p.add_argument("--stream", type=int, default=100000, help="tickets to stream (0: none)")
    args = p.parse_args()

    before = rss_mb()
    started = time.perf_counter()
    sb = Sandbox(records=args.records, record_requests=False).start()
    start_s = time.perf_counter() - started
    print(f"records={args.records} start={start_s:.3f}s rss={rss_mb():.1f}MB "
          f"(interpreter before: {before:.1f}MB)")
    try:
        if args.stream:
            n, secs = stream(sb, args.page_size, args.stream)
            print(f"streamed {n} tickets in pages of {args.page_size}: {secs:.2f}s, "
                  f"{n / secs:,.0f} records/s, rss={rss_mb():.1f}MB")
    finally:
        sb.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
