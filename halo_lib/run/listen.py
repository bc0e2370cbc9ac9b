"""`halo webhooks listen`: Halo's webhook deliveries as NDJSON lines on stdout.

An HTTP endpoint on --host:--port (127.0.0.1 by default) takes each POST, whatever its
path, and writes one line: {"received_at", "path", "body"} where body is the delivery's
JSON, or {"received_at", "path", "text"} when the body is UTF-8 text but not JSON, or
{"received_at", "path", "base64"} with the exact bytes when it is not UTF-8 (kept, never
dropped or altered).
The sender gets 200 only once the line is written and flushed, so a delivery Halo counts
as done is on the pipe; with --basic-auth USER:PASS a missing or wrong credential gets 401
and no line. Requests are served one at a time, in arrival order, on the main thread, so
SIGINT and SIGTERM end it between lines (exit 130 and 143) and lines never interleave.
--count N exits 0 after N lines; a closed stdout ends it quietly.
"""

import base64
import binascii
import hmac
import json
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer

from halo_lib.errors import UsageError

MAX_BODY = 16 * 1024 * 1024   # a larger delivery is refused with 413
REQUEST_TIMEOUT = 10          # seconds a slow sender may take over one request


def credentials(text):
    """--basic-auth USER:PASS -> (user, password); exit 2 when it is not that."""
    if text is None:
        return None
    user, sep, password = text.partition(":")
    if not sep or not user or not password:
        raise UsageError("--basic-auth must be USER:PASS, both non-empty")
    return user, password


def envelope(path, body, now):
    """The NDJSON line of one delivery (bytes, newline-terminated)."""
    line = {"received_at": now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", "path": path}
    try:
        line["body"] = json.loads(body.decode("utf-8")) if body.strip() else None
    except UnicodeDecodeError:
        line["base64"] = base64.b64encode(body).decode("ascii")
    except ValueError:
        line["text"] = body.decode("utf-8")
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def authorised(header, expected):
    if expected is None:
        return True
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        given = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    wanted = f"{expected[0]}:{expected[1]}".encode()
    return hmac.compare_digest(given, wanted)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "halo-webhooks-listen"
    timeout = REQUEST_TIMEOUT

    def do_POST(self):
        listener = self.server.listener
        if not authorised(self.headers.get("Authorization"), listener.expected):
            self._answer(401, b'{"message":"credentials required"}',
                         [("WWW-Authenticate", 'Basic realm="halo webhooks listen"')])
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            self._answer(413, b'{"message":"delivery too large"}')
            return
        body = self.rfile.read(length) if length > 0 else b""
        try:
            listener.emit(envelope(self.path, body, datetime.now(timezone.utc)))
        except BrokenPipeError:
            listener.broken = True
            self._answer(503, b'{"message":"the reader has gone"}')
            return
        self._answer(200, b'{"ok":true}')

    do_PUT = do_POST

    def _refuse(self):
        self._answer(405, b'{"message":"POST a delivery"}', [("Allow", "POST")])

    do_GET = do_DELETE = do_PATCH = do_HEAD = _refuse

    def _answer(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):   # stdout is for deliveries, stderr stays quiet
        pass


class Listener:
    def __init__(self, streams, expected, count):
        self.streams, self.expected, self.count = streams, expected, count
        self.written, self.broken = 0, False

    def emit(self, line):
        self.streams.write(line)   # whole line, flushed; a signal waits for it
        self.written += 1

    def done(self):
        return self.broken or (self.count is not None and self.written >= self.count)


def listen(options, streams):
    """options: host, port, basic_auth and count (halo_lib.invocation.ListenOptions)."""
    expected = credentials(options.basic_auth)
    count = options.count
    host, port = options.host or "127.0.0.1", options.port or 0
    try:
        server = HTTPServer((host, port), _Handler)
    except OSError as e:
        streams.err(f"halo: cannot listen on {host}:{port}: {e.strerror or e}")
        return 1
    server.listener = listener = Listener(streams, expected, count)
    try:
        url_host = f"[{host}]" if ":" in host else host
        streams.err(f"halo: listening on http://{url_host}:{server.server_address[1]}/ "
                    "for webhook deliveries; Ctrl-C to stop")
        while not listener.done():
            server.handle_request()   # one at a time; a signal interrupts the wait
        if listener.broken:
            raise BrokenPipeError
        return 0
    finally:
        server.server_close()
