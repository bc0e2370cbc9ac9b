"""Bulk writes account for every input record exactly once, whatever ends the run:
signals, a closed or full stdout, a fatal API error; refused batches are split; a 429 is
retried and never `unknown`; --failed FILE is emptied at the start."""
import json
import math
import os
import signal
import subprocess
import sys
import time

import pytest

from bulkserver import BulkServer
from conftest import ROOT, runner_for

HALO = [sys.executable, str(ROOT / "halo.py")]


def ndjson(numbers, bad=()):
    return b"".join(json.dumps({"n": n, "summary": f"s{n}", **({"bad": True} if n in bad
                                                                 else {})}).encode() + b"\n"
                    for n in numbers)


@pytest.fixture
def bulk():
    server = BulkServer().start()
    yield server
    server.stop()


@pytest.fixture
def halo(bulk, tmp_path):
    return runner_for(bulk.url, tmp_path)


def env_for(server, tmp_path):
    return {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"), "HALO_URL": server.url,
            "HALO_CLIENT_ID": "cid", "HALO_CLIENT_SECRET": "secret"}


def reports(err):
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def accounted(out_lines, err, failed_path):
    """outcome -> record numbers, from stdout (saved), stderr reports and --failed FILE."""
    found = {"saved": [json.loads(line)["n"] for line in out_lines if line.strip()]}
    for report in reports(err):
        found.setdefault(report["outcome"], []).append(report["number"])
    if failed_path and os.path.exists(failed_path):
        with open(failed_path, "rb") as handle:
            found["in --failed"] = [json.loads(line)["n"] for line in handle if line.strip()]
    return found


def assert_each_once(found, total):
    every = [n for numbers in found.values() for n in numbers]
    assert sorted(every) == list(range(1, total + 1)), {k: len(v) for k, v in found.items()}


# ---------------------------------------------------------------- signals

@pytest.mark.parametrize("signum,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_run_leaves_every_record_accounted_for(tmp_path, signum, code):
    server = BulkServer(delay=0.25).start()
    failed = tmp_path / "failed.ndjson"
    try:
        source = tmp_path / "in.ndjson"
        source.write_bytes(ndjson(range(1, 501)))
        with open(source, "rb") as stdin:
            process = subprocess.Popen(HALO + ["tickets", "create", "-", "--failed",
                                               str(failed)],
                                       env=env_for(server, tmp_path), stdin=stdin,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while len(server.posts) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signum)
        out, err = process.communicate(timeout=20)
        time.sleep(0.3)   # the batch in flight may still be saved by the server
        saved_by_server = server.saved_numbers()
    finally:
        server.stop()
    err = err.decode()
    assert process.returncode == code, err
    assert "Traceback" not in err
    found = accounted(out.decode().splitlines(), err, failed)
    assert_each_once(found, 500)
    name = "SIGTERM" if signum == signal.SIGTERM else "SIGINT"
    assert f"not sent: interrupted by {name}" in err
    assert len(found["saved"]) >= 100 and len(found["in --failed"]) >= 300
    assert set(found["saved"]) <= set(saved_by_server)
    assert set(saved_by_server) <= set(found["saved"]) | set(found.get("unknown", []))
    assert "500 record(s):" in err.splitlines()[-1]


# ---------------------------------------------------------------- stdout that fails

def test_a_reader_that_closes_stdout_leaves_every_record_accounted_for(tmp_path):
    server = BulkServer(delay=0.2).start()
    failed = tmp_path / "failed.ndjson"
    try:
        process = subprocess.Popen(HALO + ["tickets", "create", "-", "--failed", str(failed)],
                                   env=env_for(server, tmp_path), stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.stdin.write(ndjson(range(1, 501)))
        process.stdin.close()
        first = process.stdout.readline()      # what `| head -1` does
        process.stdout.close()
        err = process.stderr.read().decode()
        process.wait(timeout=20)
        saved_by_server = server.saved_numbers()
    finally:
        server.stop()
    assert json.loads(first)["n"] == 1
    assert process.returncode == 6, err
    found = accounted([], err, failed)
    shown = [r for r in reports(err) if r["outcome"] == "saved"]
    assert [r["number"] for r in shown] == list(range(51, 101))
    assert all(r["record"]["id"] >= 1000 for r in shown)      # the ids are not lost
    assert found["in --failed"] == list(range(101, 501))
    assert saved_by_server == list(range(1, 101))
    assert "stdout was closed by its reader" in err


def test_a_full_stdout_is_one_line_and_exit_6_and_nothing_lost(bulk, tmp_path):
    failed = tmp_path / "failed.ndjson"
    with open("/dev/full", "wb") as full:
        done = subprocess.run(HALO + ["tickets", "create", "-", "--failed", str(failed)],
                              env=env_for(bulk, tmp_path), input=ndjson(range(1, 201)),
                              stdout=full, stderr=subprocess.PIPE, timeout=30)
    err = done.stderr.decode()
    assert done.returncode == 6, err
    assert "unexpected error" not in err and "Traceback" not in err
    assert "cannot write to stdout: No space left on device" in err
    found = accounted([], err, failed)
    assert found["saved"] == list(range(1, 51))
    assert found["in --failed"] == list(range(51, 201))
    assert bulk.saved_numbers() == list(range(1, 51))


def test_a_list_to_a_full_stdout_is_one_line_and_exit_6(tmp_path):
    from faultserver import FaultServer
    server = FaultServer(total=300).start()
    try:
        with open("/dev/full", "wb") as full:
            done = subprocess.run(HALO + ["tickets", "list"], env=env_for(server, tmp_path),
                                  stdout=full, stderr=subprocess.PIPE, timeout=30)
    finally:
        server.stop()
    assert done.returncode == 6
    assert done.stderr.decode().splitlines() == [
        "halo: cannot write to stdout: No space left on device"]


# ---------------------------------------------------------------- fatal API error

def test_a_fatal_answer_mid_run_reports_the_rest_as_not_sent(halo, bulk, tmp_path):
    bulk.script = [None, None, 500]     # the third batch: a 5xx to a create, not repeated
    failed = tmp_path / "failed.ndjson"
    result = halo("tickets", "create", "-", "--batch-size", "10", "--failed", str(failed),
                  stdin=ndjson(range(1, 61)))
    assert result.code == 5, result
    found = accounted(result.lines, result.err, failed)
    assert found["saved"] == list(range(1, 21))
    assert found["unknown"] == list(range(21, 31))
    assert found["in --failed"] == list(range(31, 61))
    assert len(bulk.posts) == 3


# ---------------------------------------------------------------- --failed FILE

def test_failed_file_is_emptied_at_the_start_and_stays_empty_on_success(halo, bulk, tmp_path):
    failed = tmp_path / "failed.ndjson"
    failed.write_bytes(ndjson([7, 8, 9]))           # stale, from an earlier run
    result = halo("tickets", "create", "-", "--failed", str(failed), stdin=ndjson([1, 2]))
    assert (result.code, result.err) == (0, "")
    assert failed.read_bytes() == b""


def test_failed_file_that_cannot_be_written_is_exit_2_before_anything_is_sent(halo, bulk,
                                                                               tmp_path):
    result = halo("tickets", "create", "-", "--failed", str(tmp_path / "no" / "such.ndjson"),
                  stdin=ndjson([1, 2]))
    assert result.code == 2, result
    (line,) = result.err.splitlines()
    assert "--failed" in line and "No such file or directory" in line
    assert bulk.posts == []


def test_failed_file_may_be_the_input_it_replaces(halo, bulk, tmp_path):
    retry = tmp_path / "retry.ndjson"
    retry.write_bytes(ndjson([1, 2, 3], bad={2}))
    result = halo("tickets", "create", f"@{retry}", "--failed", str(retry))
    assert result.code == 1
    assert [json.loads(line)["n"] for line in retry.read_bytes().splitlines()] == [2]


# ---------------------------------------------------------------- splitting refused batches

@pytest.mark.parametrize("refusal", [400, 409, 422])
def test_a_refused_batch_is_split_until_the_bad_record_stands_alone(tmp_path, refusal):
    server = BulkServer(refusal=refusal).start()
    try:
        halo = runner_for(server.url, tmp_path)
        bad = {37, 100, 101}
        result = halo("tickets", "create", "-", "--batch-size", "64",
                      stdin=ndjson(range(1, 129), bad=bad))
        posts = len(server.posts)
        saved = server.saved_numbers()
    finally:
        server.stop()
    assert result.code == 1
    assert [r["n"] for r in result.records] == [n for n in range(1, 129) if n not in bad]
    assert saved == [n for n in range(1, 129) if n not in bad]
    failed = reports(result.err)
    assert [(r["outcome"], r["number"]) for r in failed] == [("failed", n) for n in sorted(bad)]
    for report in failed:
        assert f"n {report['number']}: bad is not allowed" in report["error"]
        assert str(refusal) in report["error"]
    assert posts <= 2 + len(bad) * 2 * math.log2(64)


@pytest.mark.parametrize("status,code", [(401, 3), (403, 3), (429, 5)])
def test_auth_and_throttling_refusals_are_not_split(halo, bulk, tmp_path, status, code):
    bulk.script = [(status, {"Retry-After": "0"})] * 20
    result = halo("--retries", "2", "tickets", "create", "-", "--batch-size", "8",
                  stdin=ndjson(range(1, 17)))
    assert result.code == code, result
    assert all(len(batch) == 8 for batch in bulk.posts)
    outcomes = {r["outcome"] for r in reports(result.err)}
    assert "unknown" not in outcomes


def test_a_throttled_create_is_retried_honouring_retry_after_and_then_not_sent(halo, bulk):
    bulk.script = [(429, {"Retry-After": "3"})] * 3
    result = halo("--retries", "2", "tickets", "create", "-", "--batch-size", "5",
                  stdin=ndjson(range(1, 11)))
    assert result.code == 5, result
    assert halo.sleeps == [3.0, 3.0]
    assert len(bulk.posts) == 3
    found = reports(result.err)
    assert [(r["outcome"], r["number"]) for r in found] == [("not sent", n)
                                                             for n in range(1, 11)]
    assert "429" in found[0]["error"]


# ---------------------------------------------------------------- streaming input

def test_invalid_input_late_in_a_long_stream_sends_nothing(halo, bulk):
    body = ndjson(range(1, 3001)) + b'{"n": 3001, oops}\n'
    result = halo("tickets", "create", "-", stdin=body)
    assert result.code == 2
    assert "line 3001" in result.err
    assert bulk.posts == []


def test_record_numbers_count_over_the_whole_input(halo, bulk):
    result = halo("tickets", "create", "-", "--batch-size", "50",
                  stdin=ndjson(range(1, 201), bad={151}))
    assert result.code == 1
    (report,) = reports(result.err)
    assert report["number"] == 151 and report["record"]["n"] == 151


def test_a_closed_stdout_reports_the_saved_ids_on_stderr_and_exits_6(bulk, tmp_path):
    source = tmp_path / "in.ndjson"
    source.write_bytes(ndjson(range(1, 121)))
    halo_py = " ".join(f"'{part}'" for part in HALO)
    done = subprocess.run(["bash", "-c", f"{halo_py} tickets create @'{source}' >&-"],
                          env=env_for(bulk, tmp_path), stderr=subprocess.PIPE, timeout=30)
    err = done.stderr.decode()
    assert done.returncode == 6, err
    found = accounted([], err, None)
    assert found["saved"] == list(range(1, 51))
    assert found["not sent"] == list(range(51, 121))
    assert "cannot write to stdout: stdout is closed" in err
    assert bulk.saved_numbers() == list(range(1, 51))


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")
def test_failed_file_on_a_full_device_reports_the_records_on_stderr_not_in_it(halo, bulk,
                                                                             tmp_path):
    import stat
    full = str(tmp_path / "full")
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    result = halo("tickets", "create", "-", "--failed", full, stdin=ndjson([1, 2, 3], bad={2}))
    assert result.code == 6, result
    lines = result.err.splitlines()
    assert lines[0] == f"halo: cannot write --failed {full}: No space left on device"
    assert [(r["outcome"], r["number"]) for r in reports(result.err)] == [("failed", 2)]
    summary = lines[-1]
    assert summary.startswith("halo: 3 record(s): 2 saved, 1 failed"), summary
    assert f"written to {full}" not in summary and "stderr" in summary, summary
    assert stat.S_ISCHR(os.lstat(full).st_mode)


# ---------------------------------------------------------------- update ID: one request

def _sandbox_halo(tmp_path, *argv, stdin=b""):
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    return subprocess.run(HALO + ["--sandbox", *argv], input=stdin, capture_output=True,
                          env=env, timeout=60)


def test_update_of_a_missing_id_is_exit_4_with_one_line_as_get_is(tmp_path):
    done = _sandbox_halo(tmp_path, "tickets", "update", "999999", "-F", "status_id=9")
    assert done.returncode == 4, done
    assert done.stdout == b""
    (line,) = done.stderr.decode().splitlines()
    assert line.startswith("halo: ") and "999999" in line and "404" in line


def test_update_of_a_missing_id_still_writes_it_to_failed_file(tmp_path):
    failed = tmp_path / "failed.ndjson"
    done = _sandbox_halo(tmp_path, "tickets", "update", "999999", "-F", "status_id=9",
                         "--failed", str(failed))
    assert done.returncode == 4, done
    assert len(done.stderr.decode().splitlines()) == 1, done
    assert [json.loads(line) for line in failed.read_text().splitlines()] == \
        [{"status_id": 9, "id": 999999}]


def test_bulk_update_from_stdin_keeps_per_record_accounting_for_a_missing_id(tmp_path):
    body = b'{"id": 999999, "status_id": 9}\n{"id": 3, "status_id": 9}\n'
    done = _sandbox_halo(tmp_path, "tickets", "update", "-", stdin=body)
    assert done.returncode == 1, done
    assert [r["id"] for r in map(json.loads, done.stdout.splitlines())] == [3]
    (report,) = reports(done.stderr.decode())
    assert (report["outcome"], report["number"]) == ("failed", 1)
    assert "999999" in report["error"]
    assert done.stderr.decode().splitlines()[-1] == "halo: 2 record(s): 1 saved, 1 failed"


# ---------------------------------------------------------------- a 2xx that cannot be read

@pytest.mark.parametrize("body,kind", [(b"<html><body>Saved</body></html>", "text/html"),
                                       (b'[{"id": 1001, "summ', "application/json")],
                         ids=["html", "truncated"])
def test_an_unreadable_2xx_to_a_create_is_unknown_never_failed(run, server, tmp_path, body,
                                                               kind):
    """The server may have saved them: feeding --failed back in must not duplicate them."""
    server.expect_request("/api/Tickets", method="POST").respond_with_data(
        body, status=200, content_type=kind)
    failed = tmp_path / "failed.ndjson"
    result = run("tickets", "create", "-", "--failed", str(failed),
                 stdin=ndjson(range(1, 4)))
    assert result.code == 5, result
    assert failed.read_bytes() == b""
    found = [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]
    assert [(f["outcome"], f["number"]) for f in found] == [("unknown", 1), ("unknown", 2),
                                                             ("unknown", 3)]
    assert "may have acted on it" in found[0]["error"]
    assert result.err.splitlines()[-1].startswith("halo: 3 record(s): 0 saved, 3 unknown")
    posts = [r for r, _ in server.log if r.method == "POST" and r.path == "/api/Tickets"]
    assert len(posts) == 1                   # a create is never repeated blindly
