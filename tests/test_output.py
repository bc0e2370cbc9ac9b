"""Output: NDJSON through orjson, streamed page by page; --query (JMESPath,
per record for lists with nulls dropped, on the document otherwise); -r; -o json; a closed
stdout ends quietly; SIGINT exits 130; no error path shows a traceback."""
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time

import pytest

import halo_lib.run.execute
from conftest import ROOT, SECRET, api_requests, one_error_line
from rawserver import HANG, http_response, token_route
from test_request import paged

TICKETS = [{"id": 1, "summary": "Printer", "status_id": 2, "client": {"name": "Acme"}},
           {"id": 2, "summary": "Mail", "status_id": 1, "client": {"name": "Bolt"}},
           {"id": 3, "status_id": 2, "client": {"name": "Café"}}]


@pytest.fixture
def tickets(server):
    server.expect_request("/api/Tickets").respond_with_handler(paged(TICKETS))
    server.expect_request("/api/Tickets/1").respond_with_json(TICKETS[0])
    return server


# ---------------------------------------------------------------- NDJSON

def test_lists_are_compact_ndjson_in_server_order(run, tickets):
    result = run("tickets", "list")
    assert (result.code, result.err) == (0, ""), result
    assert result.out == (
        b'{"id":1,"summary":"Printer","status_id":2,"client":{"name":"Acme"}}\n'
        b'{"id":2,"summary":"Mail","status_id":1,"client":{"name":"Bolt"}}\n'
        b'{"id":3,"status_id":2,"client":{"name":"Caf\xc3\xa9"}}\n')


def test_field_order_is_the_servers(run, server):
    server.expect_request("/api/Tickets/1").respond_with_data(
        '{"zeta": 1, "alpha": {"y": 2, "b": 3}, "mid": [3, 1]}', content_type="application/json")
    assert run("tickets", "get", "1").out == b'{"zeta":1,"alpha":{"y":2,"b":3},"mid":[3,1]}\n'


def test_pages_stream_as_they_arrive(server, tmp_path):
    """The first line is out while the second page is still being served."""
    release = threading.Event()
    records = [{"id": i} for i in range(1, 5)]
    serve = paged(records)

    def page(request):
        if request.args.get("page_no") != "1":
            release.wait(10)
        return serve(request)
    server.expect_request("/api/Tickets").respond_with_handler(page)
    proc, out = _start(["tickets", "list", "--page-size", "2"], server, tmp_path)
    try:
        assert out.until(b'{"id":2}\n') == b'{"id":1}\n{"id":2}\n'
        assert not release.is_set()          # page 2 is still being served
        release.set()
        assert out.rest() == b'{"id":1}\n{"id":2}\n{"id":3}\n{"id":4}\n'
        proc.wait(10)
    finally:
        release.set()
        err = _finish(proc)
    assert (proc.returncode, err) == (0, b"")


def _env(server, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALO_")}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), HALO_CLIENT_ID="cid",
               HALO_CLIENT_SECRET=SECRET, HALO_URL=server.url_for("").rstrip("/")
               if hasattr(server, "url_for") else server.url)
    return env


class Reader:
    """What a child process writes to a pipe, read straight from the descriptor."""

    def __init__(self, stream):
        self.fd = stream.fileno()
        self.data = b""

    def until(self, wanted, timeout=10.0):
        deadline = time.monotonic() + timeout
        while wanted not in self.data:
            left = deadline - time.monotonic()
            assert left > 0, f"no {wanted!r} in {self.data!r}"
            if select.select([self.fd], [], [], left)[0]:
                chunk = os.read(self.fd, 65536)
                assert chunk, f"output ended before {wanted!r}: {self.data!r}"
                self.data += chunk
        return self.data

    def rest(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, "output did not end"
            if select.select([self.fd], [], [], left)[0]:
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    return self.data
                self.data += chunk


def _start(argv, server, tmp_path):
    """`python halo.py ARGV` with stdout a pipe and stderr a file."""
    err = open(tmp_path / "stderr", "w+b")
    proc = subprocess.Popen([sys.executable, str(ROOT / "halo.py"), *argv],
                            stdout=subprocess.PIPE, stderr=err, env=_env(server, tmp_path))
    proc.err_file = err
    return proc, Reader(proc.stdout)


def _finish(proc):
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)
    proc.stdout.close()
    proc.err_file.seek(0)
    err = proc.err_file.read()
    proc.err_file.close()
    return err


# ---------------------------------------------------------------- --query, -r, -o json

def test_query_applies_to_each_record_and_drops_nulls(run, tickets):
    result = run("tickets", "list", "--query", "summary")
    assert result.lines == ['"Printer"', '"Mail"']


def test_query_as_a_filter(run, tickets):
    result = run("tickets", "list", "--query", "[@][?status_id == `2`].{id: id} | [0]")
    assert result.records == [{"id": 1}, {"id": 3}]


def test_query_on_a_single_document(run, tickets):
    result = run("tickets", "get", "1", "--query", "client.name")
    assert result.lines == ['"Acme"']
    result = run("tickets", "get", "1", "--query", "keys(@)")
    assert result.records == [["id", "summary", "status_id", "client"]]
    result = run("tickets", "get", "1", "--query", "nothing_here")
    assert (result.code, result.out) == (0, b"")


def test_raw_prints_strings_without_quotes(run, tickets):
    assert run("tickets", "list", "--query", "client.name", "-r").out == b"Acme\nBolt\nCaf\xc3\xa9\n"
    assert run("tickets", "list", "--query", "id", "--raw").out == b"1\n2\n3\n"
    assert run("tickets", "get", "1", "-r", "--query", "client").out == b'{"name":"Acme"}\n'


def test_output_json_is_one_array(run, tickets):
    result = run("tickets", "list", "-o", "json")
    assert result.out.count(b"\n") == 1
    assert json.loads(result.out) == TICKETS
    result = run("tickets", "list", "-o", "json", "--query", "[*].id")
    assert result.out == b"[1,2,3]\n"


def test_output_json_is_pretty_on_a_terminal(run, tickets):
    result = run("tickets", "list", "-o", "json", stdout_tty=True, env={"NO_COLOR": "1"})
    assert json.loads(result.out) == TICKETS
    assert result.out.count(b"\n") > 10


def test_output_json_of_an_empty_list(run, server):
    server.expect_request("/api/Tickets").respond_with_json({"record_count": 0, "tickets": []})
    assert run("tickets", "list", "-o", "json").out == b"[]\n"
    assert run("tickets", "list").out == b""


def test_an_invalid_query_is_exit_2_before_anything_is_sent(run, server):
    line = one_error_line(run("tickets", "list", "--query", "[?"), 2)
    assert "--query" in line
    assert server.log == []


def test_the_query_is_compiled_once(run, server, monkeypatch):
    import jmespath
    calls = []
    original = jmespath.compile
    monkeypatch.setattr(jmespath, "compile", lambda text: calls.append(text) or original(text))
    records = [{"id": i} for i in range(1, 11)]
    server.expect_request("/api/Tickets").respond_with_handler(paged(records))
    result = run("tickets", "list", "--page-size", "3", "--query", "id")
    assert result.lines == [str(i) for i in range(1, 11)]
    assert calls == ["id"]


# ---------------------------------------------------------------- stderr for diagnostics

def test_progress_on_a_terminal_only_and_quiet_silences_it(run, server):
    records = [{"id": i} for i in range(1, 602)]
    server.expect_request("/api/Tickets").respond_with_handler(paged(records))
    result = run("tickets", "list", "--page-size", "300", stderr_tty=True)
    assert len(result.lines) == 601
    assert "of 601 records" in result.err
    assert b"records" not in result.out
    assert run("tickets", "list", "--page-size", "300", "-q", stderr_tty=True).err == ""
    assert run("tickets", "list", "--page-size", "300").err == ""


# ---------------------------------------------------------------- closed stdout

class ClosedPipe:
    def write(self, data):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        pass


def test_a_closed_stdout_ends_quietly_in_process(run, tickets, monkeypatch):
    import io
    from halo_lib.io.streams import Streams
    import halo
    err = io.StringIO()
    streams = Streams(stdin=io.BytesIO(), stdout=ClosedPipe(), stderr=err, env=run.env,
                      sleep=run.sleeps.append, stdin_tty=False, stdout_tty=False,
                      stderr_tty=False)
    assert halo.main(["tickets", "list"], streams) == 0
    assert err.getvalue() == ""


def test_head_closing_the_pipe_stops_the_list(server, tmp_path):
    """`halo tickets list | head -1`: exit 0, nothing on stderr, no further pages."""
    big = "x" * 2000
    records = [{"id": i, "text": big} for i in range(1, 2001)]   # 100 pages of 80 kB
    server.expect_request("/api/Tickets").respond_with_handler(paged(records))
    script = (f'"{sys.executable}" "{ROOT / "halo.py"}" tickets list --page-size 20 '
              '| head -c 20; echo; echo "status=${PIPESTATUS[0]}"')
    done = subprocess.run(["bash", "-c", script], capture_output=True, timeout=60,
                          env=_env(server, tmp_path))
    assert done.stdout.startswith(b'{"id":1,"text":"xxxx')
    assert done.stdout.endswith(b"\nstatus=0\n"), done.stdout[-200:]
    assert done.stderr == b""
    assert len(api_requests(server)) <= 8          # page 1 and the few fetched ahead


# ---------------------------------------------------------------- signals

def _hanging_list(raw_server, tmp_path):
    def route(method, path, n):
        if path.startswith("/api/Tickets"):
            if "page_no=1" in path:
                return http_response(200, {"record_count": 6, "tickets": [{"id": 1}, {"id": 2}]})
            return HANG
        return token_route(method, path)
    server = raw_server(route)
    return server, *_start(["tickets", "list", "--page-size", "2"], server, tmp_path)


@pytest.mark.parametrize("signum,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_ends_the_command_with_its_status(raw_server, tmp_path, signum, code):
    server, proc, out = _hanging_list(raw_server, tmp_path)
    try:
        out.until(b'{"id":2}\n')
        assert server.hanging.wait(10)
        proc.send_signal(signum)
        assert out.rest() == b'{"id":1}\n{"id":2}\n'       # whole lines only
        proc.wait(10)
    finally:
        err = _finish(proc)
    assert proc.returncode == code
    assert b"Traceback" not in err
    assert len(err.splitlines()) <= 1


def test_sigint_while_waiting_for_an_answer(raw_server, tmp_path):
    server = raw_server(lambda m, p, n: token_route(m, p) or HANG)
    proc, out = _start(["tickets", "get", "1"], server, tmp_path)
    try:
        assert server.hanging.wait(10)
        proc.send_signal(signal.SIGINT)
        assert out.rest() == b""
        proc.wait(10)
    finally:
        err = _finish(proc)
    assert proc.returncode == 130
    assert b"Traceback" not in err and len(err.splitlines()) <= 1


def test_keyboard_interrupt_in_process_is_130(run, monkeypatch):
    def interrupted(args, streams):
        raise KeyboardInterrupt
    monkeypatch.setattr(halo_lib.run.execute, "run", interrupted)
    result = run("tickets", "list")
    assert result.code == 130
    assert "Traceback" not in result.err


# ---------------------------------------------------------------- the top-level handler

def test_an_unexpected_exception_is_one_line_and_exit_1(run, monkeypatch):
    def broken(args, streams):
        raise RuntimeError("something\nbroke   badly")
    monkeypatch.setattr(halo_lib.run.execute, "run", broken)
    result = run("tickets", "list")
    line = one_error_line(result, 1)
    assert line == "halo: unexpected error: RuntimeError: something broke badly"


def test_the_traceback_shows_only_under_verbose(run, monkeypatch):
    def broken(args, streams):
        raise RuntimeError("boom")
    monkeypatch.setattr(halo_lib.run.execute, "run", broken)
    for flag in ("-v", "--verbose"):
        result = run(flag, "tickets", "list")
        assert result.code == 1
        assert "Traceback (most recent call last)" in result.err
        assert result.err.rstrip().endswith("halo: unexpected error: RuntimeError: boom")
    result = run("tickets", "list", "-v")
    assert "Traceback" in result.err


def test_a_real_process_never_prints_a_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALO_")}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "c"),
               XDG_CACHE_HOME=str(tmp_path / "k"))
    for argv in (["tickets", "list"], ["nope"], ["tickets", "get", "x"],
                 ["--url", "https://a.example", "--dry-run", "tickets", "create", "{"]):
        done = subprocess.run([sys.executable, str(ROOT / "halo.py"), *argv],
                              capture_output=True, env=env, timeout=30)
        assert done.returncode in (2, 3), (argv, done)
        assert done.stdout == b""
        assert b"Traceback" not in done.stderr
        assert len(done.stderr.splitlines()) == 1, (argv, done.stderr)


def test_closed_standard_streams_never_show_a_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALO_")}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "c"),
               XDG_CACHE_HOME=str(tmp_path / "k"))
    halo_py = f'"{sys.executable}" "{ROOT / "halo.py"}"'
    # A closed stdout cannot take the version: one line saying so, exit 6 (output).
    for script, status in ((f"{halo_py} --version >&-", 6),
                           (f"{halo_py} --url https://a.example --dry-run tickets get 1 <&-", 0),
                           # a closed stdin is empty input: zero records, nothing to do
                           (f"{halo_py} --url https://a.example --dry-run tickets create - <&-",
                            0)):
        done = subprocess.run(["bash", "-c", script], capture_output=True, env=env, timeout=30)
        assert done.returncode == status, (script, done)
        assert b"Traceback" not in done.stderr, script
