"""The listener's server: connections served at once, each within its deadline, every
delivery written whole before its 200.

The main thread only accepts; each connection gets its own thread, at most
MAX_CONNECTIONS at a time (more wait in the kernel's queue of BACKLOG, so a burst is
queued, not reset). One request per connection, answered with `Connection: close`, so an
idle client holds nothing past its deadline. A delivery's line is written and flushed
under one lock, so lines never interleave, and answered 200 only after that. Once
stdout fails, or --count lines are out, or a signal arrives, no further line is written:
a delivery not yet written then gets no answer at all (the sender tries again), while one
already written still gets its 200 before the process ends.
"""

import json
import socket
import threading
import time
from datetime import datetime, timezone
from http import HTTPStatus

from halo_lib.errors import OutputError
from halo_lib.run.listen import DEADLINE, MAX_CONNECTIONS
from halo_lib.run.listen.lines import envelope
from halo_lib.run.listen.request import (METHODS, Budget, Ended, Reader, Refused,
                                         body_length, read_body, read_head)

POLL = 0.2                # how often the accepting thread looks whether it should stop
ANSWER_TIMEOUT = 2.0      # an answer is a few hundred bytes: it leaves at once or never
LINGER, LINGER_BYTES = 1.0, 1024 * 1024   # read and drop after a refusal, see _linger
GRACE = 2.0               # what a written delivery may take to get its 200 at the end


class Server:
    def __init__(self, sock, streams, check, count=None, deadline=DEADLINE):
        self.sock, self.streams, self.check = sock, streams, check
        self.count, self.deadline = count, deadline or DEADLINE
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.budget = Budget()
        self.lock = threading.Condition()   # held while a line is written
        self.written = self.answering = 0
        self.stopping = False               # no further line is written
        self.failure = None                 # what stdout raised, once it failed
        self.finished = threading.Event()   # --count reached, or stdout failed

    def serve(self):
        """Accept until finished; a signal interrupts it (the main thread's handler)."""
        self.sock.settimeout(POLL)
        while not self.finished.is_set():
            if not self.slots.acquire(timeout=POLL):
                continue
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                self.slots.release()
                continue
            except OSError:   # too many open files, say: wait for some to close
                self.slots.release()
                time.sleep(POLL)
                continue
            self._start(conn)

    def _start(self, conn):
        try:
            threading.Thread(target=self._serve_one, args=(conn,), daemon=True).start()
        except RuntimeError:   # no thread to be had: the sender sees a close and retries
            conn.close()
            self.slots.release()

    def close(self):
        """Stop writing, stop accepting, and let written deliveries get their 200."""
        with self.lock:
            self.stopping = True
            end = time.monotonic() + GRACE
            while self.answering and time.monotonic() < end:
                self.lock.wait(max(0.0, end - time.monotonic()))
        self.sock.close()

    def _serve_one(self, conn):
        reader = Reader(conn, time.monotonic() + self.deadline, self.budget)
        try:
            self._handle(conn, reader)
        except Exception as exc:   # one connection's failure must not end the listener
            self._say(f"halo: warning: a connection failed: {type(exc).__name__}: {exc}")
        finally:
            reader.release()
            conn.close()
            self.slots.release()

    def _handle(self, conn, reader):
        try:
            request = self._receive(conn, reader)
        except Refused as refusal:
            _answer(conn, refusal.status, {"message": refusal.message}, refusal.headers)
            _linger(conn, reader.deadline)
            return
        except Ended:   # gone before a whole head: answer only one that had begun
            if reader.seen_any:
                _answer(conn, 400, {"message": "the request ended before its headers"})
            return
        self._deliver(conn, envelope(request.path, request.body, datetime.now(timezone.utc)))

    def _say(self, line):
        try:
            self.streams.err(" ".join(line.split())[:300])
        except (OSError, ValueError):   # stderr gone too: nobody left to tell
            pass

    def _receive(self, conn, reader):
        request = read_head(reader)
        if request.method not in METHODS:
            raise Refused(405, "POST a delivery", [("Allow", ", ".join(METHODS))])
        if self.check is not None and not self.check.allows(request):
            raise Refused(401, "credentials required", self.check.challenge)
        length = body_length(request)
        if length is not None:   # a chunked body takes its share chunk by chunk
            reader.reserve(length)
        if (request.header("expect") or "").lower() == "100-continue":
            _send(conn, b"HTTP/1.1 100 Continue\r\n\r\n")
        request.body = read_body(reader, length)
        return request

    def _deliver(self, conn, line):
        with self.lock:
            if self.stopping:
                return          # not answered at all: the sender tries it again
            status = self._write(line)
            self.answering += 1
        try:
            if status == 200:
                _answer(conn, 200, {"ok": True})
            else:
                _answer(conn, 503, {"message": "the listener cannot write its output"})
        finally:
            with self.lock:
                self.answering -= 1
                self.lock.notify_all()

    def _write(self, line):
        """Write one whole line (the lock is held); the status its sender gets."""
        try:
            self.streams.put(line)
        except (BrokenPipeError, OutputError) as exc:
            self.failure, self.stopping = exc, True
            self.finished.set()
            return 503
        self.written += 1
        if self.count is not None and self.written >= self.count:
            self.stopping = True
            self.finished.set()
        return 200


def _answer(conn, status, message, headers=()):
    payload = json.dumps(message, separators=(",", ":")).encode()
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}",
             "Server: halo-webhooks-listen", "Content-Type: application/json",
             f"Content-Length: {len(payload)}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    _send(conn, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload)


def _send(conn, data):
    try:
        conn.settimeout(ANSWER_TIMEOUT)
        conn.sendall(data)
    except OSError:   # the sender has gone; nothing was promised to it
        pass


def _linger(conn, deadline):
    """After a refusal the client may still be sending its body. Closing a socket with
    unread bytes makes the kernel reset the connection, and a reset can destroy the answer
    before the client reads it; so read and drop what comes, for a moment."""
    try:
        conn.shutdown(socket.SHUT_WR)
        end, dropped = min(deadline, time.monotonic() + LINGER), 0
        while dropped < LINGER_BYTES and time.monotonic() < end:
            conn.settimeout(end - time.monotonic())
            data = conn.recv(65536)
            if not data:
                return
            dropped += len(data)
    except (OSError, ValueError):   # ValueError: the time ran out between the two lines
        pass
