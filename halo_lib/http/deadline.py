"""One attempt's time budget: --timeout bounds it from connecting to the last byte.

A socket timeout bounds each read, so a server that trickles one byte a second would keep
a client waiting forever. A Deadline is a timer per attempt: when it runs out it shuts
the attempt's socket down, which ends any read in progress at once (urllib3 then reports
a broken connection, and the transport sees `expired` and calls it a timeout).

One watchdog thread serves every Deadline of the process: starting a thread per attempt
cost more than a small page's whole request on a fast server.

The connection pool's connection classes are swapped for ones that tell the current
thread's Deadline which socket they are about to use (`watch(pool)`), so the pool itself
can be built anywhere (a proxy pool too). The Deadline keeps the socket itself, not only
the connection: when an answer says `Connection: close` (or ends with the connection),
http.client hands the socket to the response and clears the connection's `sock`, so a
cut that looked only at the connection would find nothing and a trickled body would run
on past the timeout.
"""
import heapq
import itertools
import socket
import threading
import time

_current = threading.local()


class Deadline:
    def __init__(self, seconds):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self.stopped = False      # ended or detached for good: the watchdog skips it
        self._conn = None
        self._socks = []      # every socket the attempt used, connection or not
        self._lock = threading.Lock()

    def __enter__(self):
        _current.deadline = self
        _WATCHDOG.watch(self)
        return self

    def __exit__(self, *exc):
        _WATCHDOG.forget(self)
        if self._conn is not None or self._socks:
            # Still attached: the request failed before the transport detached it. Only
            # this thread attaches, so the test needs no lock (the watchdog only reads).
            self.detach()
        _current.deadline = None
        return False

    def remaining(self):
        return max(0.001, self.at - time.monotonic())

    def attach(self, conn):
        with self._lock:
            self._conn = conn
            self._keep(getattr(conn, "sock", None))
        if self.expired:
            self._cut()

    def connected(self, conn):
        """A connection (re)opened its socket: watch that socket until the attempt ends."""
        with self._lock:
            if self._conn is conn:
                self._keep(conn.sock)
        if self.expired:
            self._cut()

    def _keep(self, sock):
        if sock is not None and sock not in self._socks:
            self._socks.append(sock)

    def detach(self, stop=False):
        """Stop watching the socket before it goes back to the pool; stop: for good (the
        body of a download, which only each read's timeout bounds)."""
        with self._lock:
            self._conn = None
            self._socks = []
        if stop:
            _WATCHDOG.forget(self)

    def _fire(self):
        self.expired = True
        self._cut()

    def _cut(self):
        with self._lock:
            if self._conn is None:
                return    # between requests: nothing of this attempt to cut
            self._keep(getattr(self._conn, "sock", None))
            for sock in self._socks:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class _Watchdog:
    """Fires each watched Deadline that is still running at its time.

    The Deadlines wait in a heap by time. Watching one wakes the thread only when it is
    due before the time the thread already sleeps until, so a run of equal timeouts, one
    attempt after another, wakes it about once a timeout. A Deadline that ended is left in
    the heap, marked, and dropped when it reaches the top."""

    def __init__(self):
        # The Condition's own lock, taken directly where no wait is involved: a `with` on
        # the Condition goes through two Python calls, twice per attempt.
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.heap = []                    # (at, n, deadline)
        self.order = itertools.count()    # ties: never compare two Deadlines
        self.wakes_at = None              # when the thread wakes unasked; None: never
        self.thread = None

    def watch(self, deadline):
        with self.lock:
            heapq.heappush(self.heap, (deadline.at, next(self.order), deadline))
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, daemon=True,
                                               name="halo-deadlines")
                self.thread.start()
            elif self.wakes_at is None or deadline.at < self.wakes_at:
                self.changed.notify()

    def forget(self, deadline):
        with self.lock:
            deadline.stopped = True
            heap = self.heap
            while heap and heap[0][2].stopped:
                heapq.heappop(heap)

    def _run(self):
        while True:
            due = []
            with self.changed:
                now = time.monotonic()
                while self.heap and (self.heap[0][2].stopped or self.heap[0][0] <= now):
                    _, _, deadline = heapq.heappop(self.heap)
                    if not deadline.stopped:
                        deadline.stopped = True
                        due.append(deadline)
                self.wakes_at = self.heap[0][0] if self.heap else None
                if not due:
                    self.changed.wait(None if self.wakes_at is None else self.wakes_at - now)
                    continue
            for deadline in due:      # outside the lock: cutting a socket may take a while
                deadline._fire()


_WATCHDOG = _Watchdog()


def _watched(base):
    class Watched(base):
        def request(self, *args, **kwargs):
            deadline = getattr(_current, "deadline", None)
            if deadline is not None:
                deadline.attach(self)
            return super().request(*args, **kwargs)

        def connect(self):
            super().connect()
            deadline = getattr(_current, "deadline", None)
            if deadline is not None:
                deadline.connected(self)
    Watched.__name__ = base.__name__
    return Watched


def watch(pool):
    """Make a urllib3 PoolManager (or ProxyManager) report its sockets to the Deadline."""
    pool.pool_classes_by_scheme = {
        scheme: type(cls.__name__, (cls,), {"ConnectionCls": _watched(cls.ConnectionCls)})
        for scheme, cls in dict(pool.pool_classes_by_scheme).items()}
    return pool
