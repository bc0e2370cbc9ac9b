"""--timeout bounds every attempt from connecting to the last byte, on every connection:
also one the server closes after its answer (`Connection: close`, or an answer that ends
when the connection does), whose socket http.client hands to the response."""
import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT, TOKEN, runner_for
from rawserver import http_response, token_route

CLOSE = [("Connection", "close")]


def trickled(framing):
    """A page whose head comes at once and whose body then comes a byte at a time."""
    body = b'{"tickets": [], "record_count": 0}' + b" " * 200
    length = [("Content-Length", str(len(body)))] if framing != "until-close" else []
    head = http_response(200, b"", headers=length + CLOSE).replace(b"Content-Length: 0\r\n", b"")

    def answer(conn, stop):
        conn.sendall(head)
        for byte in body:
            if stop.wait(0.2):
                return
            conn.sendall(bytes([byte]))
    return answer


@pytest.mark.parametrize("framing", ["length", "until-close"])
def test_the_timeout_holds_on_a_connection_the_server_closes(raw_server, tmp_path, framing):
    token = http_response(200, {"access_token": TOKEN, "token_type": "Bearer",
                                "expires_in": 3600}, headers=CLOSE)

    def route(method, path, n):
        if path.startswith("/auth/token"):
            return lambda conn, stop: conn.sendall(token)   # and the connection is closed
        return token_route(method, path) or trickled(framing)
    server = raw_server(route)
    env = dict(runner_for(server.url, tmp_path).env, PATH=os.environ.get("PATH", ""))
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, str(ROOT / "halo.py"), "--timeout", "1",
                               "--retries", "0", "tickets", "list"], env=env,
                              capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("--timeout 1 did not hold: halo still waiting after 30 s")
    elapsed = time.monotonic() - started
    assert done.returncode == 5, done
    assert "timeout" in done.stderr and "Traceback" not in done.stderr, done
    assert done.stdout == ""
    assert elapsed < 10, elapsed
    assert server.connections >= 2
