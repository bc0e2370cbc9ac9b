"""One attempt's time budget: --timeout bounds it from connecting to the last byte.

A socket timeout bounds each read, so a server that trickles one byte a second would keep
a client waiting forever. A Deadline is a timer per attempt: when it runs out it shuts
the attempt's socket down, which ends any read in progress at once (urllib3 then reports
a broken connection, and the transport sees `expired` and calls it a timeout).

The connection pool's connection classes are swapped for ones that tell the current
thread's Deadline which socket they are about to use (`watch(pool)`), so the pool itself
can be built anywhere (a proxy pool too).
"""
import socket
import threading
import time

_current = threading.local()


class Deadline:
    def __init__(self, seconds):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._conn = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self):
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()
        self.detach()
        _current.deadline = None
        return False

    def remaining(self):
        return max(0.001, self.at - time.monotonic())

    def attach(self, conn):
        with self._lock:
            self._conn = conn
        if self.expired:
            self._cut()

    def detach(self, stop=False):
        """Stop watching the socket before it goes back to the pool; stop: for good (the
        body of a download, which only each read's timeout bounds)."""
        with self._lock:
            self._conn = None
            if stop:
                self._timer.cancel()

    def _fire(self):
        self.expired = True
        self._cut()

    def _cut(self):
        with self._lock:
            sock = getattr(self._conn, "sock", None)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _watched(base):
    class Watched(base):
        def request(self, *args, **kwargs):
            deadline = getattr(_current, "deadline", None)
            if deadline is not None:
                deadline.attach(self)
            return super().request(*args, **kwargs)
    Watched.__name__ = base.__name__
    return Watched


def watch(pool):
    """Make a urllib3 PoolManager (or ProxyManager) report its sockets to the Deadline."""
    pool.pool_classes_by_scheme = {
        scheme: type(cls.__name__, (cls,), {"ConnectionCls": _watched(cls.ConnectionCls)})
        for scheme, cls in dict(pool.pool_classes_by_scheme).items()}
    return pool
