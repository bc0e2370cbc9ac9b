"""Property tests: whatever the argv, the body or the server's answer, halo ends with a
documented exit status and a clear message, never a traceback."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import runner_for
from halo_lib.resources import RESOURCES

DOCUMENTED = {0, 1, 2, 3, 4, 5}
FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


class Scripted:
    """A server that gives whatever answer the current example sets."""

    def __init__(self):
        self.answer = (200, "application/json", b"[]")
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _reply(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                if self.path.startswith("/auth/token"):
                    status, kind, data = 200, "application/json", json.dumps(
                        {"access_token": "tok", "expires_in": 3600}).encode()
                else:
                    status, kind, data = scripted.answer
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _reply

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.handle_error = lambda request, address: None   # clients hang up early
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def scripted():
    server = Scripted()
    yield server
    server.httpd.shutdown()


@pytest.fixture
def halo(scripted, tmp_path):
    return runner_for(scripted.url, tmp_path)


def check(result):
    assert result.code in DOCUMENTED, result
    assert "Traceback" not in result.err, result
    if result.code == 2:
        assert len(result.err.strip().splitlines()) == 1, result


WORDS = ([r.name for r in RESOURCES] + ["list", "get", "create", "update", "delete", "me",
         "request", "GET", "POST", "/Tickets", "-", "@/nonexistent", "{", "[]", '{"a":1}',
         "--limit", "--query", "-o", "json", "-r", "--param", "a=b", "-F", "x=@/nope",
         "--page-size", "0", "-1", "1e999", "--client-id", "--dry-run", "--retries", "\x00",
         "--timeout", "nan", "vote", "pdf", "--", "-O", "--batch-size", "[?id>`1`]"])


@FAST
@given(argv=st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), max_size=7))
def test_any_argv(halo, scripted, argv):
    scripted.answer = (200, "application/json", b'[{"id": 1}]')
    check(halo("--retries", "0", *argv))


@FAST
@given(body=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                      st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                                   lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
                                   max_leaves=10).map(lambda d: json.dumps(d).encode())))
def test_any_body(halo, body):
    result = halo("--dry-run", "tickets", "create", "-", stdin=body)
    check(result)
    assert result.code in (0, 2)


@FAST
@given(status=st.sampled_from([200, 201, 204, 301, 400, 401, 403, 404, 409, 429, 500, 502, 503]),
       kind=st.sampled_from(["application/json", "text/html", "text/plain", ""]),
       data=st.one_of(st.binary(max_size=100), st.sampled_from([
           b"", b"null", b"[]", b"{}", b'{"tickets": 5}', b'{"a": [1], "b": [2]}', b"[1,2]",
           b'"text"', b"<html><title>Oops</title></html>", b'{"record_count": "x"}'])),
       verb=st.sampled_from([["tickets", "list"], ["tickets", "get", "1"],
                             ["tickets", "create", '{"a": 1}'], ["tickets", "delete", "1"],
                             ["request", "GET", "/X"], ["invoices", "pdf", "1"]]))
def test_any_server_answer(halo, scripted, status, kind, data, verb):
    scripted.answer = (status, kind, data)
    check(halo("--retries", "1", *verb))


def test_deeply_nested_json_is_refused_clearly(halo):
    result = halo("--dry-run", "tickets", "create", "-", stdin=b"[" * 100000 + b"]" * 100000)
    check(result)
    assert result.code == 2


def test_binary_garbage_on_stdin_is_refused_clearly(halo):
    result = halo("--dry-run", "tickets", "create", "-", stdin=bytes(range(256)) * 50)
    assert result.code == 2
    assert "invalid" in result.err


def test_a_large_body_is_handled(halo):
    body = b"".join(json.dumps({"summary": "x" * 100, "n": i}).encode() + b"\n"
                    for i in range(20000))
    result = halo("--dry-run", "tickets", "create", "-", "--batch-size", "100", stdin=body)
    assert result.code == 0
    assert len(result.lines) == 200
