"""A Halo stand-in for bulk writes: POST /api/Tickets saves arrays of records, slowly if
asked, refuses records marked "bad" as a whole batch, and answers from a script of
statuses when given one. Runs in a thread; every request is logged."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler

from localserver import LocalServer


class BulkServer(LocalServer):
    def __init__(self, delay=0.0, refusal=400):
        self.delay = delay            # seconds before each POST is answered
        self.refusal = refusal        # status for a batch holding a bad record
        self.script = []              # statuses (int) or (status, headers) for next POSTs
        self.saved = []               # records saved, in order, with their ids
        self.posts = []               # the record arrays POSTed, in order
        self.lock = threading.Lock()
        self.listen(_handler(self))

    def saved_numbers(self):
        with self.lock:
            return [r["n"] for r in self.saved]



def _handler(server):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            self._send(404, {"message": "no"})

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.startswith("/auth/token"):
                return self._send(200, {"access_token": "tok", "token_type": "Bearer",
                                        "expires_in": 3600})
            records = json.loads(body)
            with server.lock:
                server.posts.append(records)
                step = server.script.pop(0) if server.script else None
            time.sleep(server.delay)
            if step is not None:
                status, headers = step if isinstance(step, tuple) else (step, {})
                return self._send(status, {"message": f"scripted {status}"}, headers)
            bad = [r for r in records if r.get("bad")]
            if bad:
                return self._send(server.refusal, {"message": f"n {bad[0]['n']}: bad is not "
                                                              "allowed"})
            with server.lock:
                saved = []
                for record in records:
                    saved.append({"id": 1000 + len(server.saved), **record})
                    server.saved.append(saved[-1])
            self._send(200, saved)

        def _send(self, status, doc, headers=None):
            data = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
    return Handler
