"""The request budget shared by every halo process, and the sandbox playing a rate-limited
tenant (`--rate-limit N/PERIOD`): 429 beyond the limit, as a hosted Halo answers."""
import io
import json
import os
import re
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

import halo
from conftest import ROOT, one_error_line, runner_for
from halo_lib.io.streams import Streams
from halo_lib.sandbox import Sandbox


@pytest.fixture
def sandbox():
    with Sandbox(records=300) as server:
        yield server


@pytest.fixture
def halo_run(sandbox, tmp_path):
    return runner_for(sandbox.url, tmp_path, HALO_CLIENT_ID=sandbox.client_id,
                      HALO_CLIENT_SECRET=sandbox.client_secret)


def state_files(tmp_path):
    return sorted((tmp_path / "cache" / "halo").glob("rate-*"))


def test_a_run_within_the_budget_is_never_slowed(halo_run, tmp_path):
    result = halo_run("--rate", "40/1m", "tickets", "list", "--page-size", "10")
    assert result.code == 0 and len(result.records) == 300
    assert halo_run.sleeps == []
    (state,) = state_files(tmp_path)
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert len(state.read_text().split()) == 32           # authinfo, token, 30 pages
    assert state.stat().st_size < 1000


def test_beyond_the_budget_a_request_waits_for_the_window(halo_run):
    result = halo_run("--rate", "12/1m", "tickets", "list", "--page-size", "10",
                      "--concurrency", "1")
    assert result.code == 0, result
    assert [r["id"] for r in result.records] == list(range(1, 301))
    # 32 requests, 12 a minute: two waits of about a minute (and maybe a few of some ms,
    # for requests sent some ms apart), nothing said off a terminal.
    long = [s for s in halo_run.sleeps if s > 1]
    assert len(long) == 2 and all(55 < s <= 62 for s in long), halo_run.sleeps
    assert sum(halo_run.sleeps) - sum(long) < 1
    assert result.err == ""


def test_the_wait_is_shown_on_a_terminal_and_in_verbose_never_on_stdout(halo_run, tmp_path):
    shown = halo_run("--rate", "5/1m", "tickets", "list", "--limit", "60", "--page-size", "10",
                     stderr_tty=True)
    assert shown.code == 0
    assert re.search(r"^halo: rate limit 5/1m reached; waiting \d+\.\d s$", shown.err, re.M)
    assert all(line.startswith(b"{") for line in shown.out.splitlines())
    verbose = halo_run("-v", "--rate", "2/1m", "tickets", "get", "1",
                       env={"XDG_CACHE_HOME": str(tmp_path / "other")})   # 3 requests
    assert "rate limit 2/1m reached" in verbose.err


def test_the_budget_is_shared_through_the_state_file(halo_run, tmp_path):
    assert halo_run("--rate", "4/1m", "tickets", "get", "1").code == 0   # authinfo, token, get
    assert halo_run.sleeps == []
    assert halo_run("--rate", "4/1m", "tickets", "get", "2").code == 0   # cached token: 1
    assert halo_run.sleeps == []
    assert halo_run("--rate", "4/1m", "tickets", "get", "3").code == 0   # the fifth waits
    assert len(halo_run.sleeps) == 1


@pytest.mark.parametrize("garbage", [b"\x00\xff not a number\n", b"", b"1e400\n-5\nnan\n"])
def test_a_corrupt_state_file_is_rebuilt_silently(halo_run, tmp_path, garbage):
    assert halo_run("tickets", "get", "1").code == 0
    (state,) = state_files(tmp_path)
    state.write_bytes(garbage)
    os.chmod(state, 0o644)
    result = halo_run("tickets", "get", "2")
    assert (result.code, result.err) == (0, ""), result
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert all(re.fullmatch(r"\d+\.\d{3}", t) for t in state.read_text().split())


def test_off_keeps_no_state(halo_run, tmp_path):
    assert halo_run("--rate", "off", "tickets", "list", "--limit", "20").code == 0
    assert state_files(tmp_path) == []


@pytest.mark.parametrize("where", ["env", "profile"])
def test_rate_from_environment_and_profile(halo_run, tmp_path, where):
    if where == "env":
        env = {"HALO_RATE": "3/1m"}
    else:
        (tmp_path / "config" / "halo").mkdir(parents=True)
        (tmp_path / "config" / "halo" / "config").write_text("[default]\nrate = 3/1m\n")
        env = {}
    assert halo_run("tickets", "get", "1", env=env).code == 0       # 3 requests
    assert halo_run("tickets", "get", "1", env=env).code == 0       # the 4th waits
    assert len(halo_run.sleeps) == 1
    assert halo_run("--rate", "10/1m", "tickets", "get", "1", env=env).code == 0
    assert len(halo_run.sleeps) == 1                                 # the flag wins


def test_bad_rates_are_refused(halo_run, tmp_path):
    line = one_error_line(halo_run("--rate", "fast", "tickets", "get", "1"), 2)
    assert "--rate" in line
    line = one_error_line(halo_run("tickets", "get", "1", env={"HALO_RATE": "5/x"}), 3)
    assert "HALO_RATE" in line and "N/PERIOD" in line


def test_sandbox_answers_429_beyond_its_rate_limit_without_retry_after():
    with Sandbox(records=5, rate_limit="3/10s") as sandbox:
        statuses = []
        for _ in range(5):
            try:
                with urllib.request.urlopen(f"{sandbox.url}/api/authinfo") as answer:
                    statuses.append(answer.status)
            except urllib.error.HTTPError as refused:
                statuses.append(refused.code)
                assert refused.headers.get("Retry-After") is None
                assert "3 requests per rolling 10s" in json.loads(refused.read())["message"]
    assert statuses == [200, 200, 200, 429, 429]


def test_halo_sandbox_with_a_rate_limit_completes_every_list(tmp_path):
    """`halo --sandbox --rate-limit`: the client's budget follows the limit: no 429."""
    out, err = io.BytesIO(), io.StringIO()
    env = {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    streams = Streams(stdin=io.BytesIO(), stdout=out, stderr=err, env=env,
                      stdin_tty=False, stdout_tty=False, stderr_tty=False)
    started = time.monotonic()
    code = halo.main(["--sandbox", "--rate-limit", "10/1s", "-v", "tickets", "list",
                      "--limit", "300", "--page-size", "25"], streams)
    elapsed = time.monotonic() - started
    assert code == 0, err.getvalue()[-500:]
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == \
        list(range(1, 301))
    assert " 429 " not in err.getvalue()
    assert 0.9 < elapsed < 10     # 14 requests at 10 a second: one wait of about a second


def test_three_concurrent_lists_share_one_budget_with_no_429(tmp_path):
    """Three real halo processes, one sandbox allowing 30 requests per 3 s."""
    sandbox = subprocess.Popen([sys.executable, str(ROOT / "halo.py"), "sandbox", "--records",
                                "200", "--rate-limit", "30/3s"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        env = dict(os.environ, HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"),
                   XDG_CONFIG_HOME=str(tmp_path / "config"))
        for _ in range(5):
            found = re.match(r"export (\w+)=(\S+)", sandbox.stdout.readline().strip())
            if found:
                env[found.group(1)] = found.group(2).strip("'\"")
        assert env["HALO_RATE"] == "30/3s"
        argv = [sys.executable, str(ROOT / "halo.py"), "--rate", "30/3s", "-v",
                "tickets", "list", "--page-size", "10"]
        results = [None] * 3

        def one(i):
            results[i] = subprocess.run(argv, env=env, capture_output=True, timeout=60)
        threads = [threading.Thread(target=one, args=(i,)) for i in range(3)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
    for done in results:
        assert done.returncode == 0, done.stderr[-500:]
        assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == \
            list(range(1, 201))
        assert b" 429 " not in done.stderr
    # 20 pages each and one shared token fetch (2-6 requests more): 62-66 requests at 30 per
    # 3 s cannot take less than two full windows; a budget that let them run free would.
    assert 6.0 <= elapsed < 20, elapsed


def hostile_state(kind, state, tmp_path):
    state.unlink()
    if kind == "fifo":
        os.mkfifo(state)
    elif kind == "symlink to /dev/zero":
        state.symlink_to("/dev/zero")
    elif kind == "symlink to a file":
        (tmp_path / "elsewhere").write_text("")
        state.symlink_to(tmp_path / "elsewhere")
    elif kind == "huge":
        with open(state, "wb") as handle:
            handle.write(b"1.000\n" * 200000)     # 1.2 MB of numbers
            handle.truncate(200 << 20)            # and a sparse tail: 200 MB
    elif kind == "garbage json":
        state.write_text('{"times": [1, 2, 3], "oops": ')


@pytest.mark.parametrize("kind", ["fifo", "symlink to /dev/zero", "symlink to a file", "huge",
                                  "garbage json"])
def test_a_state_file_that_is_not_a_small_regular_file_is_replaced_and_still_shared(
        halo_run, tmp_path, kind):
    assert halo_run("--rate", "4/1m", "tickets", "get", "1").code == 0   # makes the file
    (state,) = state_files(tmp_path)
    hostile_state(kind, state, tmp_path)
    results = []

    def five_runs():    # each a separate run of one request, sharing only the state file
        for number in range(2, 7):
            results.append(halo_run("--rate", "4/1m", "tickets", "get", str(number)))
    worker = threading.Thread(target=five_runs, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "halo hung on the state file"
    assert [(r.code, r.err) for r in results] == [(0, "")] * 5, results
    assert len(halo_run.sleeps) == 1, halo_run.sleeps     # the fifth run waited: shared
    info = os.lstat(state)
    assert stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600
    assert info.st_size < 1000
    times = state.read_text().split()          # rebuilt: only this window's send times
    assert 1 <= len(times) <= 4 and all(re.fullmatch(r"\d+\.\d{3}", t) for t in times)
    if kind == "symlink to a file":
        assert (tmp_path / "elsewhere").read_text() == ""


# ---------------------------------------------------------------- a state file held or refused

LOCKER = ("import fcntl, os, sys, time\n"
          "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)\n"
          "fcntl.flock(fd, fcntl.LOCK_EX)\n"
          "print('locked', flush=True)\n"
          "time.sleep(60)\n")


def test_a_held_lock_on_the_state_file_is_exit_5_naming_it_within_the_timeout(halo_run,
                                                                               tmp_path):
    assert halo_run("--rate", "40/1m", "tickets", "get", "1").code == 0   # makes the file
    (state,) = state_files(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", LOCKER, str(state)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        results = []
        started = time.monotonic()
        worker = threading.Thread(target=lambda: results.append(
            halo_run("--rate", "40/1m", "--timeout", "1", "tickets", "get", "2")), daemon=True)
        worker.start()
        worker.join(30)
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert results, "halo hung on the held lock"
    line = one_error_line(results[0], 5)
    assert str(state) in line and "lock" in line, line
    assert elapsed < 10, elapsed


def test_a_cache_directory_owned_by_another_user_is_not_trusted(halo_run, tmp_path):
    if os.getuid() != 0:
        pytest.skip("making a directory of another user needs root")
    cache = tmp_path / "cache" / "halo"
    cache.mkdir(parents=True, mode=0o777)
    os.chown(cache, 65534, 65534)
    cache.chmod(0o777)    # writable by us too: only its owner makes it untrusted
    result = halo_run("--rate", "40/1m", "tickets", "get", "1")
    assert result.code == 0, result
    assert state_files(tmp_path) == []
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("halo: "), result
    assert str(cache) in lines[0] and "not shared" in lines[0] and "owned" in lines[0], lines


def test_a_state_path_that_is_a_directory_is_said_once_on_stderr(halo_run, tmp_path):
    assert halo_run("--rate", "40/1m", "tickets", "get", "1").code == 0
    (state,) = state_files(tmp_path)
    state.unlink()
    state.mkdir()
    (state / "keep").write_text("x")     # not empty: cannot be replaced
    result = halo_run("--rate", "40/1m", "tickets", "list", "--page-size", "100")
    assert result.code == 0 and len(result.records) == 300, result
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("halo: "), result
    assert str(state) in lines[0] and "not shared" in lines[0], lines
    assert (state / "keep").read_text() == "x"


# ---------------------------------------------------------------- a bare 429

def blips(raw_server, pages, refused_at):
    """A list of `pages` pages of 10 whose pages in `refused_at` are answered one bare 429
    each (no Retry-After) before they are served."""
    from rawserver import http_response, token_route
    from urllib.parse import parse_qs

    def route(method, path, n):
        found = token_route(method, path)
        if found or not path.startswith("/api/Tickets"):
            return found
        number = int(parse_qs(path.partition("?")[2])["page_no"][0])
        first = (number - 1) * 10 + 1
        if number in refused_at and refused_at[number]:
            refused_at[number] -= 1
            return http_response(429, {"message": "busy"})
        return http_response(200, {"record_count": pages * 10, "tickets": [
            {"id": i} for i in range(first, first + 10)]})
    return raw_server(route)


def test_three_bare_429_blips_cost_seconds_not_windows(raw_server, tmp_path):
    """25 pages, three bare 429s on the way, a budget of 60 per 6 s: waiting for the window
    to free at each would take three windows (over 18 s); short waits take about 3 s."""
    server = blips(raw_server, 25, {3: 1, 10: 1, 18: 1})
    env = dict(runner_for(server.url, tmp_path).env, PATH=os.environ.get("PATH", ""))
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(ROOT / "halo.py"), "--rate", "60/6s",
                           "tickets", "list", "--page-size", "10"], env=env,
                          capture_output=True, timeout=120)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == \
        list(range(1, 251))
    assert sum(1 for _, path in server.requests if path.startswith("/api/Tickets")) == 28
    assert elapsed < 10, elapsed


def test_429s_in_a_row_wait_longer_each_and_say_so_on_a_terminal(raw_server, tmp_path):
    server = blips(raw_server, 2, {2: 4})
    run = runner_for(server.url, tmp_path)
    result = run("--rate", "60/6s", "tickets", "list", "--page-size", "10", stderr_tty=True)
    assert result.code == 0 and len(result.records) == 20, result
    assert run.sleeps[0] == 1.0, run.sleeps           # the first: a second, said nowhere
    told = [float(found) for found in re.findall(
        r"429.*busy.*waiting (\d+\.\d) s before trying again", result.err)]
    assert told[0] == 2.0 and all(t <= 6.3 for t in told), result.err   # capped: the window
    # Refused again and again at a handful of requests: the budget learnt that limit.
    assert "the tenant said 429 at" in result.err, result.err


def test_without_a_budget_429s_in_a_row_wait_1_2_4_8_seconds(raw_server, tmp_path):
    server = blips(raw_server, 2, {2: 4})
    run = runner_for(server.url, tmp_path)
    result = run("--rate", "off", "tickets", "list", "--page-size", "10", stderr_tty=True)
    assert result.code == 0 and len(result.records) == 20, result
    assert run.sleeps == [1.0, 2.0, 4.0, 8.0]
    told = re.findall(r"waiting (\d+\.\d) s before trying again", result.err)
    assert told == ["2.0", "4.0", "8.0"], result.err
    again = blips(raw_server, 2, {2: 4})
    quiet = runner_for(again.url, tmp_path)         # off a terminal: nothing said
    result = quiet("--rate", "off", "tickets", "list", "--page-size", "10")
    assert (result.code, result.err, quiet.sleeps) == (0, "", [1.0, 2.0, 4.0, 8.0]), result


def test_a_refused_run_lowers_the_shared_budget_for_one_period(tmp_path):
    """A tenant that allows 10 per 6 s, a budget that thinks 40: the 429s that repeat
    teach it the real limit, which the state file shares with every process."""
    with Sandbox(records=100, rate_limit="10/6s") as sandbox:
        env = dict(runner_for(sandbox.url, tmp_path, HALO_CLIENT_ID=sandbox.client_id,
                              HALO_CLIENT_SECRET=sandbox.client_secret).env,
                   PATH=os.environ.get("PATH", ""))
        done = subprocess.run([sys.executable, str(ROOT / "halo.py"), "--rate", "40/6s",
                               "tickets", "list", "--page-size", "10", "--concurrency", "1"],
                              env=env, capture_output=True, timeout=120)
        refused = sandbox.rate_limit.refused
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == \
        list(range(1, 101))
    assert refused >= 2
    (state,) = state_files(tmp_path)
    learned = [line.split() for line in state.read_text().splitlines()
               if line.startswith("limit")]
    assert len(learned) == 1 and 1 <= int(learned[0][1]) <= 10, state.read_text()
    assert float(learned[0][2]) > time.time() - 7      # for one period from the refusal


def test_a_learned_limit_in_the_state_file_paces_another_process(tmp_path):
    from halo_lib.http.ratebudget import Budget
    clock = [1000.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        clock[0] += seconds
    directory = str(tmp_path / "cache")
    first = Budget((40, 6.0), "https://h", "k", directory, sleep=sleep, clock=lambda: clock[0])
    for _ in range(12):
        first.acquire("https://h/api/x")
    first.refused("https://h/api/x", 1)
    assert first.refused("https://h/api/x", 2) <= 6.2     # the second in a row: learned
    other = Budget((40, 6.0), "https://h", "k", directory, sleep=sleep,
                   clock=lambda: clock[0])
    slept.clear()
    other.acquire("https://h/api/x")
    assert slept and slept[0] > 1, slept                  # paced, not sent into a 429
    clock[0] += 7                                         # a period later: 40 again
    slept.clear()
    for _ in range(20):
        other.acquire("https://h/api/x")
    assert slept == []


def test_times_that_left_the_window_are_dropped_once_the_file_fills(halo_run, tmp_path):
    """A request appends its time while the file has room; a file as long as the budget
    is read, its old times dropped, and nothing waits for them."""
    assert halo_run("--rate", "6/1m", "tickets", "get", "1").code == 0   # 3 requests
    (state,) = state_files(tmp_path)
    stale = time.time() - 3600
    state.write_text("".join(f"{stale + n:.3f}\n" for n in range(6)))
    assert halo_run("--rate", "6/1m", "tickets", "get", "2").code == 0
    assert halo_run.sleeps == []
    times = [float(t) for t in state.read_text().split()]
    assert len(times) == 1 and abs(times[0] - time.time()) < 60
