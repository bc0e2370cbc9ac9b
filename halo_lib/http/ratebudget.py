"""A request budget per tenant, shared by every halo process of the user.

Hosted Halo allows a few hundred requests in any rolling window (300 per 5 minutes by
default here; `--rate N/PERIOD`, HALO_RATE or a profile's `rate` key; `off` for none).
The times of the requests sent in the current window live in a small state file (mode
0600, in the cache directory, one per tenant URL and client id), read and rewritten under
an exclusive fcntl lock before every request, so three cron jobs started together share
one budget. Within the budget nothing waits; beyond it a request waits until the oldest
one in the window is older than the period. A state file that is missing or unreadable
is rebuilt, never an error; one that is not a small regular file (a symlink, a FIFO, a
device, over 1 MiB) is never followed, waited on or read, but replaced by a new 0600 file.
"""
import hashlib
import os
import re
import threading
import time

DEFAULT_RATE = "300/5m"
UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}
SLACK, SLACK_SECONDS = 0.02, 0.1   # see Budget.span
MAX_STATE = 1 << 20   # a larger state file is not ours: it is replaced
SHOW_WAITS_FROM = 1.0    # on a terminal without -v, shorter waits pass silently


def parse_rate(text):
    """'N/PERIOD' -> (N, seconds); 'off' -> None. Raises ValueError otherwise."""
    text = str(text).strip().lower()
    if text in ("off", "none", "0"):
        return None
    found = re.fullmatch(r"(\d+)\s*/\s*(\d+(?:\.\d+)?)?\s*([smh]?)", text)
    if not found or (found.group(2) is None and not found.group(3)):
        raise ValueError(text)
    count = int(found.group(1))
    seconds = float(found.group(2) or 1) * UNITS[found.group(3) or "s"]
    if count < 1 or not 0 < seconds <= 86400:
        raise ValueError(text)
    return count, seconds


def describe(rate):
    if rate is None:
        return "off"
    count, seconds = rate
    for unit in ("h", "m"):
        if seconds >= UNITS[unit] and seconds % UNITS[unit] == 0:
            return f"{count}/{seconds / UNITS[unit]:g}{unit}"
    return f"{count}/{seconds:g}s"


class Budget:
    """Before each request to the tenant: `acquire(url)` returns once it may be sent."""

    def __init__(self, rate, origin, key, directory=None, sleep=time.sleep, say=None,
                 clock=time.time):
        self.limit, self.period = rate
        # A request counts from when we send it, the server's window from when it arrives:
        # a little slack keeps the two from disagreeing at the edge of the window.
        self.span = self.period * (1 + SLACK) + SLACK_SECONDS
        self.origin = origin.rstrip("/").lower()
        self.path = None
        if directory:
            digest = hashlib.sha256(key.encode()).hexdigest()[:32]
            self.path = os.path.join(directory, f"rate-{digest}")
        self.sleep, self.say, self.clock = sleep, say, clock
        self.lock = threading.Lock()
        self.memory = []          # the window, when there is no cache directory
        self.virtual = 0.0        # the time after our own waits (an injected sleep may not wait)

    def counts(self, url):
        low = url.lower()
        return low == self.origin or low.startswith(self.origin + "/") \
            or low.startswith(self.origin + "?")

    def now(self):
        return max(self.clock(), self.virtual)

    def acquire(self, url):
        if not self.counts(url):
            return
        while True:
            with self.lock:
                now = self.now()
                with _State(self.path, self.memory) as state:
                    if state.append_if_room(now, self.limit):
                        return
                    window = state.window(now, self.span)
                    if len(window) < self.limit:
                        state.save(window + [now])
                        return
                    wait = window[len(window) - self.limit] + self.span - now
            self._wait(max(wait, 0.0) + 0.002, now)

    def wait_after_429(self, url):
        """Seconds to wait after a 429 without Retry-After: until the oldest request of the
        window leaves it (None with no request in the window: the usual backoff)."""
        if not self.counts(url):
            return None
        with self.lock:
            now = self.now()
            with _State(self.path, self.memory) as state:
                window = state.window(now, self.span)
        if not window:
            return None
        return max(window[0] + self.span - now, 0.5)

    def _wait(self, seconds, now):
        if self.say:
            self.say(seconds, describe((self.limit, self.period)))
        self.sleep(seconds)
        self.virtual = now + seconds


class _State:
    """The window's send times: the locked state file, or a list in memory."""

    def __init__(self, path, memory):
        self.path, self.memory, self.fd = path, memory, None

    def __enter__(self):
        if self.path:
            try:
                os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
                self.fd = _locked(self.path)
            except OSError:
                self.fd = None    # no shared state possible: this process keeps its own
        return self

    def __exit__(self, *exc):
        self._close()

    def _close(self):
        if self.fd is not None:
            os.close(self.fd)   # closing releases the lock
            self.fd = None

    def window(self, now, period):
        times = self.memory if self.fd is None else self._read()
        return sorted(t for t in times if now - period + 0.001 < t <= now + 1.0)

    def append_if_room(self, now, limit):
        """Add now to the file without reading its times when it holds fewer than limit
        times in all (the window is a part of them, so it has room): a count and an append
        per request rather than parsing and rewriting the whole window. Times that left the
        window stay until the file is full, then the usual way drops them. A file that does
        not look like ours (lines of digits with one point) is left to the usual way, which
        rebuilds it."""
        if self.fd is None:
            return False
        try:
            os.lseek(self.fd, 0, os.SEEK_SET)
            data = os.read(self.fd, MAX_STATE)
            lines = data.count(b"\n")
            if lines >= limit or len(data) > MAX_STATE // 2 or data.count(b".") != lines \
                    or data.translate(None, b"0123456789.\n") or data[-1:] not in (b"", b"\n"):
                return False
            os.fchmod(self.fd, 0o600)
            os.lseek(self.fd, 0, os.SEEK_END)
            os.write(self.fd, f"{now:.3f}\n".encode())
            return True
        except OSError:
            return False

    def _read(self):
        try:
            os.lseek(self.fd, 0, os.SEEK_SET)
            data = os.read(self.fd, MAX_STATE).decode("ascii")
            return [float(line) for line in data.split()]
        except (OSError, ValueError, UnicodeDecodeError):
            return []    # corrupt: rebuilt by the next save

    def save(self, times):
        if self.fd is None:
            self.memory[:] = times
            return
        data = "".join(f"{t:.3f}\n" for t in times).encode()
        try:
            os.fchmod(self.fd, 0o600)
            os.lseek(self.fd, 0, os.SEEK_SET)
            os.write(self.fd, data)
            os.ftruncate(self.fd, len(data))
        except OSError:
            self.memory[:] = times


def _locked(path):
    """The state file, open and locked: a small regular file, never a link followed, a FIFO
    waited on or a device read. Anything else at the path is replaced by an empty file."""
    import fcntl
    flags = os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(5):
        if not _usable(path):
            _replace(path)
        try:
            fd = os.open(path, flags, 0o600)
        except OSError:
            continue    # replaced by another process meanwhile, or a link: look again
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            # Still the file at the path (another process may have replaced it meanwhile)
            # and still one to read: else look again.
            if _same(fd, path) and _small_regular(os.fstat(fd)):
                return fd
        except OSError:
            pass
        os.close(fd)
    raise OSError("the rate state file keeps changing")


def _small_regular(info):
    import stat
    return stat.S_ISREG(info.st_mode) and info.st_size <= MAX_STATE


def _usable(path):
    try:
        return _small_regular(os.lstat(path))
    except FileNotFoundError:
        return True     # O_CREAT makes it
    except OSError:
        return False


def _same(fd, path):
    mine, there = os.fstat(fd), os.lstat(path)
    return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)


def _replace(path):
    """An empty 0600 file in place of whatever is at path (renamed over it: a link is
    replaced, not followed)."""
    from halo_lib.io.files import write_atomically
    write_atomically(path, b"", mode=0o600)


def for_settings(settings, streams):
    """The Budget for a Transport, or None when the rate is off."""
    rate = getattr(settings, "rate", None)
    if rate is None or not settings.url:
        return None
    key = "\n".join((settings.url, settings.client_id or ""))
    verbose = settings.verbose
    tty = streams.stderr_tty

    def say(seconds, limit):
        if verbose or (tty and seconds >= SHOW_WAITS_FROM):
            streams.err(f"halo: rate limit {limit} reached; waiting {seconds:.1f} s")
    return Budget(rate, settings.url, key, settings.cache_dir, streams.sleep, say)
