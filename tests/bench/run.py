"""halo's benchmark: start-up, one request, throughput, memory, latency hiding, writes.

Run from the installed virtual environment:  python tests/bench/run.py [--quick]
It starts the sandbox (with its latency mode where needed), runs each baseline and halo
in the same run, and prints one table of medians and ratios. Not collected by pytest.
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
SCRIPT = shutil.which("halo", path=os.path.dirname(PY))   # the installed console script
HALO = [SCRIPT] if SCRIPT else [PY, str(ROOT / "halo.py")]
ROWS = []
# halo's code without the script pip writes around it: pip before 25.0 writes one that
# imports re (and with it enum) before halo runs.
BARE = [PY, "-I", "-c", "from halo_lib.main import entry; entry()"]
WRAPPER_NOTE = "pip < 25.0 wrote it; reinstalling with a newer pip drops that import"


TIME = shutil.which("time", path="/usr/bin:/bin")   # GNU time: the child's own peak RSS


def run_once(argv, env=None, stdin=None, stdout=subprocess.DEVNULL):
    """(seconds, peak RSS in MiB, stdout bytes or None) of one child process.

    Peak RSS comes from GNU time where it exists: wait4's figure for a forked child
    starts at the size of this (larger) benchmark process.
    """
    with tempfile.TemporaryFile() as given, tempfile.TemporaryFile() as errors, \
            tempfile.NamedTemporaryFile("r") as peak:
        if stdin is not None:
            given.write(stdin)
            given.seek(0)
        wrapped = [TIME, "-f", "%M", "-o", peak.name] + list(argv) if TIME else argv
        started = time.perf_counter()
        child = subprocess.Popen(wrapped, env=env, stdin=given if stdin is not None else None,
                                 stdout=stdout, stderr=errors)
        out = child.stdout.read() if stdout == subprocess.PIPE else None
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        child.returncode = code
        if code != 0:
            errors.seek(0)
            raise SystemExit(f"bench: {' '.join(map(str, argv))} exited {code}: "
                             f"{errors.read().decode(errors='replace')[-500:]}")
        kib = int(peak.read().split()[-1]) if TIME else usage.ru_maxrss
    return elapsed, kib / 1024, out


def median(argv, runs, env=None, stdin=None, shell=False):
    times, peaks = [], []
    for _ in range(runs):
        if shell:
            argv_ = ["bash", "-c", argv]
        else:
            argv_ = argv
        seconds, peak, _ = run_once(argv_, env, stdin)
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def row(name, seconds, baseline=None, target=None, peak=None, note=""):
    ratio = seconds / baseline if baseline else None
    ok = ""
    if target is not None and ratio is not None:
        ok = "ok" if ratio <= target else "MISSED"
    ROWS.append((name, f"{seconds * 1000:9.1f} ms", f"{ratio:6.2f}x" if ratio else "",
                 f"<= {target}x" if target else "", f"{peak:6.1f} MiB" if peak else "", ok, note))


def imports_of(argv):
    """Modules imported by a halo command line (python -X importtime)."""
    done = subprocess.run([PY, "-X", "importtime", str(ROOT / "halo.py")] + argv,
                          capture_output=True, text=True)
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}


class Server:
    """`halo sandbox` in its own process, so it does not share the benchmark's GIL."""

    def __init__(self, records, latency=0):
        self.process = subprocess.Popen(
            HALO + ["sandbox", "--records", str(records), "--latency", str(latency)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.env = dict(os.environ)
        for _ in range(5):
            line = self.process.stdout.readline()
            found = re.match(r"export (\w+)=(\S+)", line.strip())
            if found:
                self.env[found.group(1)] = found.group(2).strip("'\"")
        self.url = self.env["HALO_URL"]

    def stop(self):
        self.process.terminate()
        self.process.wait()


def token_for(server, cache):
    env = {**server.env, "XDG_CACHE_HOME": cache}
    subprocess.run(HALO + ["tickets", "get", "1"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    (entry,) = list(Path(cache, "halo").glob("token-*"))
    return json.loads(entry.read_text())["access_token"], env


MINIMAL_GET = """
import os, sys, urllib3, orjson
pool = urllib3.PoolManager()
r = pool.request("GET", os.environ["HALO_URL"] + "/api/Tickets/1",
                 headers={"Authorization": "Bearer " + os.environ["TOKEN"], "Accept": "application/json"})
sys.stdout.buffer.write(orjson.dumps(orjson.loads(r.data)) + b"\\n")
"""

FLOOR = """
import os, urllib3
pool = urllib3.PoolManager(maxsize=1)
url, token, size = os.environ["HALO_URL"], os.environ["TOKEN"], int(os.environ["SIZE"])
page = 1
while True:
    r = pool.request("GET", f"{url}/api/Tickets?pageinate=true&page_size={size}&page_no={page}",
                     headers={"Authorization": "Bearer " + token})
    if r.data.count(b'"id"') == 0 or page * size >= int(os.environ["TOTAL"]):
        break
    page += 1
"""


# The yardstick for a fast local server: one connection, each page fetched, parsed
# and its records written as NDJSON, nothing else.
MINIMAL_LIST = """
import os, sys, urllib3, orjson
pool = urllib3.PoolManager(maxsize=1)
url, token, size = os.environ["HALO_URL"], os.environ["TOKEN"], int(os.environ["SIZE"])
out, page = sys.stdout.buffer, 1
while True:
    r = pool.request("GET", f"{url}/api/Tickets?pageinate=true&page_size={size}&page_no={page}",
                     headers={"Authorization": "Bearer " + token, "Accept": "application/json"})
    records = orjson.loads(r.data)["tickets"]
    out.write(b"".join(orjson.dumps(x) + b"\\n" for x in records))
    if len(records) < size or page * size >= int(os.environ["TOTAL"]):
        break
    page += 1
"""


def bench_start(runs):
    """Each command line against `python -c pass`, interleaved run by run, so that the
    load of a shared machine falls on both sides of each ratio alike. Timed without GNU
    time in between (its own start would narrow every ratio); peak RSS from one more run
    through it."""
    lines = [["--help"], ["--version"], ["tickets", "list", "--help"]]
    argvs = [[PY, "-c", "pass"]] + [HALO + argv for argv in lines] + [BARE + ["--help"]]
    times = [[] for _ in argvs]
    for _ in range(runs):
        for i, argv in enumerate(argvs):
            times[i].append(wall_and_cpu(argv, os.environ)[0])
    peaks = [run_once(argv)[1] for argv in argvs]
    base = statistics.median(times[0])
    row("python -c pass", base, peak=peaks[0])
    for argv, spent, peak in zip(lines, times[1:], peaks[1:]):
        row("halo " + " ".join(argv), statistics.median(spent), base, 2, peak)
        heavy = {"re", "enum", "argparse", "urllib3", "orjson", "jmespath", "ssl",
                 "halo_lib.sandbox"} & imports_of(argv)
        if heavy:
            ROWS.append(("  imports on that path", "", "", "", "", "MISSED", ",".join(sorted(heavy))))
    row("halo --help, without the installed wrapper", statistics.median(times[-1]), base,
        2, peaks[-1], note="python -I -c 'from halo_lib.main import entry; entry()' --help")
    if SCRIPT and "import re" in Path(SCRIPT).read_text():
        ROWS.append(("  the installed wrapper imports re", "", "", "", "", "", WRAPPER_NOTE))


def bench_one_request(runs, tmp):
    server = Server(1000)
    try:
        token, env = token_for(server, tmp)
        env = {**env, "TOKEN": token}
        base, _ = median([PY, "-c", MINIMAL_GET], runs, env)
        row("minimal urllib3+orjson GET", base)
        seconds, peak = median(HALO + ["tickets", "get", "1"], runs, env)
        row("halo tickets get 1", seconds, base, 1.25, peak)
        # The --param name checked against the catalogue (read from disk for it) against
        # the same request sent unchecked, run in turns so load hits both alike.
        request = HALO + ["request", "GET", "/Tickets/1", "--param", "includedetails=true"]
        unchecked, checked = paired(request + ["--unchecked"], request, runs, env)
        row("halo request GET /Tickets/1 --param includedetails=true --unchecked", unchecked)
        row("  the same, checked", checked, unchecked, 1.15, note="ratio to unchecked")
    finally:
        server.stop()


def paired(first, second, runs, env):
    """Medians of two command lines run in turns."""
    times = ([], [])
    for _ in range(runs):
        for argv, found in zip((first, second), times):
            found.append(run_once(argv, env)[0])
    return statistics.median(times[0]), statistics.median(times[1])


def bench_throughput(runs, total, tmp):
    server = Server(total)
    try:
        token, env = token_for(server, tmp)
        env = {**env, "TOKEN": token, "SIZE": "100", "TOTAL": str(total)}
        floor, _ = median([PY, "-c", FLOOR], runs, env)
        row(f"floor: keep-alive page loop ({total} tickets)", floor)
        plain, peak = median(HALO + ["tickets", "list"], runs, env)
        row("halo tickets list > /dev/null", plain, floor, 1.3, peak)
        minimal, _ = median([PY, "-c", MINIMAL_LIST], runs, env)
        row("minimal script: fetch, parse, write NDJSON", minimal)
        row("halo tickets list (default)", plain, minimal, 1.15, note="ratio to the script")
        serial, _ = median(HALO + ["tickets", "list", "--concurrency", "1"], runs, env)
        row("halo tickets list --concurrency 1", serial, minimal, note="ratio to the script")
        _, _, ours = run_once(HALO + ["tickets", "list"], env, stdout=subprocess.PIPE)
        _, _, theirs = run_once([PY, "-c", MINIMAL_LIST], env, stdout=subprocess.PIPE)
        ROWS.append(("  output of halo and the script", "", "", "", "",
                     "ok" if ours == theirs else "MISSED",
                     "byte-identical" if ours == theirs else "OUTPUT DIFFERS"))
        query, qpeak = median(HALO + ["tickets", "list", "--query", "id", "-r"], runs, env)
        row("halo tickets list --query id -r", query, plain, 1.3, qpeak, "ratio to plain list")
        if shutil.which("curl") and shutil.which("jq"):
            pages = -(-total // 100)
            loop = (f'for p in $(seq 1 {pages}); do curl -s -H "Authorization: Bearer $TOKEN" '
                    f'"$HALO_URL/api/Tickets?pageinate=true&page_size=100&page_no=$p" '
                    f"| jq -c '.tickets[]'; done > /dev/null")
            curl, _ = median(loop, max(1, runs // 2), env, shell=True)
            ROWS.append(("bash loop: curl | jq per page", f"{curl * 1000:9.1f} ms",
                         f"{curl / plain:6.2f}x", ">= 2x", "",
                         "ok" if curl / plain >= 2 else "MISSED", "its time / halo's"))
        small, small_peak = median(HALO + ["tickets", "list", "--limit", str(total // 10)],
                                   runs, env)
        row(f"halo tickets list --limit {total // 10}", small, peak=small_peak)
        grow = peak / small_peak
        ROWS.append(("  peak RSS, full list / tenth", "", f"{grow:6.2f}x", "<= 1.1x",
                     f"{peak:6.1f} MiB", "ok" if grow <= 1.1 and peak < 60 else "MISSED",
                     "and under 60 MiB"))
    finally:
        server.stop()


def wall_and_cpu(argv, env):
    """(seconds, CPU seconds) of one child, its output to /dev/null."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(argv)} failed: {child.stderr.read()[-500:]!r}")
    child.stderr.close()
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def bench_per_page(runs, total, tmp):
    """Small records from a fast server (tests/bench/pageserver.py), where the cost of each
    page, not of each record, decides: halo against the minimal script, run by run."""
    server = subprocess.Popen([PY, str(ROOT / "tests" / "bench" / "pageserver.py"),
                               "--records", str(total)], stdout=subprocess.PIPE, text=True)
    try:
        env = dict(os.environ, XDG_CACHE_HOME=tmp, SIZE="100", TOTAL=str(total))
        for _ in range(4):
            name, value = server.stdout.readline().strip()[len("export "):].split("=", 1)
            env[name] = value
        subprocess.run(HALO + ["tickets", "list", "--limit", "1"], env=env, check=True,
                       stdout=subprocess.DEVNULL)       # the token, cached as usual
        (entry,) = list(Path(tmp, "halo").glob("token-*"))
        env["TOKEN"] = json.loads(entry.read_text())["access_token"]
        argvs = {"script": [PY, "-c", MINIMAL_LIST],
                 "serial": HALO + ["tickets", "list", "--concurrency", "1"],
                 "default": HALO + ["tickets", "list"]}
        walls, cpus = {k: [] for k in argvs}, {k: [] for k in argvs}
        names = list(argvs)
        for turn in range(runs):
            # The order turns round by round: a later place in a round was seen to run a
            # few per cent slower (the server's state grows), which must not fall on one.
            for name in names[turn % 3:] + names[:turn % 3]:
                argv = argvs[name]
                wall, cpu = wall_and_cpu(argv, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
        wall = {k: statistics.median(v) for k, v in walls.items()}
        cpu = {k: statistics.median(v) for k, v in cpus.items()}
        pages = -(-total // 100)
        row(f"minimal script, {total} small records ({pages} pages)", wall["script"],
            note=f"CPU {cpu['script'] * 1000:.0f} ms")
        for name, label in (("serial", "--concurrency 1"), ("default", "(default)")):
            extra = (wall[name] - wall["script"]) / pages * 1000
            row(f"halo tickets list {label}, small records", wall[name], wall["script"], 1.15,
                note=f"ratio to the script; {extra:+.3f} ms a page; CPU "
                     f"{cpu[name] / cpu['script']:.2f}x")
        _, _, ours = run_once(argvs["default"], env, stdout=subprocess.PIPE)
        _, _, theirs = run_once(argvs["script"], env, stdout=subprocess.PIPE)
        ROWS.append(("  output of halo and the script", "", "", "", "",
                     "ok" if ours == theirs else "MISSED",
                     "byte-identical" if ours == theirs else "OUTPUT DIFFERS"))
    finally:
        server.kill()
        server.wait()


def bench_latency(runs, tmp):
    server = Server(10000, latency=50)
    try:
        _, env = token_for(server, tmp)
        outputs = {}
        for name, extra in (("default", []), ("--concurrency 1", ["--concurrency", "1"])):
            argv = HALO + ["tickets", "list", "--page-size", "100"] + extra
            times = []
            for _ in range(max(3, runs // 2)):
                seconds, _, out = run_once(argv, env, stdout=subprocess.PIPE)
                times.append(seconds)
                outputs[name] = out
            outputs[name + " time"] = statistics.median(times)
        serial, concurrent = outputs["--concurrency 1 time"], outputs["default time"]
        row("100 pages at 50 ms, --concurrency 1", serial)
        speedup = serial / concurrent
        same = outputs["default"] == outputs["--concurrency 1"]
        ROWS.append(("100 pages at 50 ms, default", f"{concurrent * 1000:9.1f} ms",
                     f"{speedup:6.2f}x", ">= 3x", "", "ok" if speedup >= 3 and same else "MISSED",
                     "speed-up; output identical" if same else "OUTPUT DIFFERS"))
    finally:
        server.stop()


def bench_writes(tmp):
    sys.path.insert(0, str(ROOT))
    from halo_lib.sandbox import Sandbox
    records = b"".join(json.dumps({"summary": f"bench {i}", "client_id": 1}).encode() + b"\n"
                       for i in range(1000))
    with Sandbox(records=100, latency_ms=50) as sandbox:
        env = {**os.environ, "HALO_URL": sandbox.url, "HALO_CLIENT_ID": sandbox.client_id,
               "HALO_CLIENT_SECRET": sandbox.client_secret, "XDG_CACHE_HOME": tmp,
               # The default budget (300 requests in 5 minutes) would hold the 1,000
               # one-by-one creates for a quarter of an hour: this compares round trips.
               "HALO_RATE": "off"}
        env.pop("HALO_TENANT", None)
        before = len(sandbox.requests)
        batched, _, _ = run_once(HALO + ["tickets", "create", "-"], env, records)
        posts = sum(1 for r in sandbox.requests[before:]
                    if r.method == "POST" and r.path.lower() == "/api/tickets")
        one_by_one, _, _ = run_once(HALO + ["tickets", "create", "-", "--batch-size", "1"],
                                    env, records)
    row("1000 creates, one request each", one_by_one)
    speedup = one_by_one / batched
    ROWS.append(("1000 creates, batches of 50", f"{batched * 1000:9.1f} ms", f"{speedup:6.2f}x",
                 ">= 10x", "", "ok" if speedup >= 10 and posts == 20 else "MISSED",
                 f"speed-up; {posts} POSTs (want 20)"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--records", type=int, default=100000)
    parser.add_argument("--skip-writes", action="store_true")
    parser.add_argument("--only", choices=("start", "one", "throughput", "pages", "latency",
                                           "writes"),
                        help="run one part only")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        part = opts.only
        if part in (None, "start"):
            bench_start(max(15, opts.runs))
        if part in (None, "one"):
            bench_one_request(max(5, opts.runs), os.path.join(tmp, "one"))
        if part in (None, "throughput"):
            bench_throughput(max(5, opts.runs // 2), opts.records, os.path.join(tmp, "list"))
        if part in (None, "pages"):
            bench_per_page(max(7, opts.runs), opts.records, os.path.join(tmp, "pages"))
        if part in (None, "latency"):
            bench_latency(5, os.path.join(tmp, "latency"))
        if part in (None, "writes") and not opts.skip_writes:
            bench_writes(os.path.join(tmp, "writes"))
    print(f"halo benchmark, {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}\n")
    widths = [max(len(r[i]) for r in ROWS) for i in range(7)]
    for r in ROWS:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())


if __name__ == "__main__":
    main()
