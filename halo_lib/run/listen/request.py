"""One HTTP/1.x request read from a raw socket, all of it within one deadline.

http.server's timeout applies to each read, so a client sending a header line every few
seconds holds its connection for minutes; here every read gets only what is left of the
request's own deadline (headers and body together). The head is checked before the body
is read (method, then credentials, then framing), so a refused delivery costs no body.
A body comes with a Content-Length or chunked, capped at MAX_BODY either way; anything
else is refused with the status that tells the sender what to mend.
"""

import socket
import threading
import time

from halo_lib.run.listen import MAX_BODY, MAX_HEADERS, MAX_HELD, MAX_LINE

HEX = frozenset("0123456789abcdefABCDEF")
METHODS = ("POST", "PUT")


class Refused(Exception):
    """The request gets this status and message, then the connection is closed."""

    def __init__(self, status, message, headers=()):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, tuple(headers)


class Ended(Exception):
    """The client closed its side (or reset the connection) before the request was whole."""


class Request:
    __slots__ = ("method", "path", "headers", "body")

    def __init__(self, method, path, headers):
        self.method, self.path, self.headers, self.body = method, path, headers, b""

    def header(self, name):
        """The one value of a header; None when absent, Refused 400 when given twice."""
        values = self.headers.get(name, ())
        if len(values) > 1:
            raise Refused(400, f"the {name} header is given more than once")
        return values[0] if values else None


class Budget:
    """The body bytes all connections may hold at once: without it, MAX_CONNECTIONS
    bodies of MAX_BODY each would be 2 GiB of memory for anyone to ask for."""

    def __init__(self, total=MAX_HELD):
        self.left, self.lock = total, threading.Lock()

    def take(self, size):
        with self.lock:
            if size > self.left:
                return False
            self.left -= size
            return True

    def give(self, size):
        with self.lock:
            self.left += size


class Reader:
    """Bytes from a socket; each wait for more is bounded by what is left of the deadline.
    A body's bytes are taken from the shared budget (reserve) before they are read;
    release() gives them back once the delivery is done with."""

    def __init__(self, sock, deadline, budget):
        self.sock, self.deadline, self.buffer = sock, deadline, bytearray()
        self.budget, self.held = budget, 0
        self.seen_any = False

    def reserve(self, size):
        if not self.budget.take(size):
            raise Refused(503, "the listener holds too many bodies now; try again",
                          [("Retry-After", "1")])
        self.held += size

    def release(self):
        self.budget.give(self.held)
        self.held = 0

    def _fill(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Refused(408, "the request took longer than the listener's deadline")
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise Refused(408, "the request took longer than the listener's deadline") \
                from None
        except OSError:
            raise Ended() from None
        if not data:
            raise Ended()
        self.seen_any = True
        self.buffer += data

    def line(self, too_long):
        """One line without its CRLF (or bare LF); Refused(*too_long) past MAX_LINE."""
        searched = 0
        while True:
            at = self.buffer.find(b"\n", searched)
            if 0 <= at <= MAX_LINE:
                text = bytes(self.buffer[:at])
                del self.buffer[:at + 1]
                return text[:-1] if text.endswith(b"\r") else text
            if at > MAX_LINE or len(self.buffer) > MAX_LINE:
                raise Refused(*too_long)
            searched = len(self.buffer)
            self._fill()

    def exactly(self, size):
        while len(self.buffer) < size:
            self._fill()
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data


def read_head(reader):
    """The request line and headers: a Request with no body yet."""
    line = reader.line((414, "the request line is too long"))
    method, path, version = _request_line(line)
    headers = {}
    for _ in range(MAX_HEADERS + 1):
        line = reader.line((431, "a header line is too long"))
        if not line:
            return Request(method, path, headers)
        name, value = _header_line(line)
        headers.setdefault(name, []).append(value)
    raise Refused(431, f"more than {MAX_HEADERS} header lines")


def _request_line(line):
    parts = line.split(b" ")
    if len(parts) != 3 or not all(parts):
        raise Refused(400, "a malformed request line")
    method, target, version = parts
    if not version.startswith(b"HTTP/"):
        raise Refused(400, "a malformed request line")
    if version not in (b"HTTP/1.1", b"HTTP/1.0"):
        raise Refused(505, "only HTTP/1.0 and HTTP/1.1 are served")
    # A path is sent percent-encoded; raw bytes beyond printable ASCII are no valid target.
    if not all(0x21 <= byte <= 0x7e for byte in target):
        raise Refused(400, "the request target is not printable ASCII")
    return method.decode("latin-1"), target.decode("ascii"), version


def _header_line(line):
    name, colon, value = line.partition(b":")
    # A name with spaces, or a folded continuation line, is how smuggled headers hide.
    if not colon or not name or any(byte <= 0x20 or byte == 0x7f for byte in name):
        raise Refused(400, "a malformed header line")
    return name.decode("latin-1").lower(), value.strip(b" \t").decode("latin-1")


def body_length(request):
    """How the body is framed: an int (Content-Length) or None (chunked)."""
    coding, length = request.header("transfer-encoding"), request.header("content-length")
    if coding is not None:
        if length is not None:
            raise Refused(400, "both Transfer-Encoding and Content-Length are given")
        if coding.strip().lower() != "chunked":
            raise Refused(501, f"transfer coding {coding[:40]!r} is not supported; "
                               "send chunked or a Content-Length")
        return None
    if length is None:
        raise Refused(411, "a Content-Length (or chunked encoding) is required")
    if not (length.isascii() and length.isdigit()) or len(length) > 19:
        raise Refused(400, "Content-Length is not a non-negative whole number")
    size = int(length)
    if size > MAX_BODY:
        raise Refused(413, "the delivery is larger than the listener takes")
    return size


def read_body(reader, length):
    """The body's bytes; Refused 400 when it ends before its length says."""
    try:
        return reader.exactly(length) if length is not None else _chunked(reader)
    except Ended:
        raise Refused(400, "the body ended before its length") from None


def _chunked(reader):
    parts, total = [], 0
    while True:
        size = _chunk_size(reader.line((400, "a chunk-size line is too long")))
        if size == 0:
            _skip_trailers(reader)
            return b"".join(parts)
        total += size
        if total > MAX_BODY:
            raise Refused(413, "the delivery is larger than the listener takes")
        reader.reserve(size)
        parts.append(reader.exactly(size))
        if reader.line((400, "a chunk is longer than its size")):
            raise Refused(400, "a chunk is longer than its size")


def _chunk_size(line):
    digits = line.split(b";", 1)[0].strip(b" \t").decode("latin-1")
    if not digits or len(digits) > 16 or not set(digits) <= HEX:
        raise Refused(400, "a malformed chunk size")
    return int(digits, 16)


def _skip_trailers(reader):
    for _ in range(MAX_HEADERS + 1):
        if not reader.line((431, "a trailer line is too long")):
            return
    raise Refused(431, f"more than {MAX_HEADERS} trailer lines")
