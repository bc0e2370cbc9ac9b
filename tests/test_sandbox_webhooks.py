"""`halo webhooks listen` as a real process, the sandbox's webhook deliveries, and the two
end to end: `halo sandbox`, `halo webhooks listen --count 3` and three `halo tickets`
writes, all real subprocesses."""

import base64
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time

import pytest

from halo_lib.sandbox import Sandbox
from listenprocess import HALO, basic
from test_sandbox_server import Api


def test_each_delivery_is_one_line_written_before_the_200(listener_factory):
    listener = listener_factory()
    for n in range(1, 4):
        assert listener.post(f"/hook/{n}", {"event": "Ticket Updated", "n": n}) == 200
        # The 200 came after the flush: the line is there now, no buffering delay.
        line = listener.line()
        assert line["body"] == {"event": "Ticket Updated", "n": n}
        assert line["path"] == f"/hook/{n}"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["received_at"])
    assert listener.stop(signal.SIGINT) == 130


def test_a_body_that_is_not_json_is_kept_as_text(listener_factory):
    listener = listener_factory()
    assert listener.post("/", b"event=closed&id=5") == 200
    line = listener.line()
    assert line["text"] == "event=closed&id=5" and "body" not in line
    listener.stop()


def test_a_body_that_is_not_utf8_keeps_its_bytes_as_base64(listener_factory):
    listener = listener_factory()
    for body in (b"\xff\xfe", b"\xff\xfe not utf-8", b"\x00\x80\xc3"):
        assert listener.post("/", body) == 200
        line = listener.line()
        assert base64.b64decode(line["base64"], validate=True) == body
        assert "text" not in line and "body" not in line
    listener.stop()


@pytest.mark.parametrize("command", [["webhooks", "listen"], ["sandbox"]])
@pytest.mark.parametrize("port", ["99999", "65536", "-1", "http"])
def test_a_port_out_of_range_is_a_usage_error(command, port):
    done = subprocess.run(HALO + command + ["--port", port], capture_output=True, timeout=30)
    err = done.stderr.decode()
    assert done.returncode == 2 and done.stdout == b"", err
    assert err.count("\n") == 1 and "--port" in err and "Traceback" not in err


def test_basic_auth_refuses_wrong_and_missing_credentials_without_a_line(listener_factory):
    listener = listener_factory("--basic-auth", "halo", "--count", "1",
                                env={"HALO_WEBHOOK_SECRET": "s3cret"})
    assert listener.post("/", {"x": 1}) == 401
    assert listener.post("/", {"x": 2}, {"Authorization": basic("halo", "wrong")}) == 401
    assert listener.post("/", {"x": 3}, {"Authorization": basic("halo", "s3cret")}) == 200
    assert listener.line()["body"] == {"x": 3}
    assert listener.process.wait(timeout=10) == 0           # --count 1
    assert listener.process.stdout.read() == b""            # the refused ones left no line


def test_count_stops_after_n_deliveries_and_sigterm_exits_143(listener_factory):
    counted = listener_factory("--count", "2")
    for n in range(2):
        assert counted.post("/", [n]) == 200
    assert counted.process.wait(timeout=10) == 0
    assert [json.loads(x)["body"] for x in counted.process.stdout.read().splitlines()] == \
        [[0], [1]]
    waiting = listener_factory()
    assert waiting.stop(signal.SIGTERM) == 143


def test_a_closed_stdout_ends_it_quietly(listener_factory):
    read_end, write_end = os.pipe()
    listener = listener_factory(stdout=write_end)
    os.close(write_end)
    os.close(read_end)                  # the reader is gone before the first delivery
    assert listener.post("/", {"x": 1}) == 503
    assert listener.process.wait(timeout=10) == 0
    assert listener.process.stderr.read() == b""


# ---- the sandbox delivers -------------------------------------------------------------

class Receiver:
    """A loopback HTTP server recording each POST: (path, headers, JSON body)."""

    def __init__(self, port=0, status=200):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        received, self.status = [], status
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((self.path, dict(self.headers), json.loads(body)))
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass
        self.received = received
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def wait_for(check, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.02)
    return False


def test_the_sandbox_delivers_ticket_and_action_events_in_halos_shape_with_basic_auth():
    receiver = Receiver()
    try:
        with Sandbox(records=50) as sb:
            api = Api(sb)
            hook = {"name": "to the test", "url": f"http://127.0.0.1:{receiver.port}/in",
                    "basic_username": "halo", "basic_password": "pw"}
            assert api.call("POST", "/api/Webhook", [hook])[0] == 200
            ticket = api.call("POST", "/api/Tickets", [{"summary": "hooked"}])[2]
            api.call("POST", "/api/Tickets", [{"id": ticket["id"], "status_id": 9}])
            action = api.call("POST", "/api/Actions", [{"ticket_id": 3, "note": "n"}])[2]
            assert api.call("DELETE", f"/api/Tickets/{ticket['id']}")[0] == 200
            assert api.call("POST", "/api/Client", [{"name": "no event"}])[0] == 200
            assert wait_for(lambda: len(receiver.received) == 4)
            time.sleep(0.2)
    finally:
        receiver.close()
    assert len(receiver.received) == 4   # clients are not ticket events
    events = [body["event"] for _, _, body in receiver.received]
    assert events == ["Ticket Created", "Ticket Updated", "Action Created", "Ticket Deleted"]
    path, headers, first = receiver.received[0]
    assert path == "/in" and headers["Authorization"] == basic("halo", "pw")
    assert first["object_type"] == "ticket" and first["object_id"] == ticket["id"]
    assert first["ticket"]["summary"] == "hooked"
    assert receiver.received[1][2]["ticket"]["status_name"] == "Closed"
    assert receiver.received[2][2]["action"] == action
    assert receiver.received[2][2]["ticket_id"] == 3


def test_a_delivery_is_retried_while_the_receiver_is_down():
    with socket.socket() as s:      # a port with nobody listening yet
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Sandbox(records=20) as sb:
        api = Api(sb)
        api.call("POST", "/api/Webhook", [{"name": "late", "url": f"http://127.0.0.1:{port}/"}])
        api.call("POST", "/api/Tickets", [{"summary": "while down"}])
        time.sleep(0.1)             # the first attempt fails: nothing listens
        receiver = Receiver(port)
        try:
            assert wait_for(lambda: len(receiver.received) == 1, timeout=5)
        finally:
            receiver.close()
    assert receiver.received[0][2]["ticket"]["summary"] == "while down"


def test_webhooks_off_loopback_get_nothing():
    with Sandbox(records=20) as sb:
        api = Api(sb)
        api.call("POST", "/api/Webhook", [{"name": "far", "url": "http://192.0.2.1/x"}])
        api.call("POST", "/api/Tickets", [{"summary": "stays here"}])
        time.sleep(0.1)
        assert sb.webhooks.thread is None and not sb.webhooks.queue


# ---- end to end ----------------------------------------------------------------------

def test_sandbox_listen_and_three_ticket_writes_as_real_processes(tmp_path, listener_factory):
    sandbox = subprocess.Popen(HALO + ["sandbox", "--records", "50"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        env = dict(os.environ, HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"),
                   XDG_CONFIG_HOME=str(tmp_path / "c"))
        for _ in range(3):
            found = re.match(r"export (\w+)=(\S+)", sandbox.stdout.readline().strip())
            env[found.group(1)] = found.group(2).strip("'\"")
        listener = listener_factory("--count", "3", "--basic-auth", "halo",
                                    env={"HALO_WEBHOOK_SECRET": "pw"})

        def halo(*args):
            done = subprocess.run(HALO + list(args), env=env, capture_output=True, timeout=30)
            assert done.returncode == 0, done.stderr
            return done.stdout
        halo("webhooks", "create", "--name", "shell", "--url",
             f"http://127.0.0.1:{listener.port}/halo", "-f", "basic_username=halo",
             "-f", "basic_password=pw")
        made = json.loads(halo("tickets", "create", "--summary", "from the shell"))
        halo("tickets", "update", str(made["id"]), "--status-id", "9")
        halo("tickets", "delete", str(made["id"]))
        assert listener.process.wait(timeout=20) == 0
        lines = [json.loads(x) for x in listener.process.stdout.read().splitlines()]
    finally:
        sandbox.send_signal(signal.SIGINT)
        sandbox.wait(timeout=10)
    assert [x["body"]["event"] for x in lines] == ["Ticket Created", "Ticket Updated",
                                                   "Ticket Deleted"]
    assert {x["path"] for x in lines} == {"/halo"}
    assert {x["body"]["object_id"] for x in lines} == {made["id"]}
    assert lines[1]["body"]["ticket"]["status_name"] == "Closed"
