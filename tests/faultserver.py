"""A Halo stand-in that misbehaves on cue, at the socket level where it must.

pytest-httpserver cannot cut a body in half or leave a request hanging, so the fault
suites use this small server: 'tickets' numbered 1..total, paged as Halo pages them, and
a script of faults to apply to given pages (one fault per attempt, in order).
"""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from localserver import LocalServer


class FaultServer(LocalServer):
    def __init__(self, total=5000, token_ttl=3600):
        self.total = total
        self.token_ttl = token_ttl
        self.faults = {}          # page_no -> [fault, fault, ...] (one used per attempt)
        self.write_faults = []    # faults for successive POSTs
        self.log = []             # (method, path, query, headers, body)
        self.tokens = set()
        self.issued = 0
        self.saved = []           # records the POSTs saved
        self.delay = 0.0          # seconds before each page is answered
        self.lock = threading.Lock()
        self.listen(_handler(self))

    def pages_requested(self):
        return [int(q["page_no"][0]) for m, p, q, h, b in self.log
                if m == "GET" and p == "/api/Tickets" and "page_no" in q]

    def revoke(self):
        with self.lock:
            self.tokens.clear()

    def next_fault(self, page):
        with self.lock:
            script = self.faults.get(page)
            return script.pop(0) if script else None



def _handler(server):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            url = urlsplit(self.path)
            server.log.append(("POST", url.path, parse_qs(url.query), dict(self.headers), body))
            if url.path == "/auth/token":
                return self._token()
            if not self._authorised():
                return
            fault = server.write_faults.pop(0) if server.write_faults else None
            if fault == "hang":
                time.sleep(1.5)
                self.close_connection = True
                return
            if fault in ("429", "500"):
                return self._send(int(fault), {"error": "try later"},
                                  {"Retry-After": "1"} if fault == "429" else {})
            records = json.loads(body)
            bad = [r for r in records if r.get("bad")]
            if bad:
                return self._send(400, {"message": f"field 'bad' is not allowed (record {bad[0].get('n')})"})
            saved = []
            for record in records:
                with server.lock:
                    server.saved.append(record)
                    saved.append({"id": len(server.saved), **record})
            self._send(200, saved[0] if len(saved) == 1 else saved)

        def do_GET(self):
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            server.log.append(("GET", url.path, query, dict(self.headers), b""))
            if url.path == "/api/authinfo":
                return self._send(404, {"message": "no"})
            if not self._authorised():
                return
            if url.path != "/api/Tickets":
                return self._send(404, {"message": "not found"})
            page = int(query.get("page_no", ["1"])[0])
            size = int(query.get("page_size", ["50"])[0])
            fault = server.next_fault(page)
            time.sleep(server.delay)
            if fault == "expire":
                server.revoke()
                return self._send(401, {"message": "token expired"})
            if fault in ("429", "429-bare", "503"):
                headers = {"Retry-After": "2"} if fault == "429" else {}
                return self._send(int(fault[:3]), {"message": "slow down"}, headers)
            if fault == "500-html":
                return self._raw(500, b"<html><head><title>Server Error in '/' Application"
                                      b"</title></head><body><h1>boom</h1></body></html>",
                                 "text/html")
            if fault == "hang":
                time.sleep(1.5)
                self.close_connection = True
                return
            start = (page - 1) * size
            records = [{"id": i, "summary": f"ticket {i}"}
                       for i in range(start + 1, min(start + size, server.total) + 1)]
            data = json.dumps({"page_no": page, "page_size": size,
                               "record_count": server.total, "tickets": records}).encode()
            if fault == "truncated":
                data = data[: len(data) // 2]
            if fault == "drop":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self._raw(200, data, "application/json")

        def _token(self):
            with server.lock:
                server.issued += 1
                token = f"token-{server.issued}"
                server.tokens.add(token)
            self._send(200, {"access_token": token, "token_type": "Bearer",
                             "expires_in": server.token_ttl})

        def _authorised(self):
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Bearer ") and auth[7:] in server.tokens:
                return True
            self._send(401, {"message": "unauthorised"})
            return False

        def _send(self, status, doc, headers=None):
            self._raw(status, json.dumps(doc).encode(), "application/json", headers)

        def _raw(self, status, data, kind, headers=None):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
    return Handler
