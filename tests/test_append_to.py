"""--append-to FILE with --checkpoint: the records of a run reach FILE only with the
checkpoint that covers them (issue 21, point 8).

Runs are real subprocesses, killed (SIGKILL, SIGTERM) at random moments against a real
local server; FILE must then hold exactly the records of the runs that succeeded, each
once, whatever moment the others died at."""
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import parse_qs

import pytest

from conftest import ROOT, one_error_line, runner_for
from rawserver import http_response, token_route

RECORDS, PAGE = 600, 50


class Generations:
    """A list of RECORDS tickets; each run's page 1 starts a new generation, and every
    record carries it, so FILE tells which run wrote each line."""

    def __init__(self, raw_server, delay=0.02):
        self.generation = 0
        self.lock = threading.Lock()
        self.delay = delay
        self.server = raw_server(self.route)

    def route(self, method, path, n):
        found = token_route(method, path)
        if found or not path.startswith("/api/Tickets"):
            return found
        query = parse_qs(path.partition("?")[2])
        number = int(query["page_no"][0])
        with self.lock:
            if number == 1:
                self.generation += 1
            generation = self.generation
        first = (number - 1) * PAGE + 1
        records = [{"id": i, "gen": generation, "summary": "x" * 40}
                   for i in range(first, min(first + PAGE, RECORDS + 1))]
        answer = http_response(200, {"record_count": RECORDS, "tickets": records})

        def slowly(conn, stop):
            if not stop.wait(self.delay):
                conn.sendall(answer)
        return slowly


def halo(server, tmp_path, *argv):
    env = dict(runner_for(server.url, tmp_path).env, PATH=os.environ.get("PATH", ""))
    return subprocess.Popen([sys.executable, str(ROOT / "halo.py"), *argv], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def blocks(path):
    """FILE's lines grouped by generation, checking each line is one whole record."""
    found = {}
    for line in path.read_bytes().split(b"\n")[:-1]:
        record = json.loads(line)
        found.setdefault(record["gen"], []).append(record["id"])
    assert path.read_bytes()[-1:] in (b"", b"\n")
    return found


def committed_size(state):
    """The size of FILE that the checkpoint vouches for (0 before any commit)."""
    lines = state.read_text().splitlines() if state.exists() else []
    return int(lines[1].split()[1]) if len(lines) == 2 else 0


def test_killed_runs_leave_exactly_the_records_of_the_successful_ones(raw_server, tmp_path):
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    list_ = Generations(raw_server)
    state, target = tmp_path / "tickets.since", tmp_path / "tickets.ndjson"
    argv = ("tickets", "list", "--checkpoint", str(state), "--append-to", str(target),
            "--page-size", str(PAGE), "--concurrency", "2")
    committed, outcomes, took = set(), [], None
    for run in range(14):
        before, size = list_.generation, committed_size(state)
        started = time.monotonic()
        process = halo(list_.server, tmp_path, *argv)
        how = rng.choice([signal.SIGKILL, signal.SIGTERM, None]) if run else None
        if how is not None:     # anywhere from start-up to a little past a whole run
            time.sleep(rng.uniform(0.0, 1.1 * took))
            process.send_signal(how)
        _, err = process.communicate(timeout=60)
        took = took or time.monotonic() - started
        outcomes.append((how, process.returncode, err.decode()[-300:]))
        assert list_.generation - before <= 1, outcomes
        # A run committed when its checkpoint vouches for more of FILE. It may have been
        # killed after that (then only exit 0 would be wrong to expect); a run that exits
        # 0 must have committed, and a run that did not must have been killed.
        if committed_size(state) > size:
            committed.add(list_.generation)
        else:
            assert process.returncode in (-signal.SIGKILL, -signal.SIGTERM, 143), outcomes
        if process.returncode == 0:
            assert committed_size(state) > size, outcomes
    last = halo(list_.server, tmp_path, *argv)          # one more, left to finish
    assert last.wait(60) == 0, last.stderr.read()
    committed.add(list_.generation)
    found = blocks(target)
    assert set(found) == committed, (seed, outcomes)
    for generation, ids in found.items():
        assert ids == list(range(1, RECORDS + 1)), (seed, generation)
    assert target.stat().st_size == committed_size(state)
    assert sum(1 for how, code, _ in outcomes if code != 0) >= 3, (seed, outcomes)
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".halo") or
                p.endswith(".halo-part")]


def test_an_append_cut_short_before_its_checkpoint_is_undone_by_the_next_run(raw_server,
                                                                               tmp_path):
    """The moment between appending and saving the checkpoint, as a kill would leave it:
    the checkpoint marks FILE's size before the append; the next run cuts FILE back to it
    before adding its own records."""
    list_ = Generations(raw_server, delay=0)
    state, target = tmp_path / "tickets.since", tmp_path / "tickets.ndjson"
    argv = ("tickets", "list", "--checkpoint", str(state), "--append-to", str(target),
            "--page-size", str(PAGE))
    first = halo(list_.server, tmp_path, *argv)
    assert first.wait(60) == 0, first.stderr.read()
    committed = target.stat().st_size
    marked = state.read_text().splitlines()
    assert len(marked) == 2 and marked[1].split()[1] == str(committed), marked
    with open(target, "ab") as out:       # half a run's append, no checkpoint for it
        out.write(b'{"id": 1, "gen": 99, "summary": "partial"}\n{"id": 2, "ge')
    second = halo(list_.server, tmp_path, *argv)
    assert second.wait(60) == 0, second.stderr.read()
    found = blocks(target)
    assert sorted(found) == [1, 2] and all(ids == list(range(1, RECORDS + 1))
                                           for ids in found.values())


def test_append_to_writes_nothing_on_stdout_and_needs_the_checkpoint(raw_server, tmp_path):
    list_ = Generations(raw_server, delay=0)
    run = runner_for(list_.server.url, tmp_path)
    target = tmp_path / "out.ndjson"
    line = one_error_line(run("tickets", "list", "--append-to", str(target)), 2)
    assert "--checkpoint" in line and not target.exists()
    result = run("tickets", "list", "--checkpoint", str(tmp_path / "s"), "--append-to",
                 str(target), "--page-size", str(PAGE))
    assert (result.code, result.out, result.err) == (0, b"", ""), result
    assert len(blocks(target)[1]) == RECORDS


def test_a_failed_run_appends_nothing(raw_server, tmp_path):
    def route(method, path, n):
        if path.startswith("/api/Tickets") and "page_no=3" in path:
            return http_response(400, {"message": "no"})
        return list_.route(method, path, n)
    list_ = Generations(raw_server, delay=0)
    server = raw_server(route)
    run = runner_for(server.url, tmp_path)
    target, state = tmp_path / "out.ndjson", tmp_path / "s"
    target.write_bytes(b'{"id": 0, "gen": 0}\n')
    result = run("tickets", "list", "--checkpoint", str(state), "--append-to", str(target),
                 "--page-size", str(PAGE))
    assert result.code == 1 and result.out == b"", result
    assert target.read_bytes() == b'{"id": 0, "gen": 0}\n'
    assert not state.exists()


def test_the_help_line_of_append_to_names_the_checkpoint(raw_server, tmp_path):
    run = runner_for("https://h.example", tmp_path)
    text = run("tickets", "list", "--help").out.decode()
    line = next(line for line in text.splitlines() if "--append-to" in line)
    assert "checkpoint" in line, line


