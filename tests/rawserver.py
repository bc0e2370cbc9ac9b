"""RawServer: HTTP/1.1 on a bare socket, for what an ordinary test server cannot do:
hang, drop a connection, count connections, trickle or stream an answer (a route may
answer with a callable, which is given the socket)."""
import json
import socket
import threading

from conftest import TOKEN

HANG, DROP = "hang", "drop"


def http_response(status=200, body=b"", content_type="application/json", headers=()):
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    reason = {200: "OK", 401: "Unauthorized", 404: "Not Found", 500: "Server Error"}
    head = [f"HTTP/1.1 {status} {reason.get(status, 'Status')}",
            f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def token_route(method, path):
    """The answers every RawServer gives before the API: no authinfo, a token."""
    if path.startswith("/api/authinfo"):
        return http_response(404, b"")
    if path.startswith("/auth/token"):
        return http_response(200, {"access_token": TOKEN, "token_type": "Bearer",
                                   "expires_in": 3600})
    return None


class RawServer:
    """HTTP/1.1 on a bare socket. route(method, path, n) -> response bytes, HANG or DROP,
    where n counts the requests to that method and path so far (from 1)."""

    def __init__(self, route, port=0):
        self.route = route
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.stop = threading.Event()
        self.requests = []       # (method, path) in arrival order
        self.heads = []          # each request's head (request line and headers) as text
        self.connections = 0
        self.hanging = threading.Event()   # set when a request is left without an answer
        self.counts = {}
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        buffer = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buffer:
                    try:
                        chunk = conn.recv(65536)
                    except OSError:
                        return
                    if not chunk:
                        return
                    buffer += chunk
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                self.heads.append(head.decode("latin-1"))
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                while len(buffer) < length:
                    buffer += conn.recv(65536)
                buffer = buffer[length:]
                with self.lock:
                    self.requests.append((method, path))
                    key = (method, path.split("?")[0])
                    self.counts[key] = self.counts.get(key, 0) + 1
                    n = self.counts[key]
                answer = self.route(method, path, n)
                if answer == HANG:
                    self.hanging.set()
                    self.stop.wait(30)
                    return
                if answer == DROP or answer is None:
                    return
                if callable(answer):
                    try:
                        answer(conn, self.stop)
                    except OSError:
                        pass   # the client hung up: what these answers test
                    return
                conn.sendall(answer)

    def close(self):
        self.stop.set()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)   # wakes the accept(): the port is free
        except OSError:
            pass
        self.sock.close()
