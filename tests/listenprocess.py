"""`halo webhooks listen` as a real process, and raw-socket clients that talk to it.

The clients write bytes exactly as given (no library mends a malformed request) and read
until the listener closes, so each test sees what a sender on the internet would."""

import base64
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading

from conftest import ROOT

HALO = [sys.executable, str(ROOT / "halo.py")]


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class Listener:
    """`halo webhooks listen ARGS` in a subprocess, with its port read from stderr."""

    def __init__(self, *args, stdout=subprocess.PIPE, env=None):
        self.process = subprocess.Popen(HALO + ["webhooks", "listen", *args], stdout=stdout,
                                        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                        env=dict(os.environ, **(env or {})))
        line = self.process.stderr.readline().decode()
        found = re.search(r"http://[^/]+:(\d+)/", line)
        assert found, line
        self.port = int(found.group(1))

    def post(self, path, body, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            conn.request("POST", path, body=data, headers=headers or {})
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def line(self):
        return json.loads(self.process.stdout.readline())

    def connect(self, timeout=10):
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def send(self, data, timeout=10):
        return send_to(self.port, data, timeout)

    def stop(self, signum=signal.SIGINT):
        if self.process.poll() is None:
            self.process.send_signal(signum)
        return self.process.wait(timeout=10)


def send_to(port, data, timeout=10):
    """Send raw bytes, end our side, read the whole answer: (status or None, answer)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except OSError:   # refused early, its answer is still there to be read
            pass
        return answer_of(sock)


def answer_of(sock):
    """Read until the listener closes: (status, whole answer); (None, b"") for no answer."""
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    found = re.match(rb"HTTP/1\.1 (\d{3}) ", data)
    return (int(found.group(1)) if found else None), data


def delivery(body, path="/", headers=()):
    """The bytes of a well-formed POST with a Content-Length."""
    head = [f"POST {path} HTTP/1.1", "Host: listener", f"Content-Length: {len(body)}",
            *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class Collector:
    """Reads a listener's stdout on a thread, so a full pipe never stalls its writes."""

    def __init__(self, listener):
        self.data = b""
        self.thread = threading.Thread(target=self._read, args=(listener.process.stdout,),
                                       daemon=True)
        self.thread.start()

    def _read(self, stream):
        self.data = stream.read()

    def lines(self):
        """Every line, once the listener has ended, each parsed on its own."""
        self.thread.join(timeout=10)
        return parsed(self.data)


def stdout_lines(listener):
    """Every line of a listener's stdout once it has ended, each checked whole."""
    return parsed(listener.process.stdout.read())


def parsed(data):
    assert data == b"" or data.endswith(b"\n")
    return [json.loads(line) for line in data.splitlines()]
