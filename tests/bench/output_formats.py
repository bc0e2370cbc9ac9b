"""Bench (not collected by pytest): peak memory and time of each output format.

    python tests/bench/output_formats.py [--records 100000] [--runs 3]

Target: a 100,000-record `-o table`, `-o csv` or `-o tsv` peaks at the same memory as
NDJSON (within 10 %), because each writes page by page with widths fixed from the first
page. `-o json` on a pipe without --query streams its array the same way.
It runs the sandbox in its own process and halo as a child under GNU time.
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))

from run import HALO, Server, median, token_for  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=3)
    opts = parser.parse_args()
    server = Server(opts.records)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            _, env = token_for(server, tmp)
            env = {**env, "COLUMNS": "160"}
            base_time, base_peak = median(HALO + ["tickets", "list"], opts.runs, env)
            rows.append(("ndjson", base_time, base_peak))
            for fmt in ("table", "csv", "tsv", "json"):
                seconds, peak = median(HALO + ["tickets", "list", "-o", fmt], opts.runs, env)
                rows.append((fmt, seconds, peak))
            seconds, peak = median(HALO + ["tickets", "list", "--fields",
                                           "id,summary,client_name"], opts.runs, env)
            rows.append(("ndjson --fields", seconds, peak))
    finally:
        server.stop()
    print(f"halo tickets list, {opts.records} records, median of {opts.runs}")
    print(f"{'format':<16} {'time':>9} {'peak RSS':>10} {'vs ndjson':>10}  target")
    for fmt, seconds, peak in rows:
        ratio = peak / base_peak
        verdict = "ok" if ratio <= 1.1 else "MISSED"
        print(f"{fmt:<16} {seconds:8.2f}s {peak:8.1f}MiB {ratio:9.2f}x  <= 1.10x {verdict}")


if __name__ == "__main__":
    main()
