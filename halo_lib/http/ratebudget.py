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

A 429 without Retry-After only says the tenant is busy: the request is tried again after
a short wait (FIRST_429_WAIT, doubled with each further 429 in a row, never past the time
the window takes to free). A 429 that comes again after that wait is no blip: the
requests in the window when it came (less the refused ones, less a margin) are the
tenant's real limit for now, maybe because other integrations share it. The budget is
lowered to that for one period, in the state file, so every process paces its requests
instead of being refused. A single 429 teaches nothing: at the start of a window it would
shrink the budget to a handful of requests and stall every process for a whole period.

The lock is waited for at most --timeout: a process that holds it for longer (stopped,
or hung) ends the request with exit 5 naming the file, rather than hanging every halo.
The cache directory is trusted only when it is a directory of this user (as the token
cache does): another user's directory could feed us times or read ours. When it is not,
or the state file cannot be used (a directory at its path), the budget is kept in this
process alone, and stderr says so once: the other processes no longer share it.
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
FIRST_429_WAIT = 1.0     # seconds after a bare 429; doubled for each further one in a row
LEARN_MARGIN = 0.9       # the share of a refused window that the lowered budget allows


def wait_after_429(streak):
    """The short wait after the streak-th bare 429 in a row: 1, 2, 4, ... seconds."""
    return FIRST_429_WAIT * 2 ** min(streak - 1, 10)


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
                 clock=time.time, lock_wait=30.0, warn=None, note=None):
        self.limit, self.period = rate
        # A request counts from when we send it, the server's window from when it arrives:
        # a little slack keeps the two from disagreeing at the edge of the window.
        self.span = self.period * (1 + SLACK) + SLACK_SECONDS
        self.origin = origin.rstrip("/").lower()
        self.path = None
        if directory:
            digest = hashlib.sha256(key.encode()).hexdigest()[:32]
            self.path = os.path.join(directory, f"rate-{digest}")
        self.directory = directory
        self.sleep, self.say, self.clock = sleep, say, clock
        self.lock_wait, self.warn, self.note = lock_wait, warn, note
        self.lock = threading.Lock()
        self.memory = []          # the window, when there is no cache directory
        self.memory_learned = None    # and the lowered limit, (limit, until)
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
                with self._state() as state:
                    if state.append_if_room(now, self.limit):
                        return
                    window = state.window(now, self.span)
                    limit = state.limit(self.limit, now)
                    if len(window) < limit:
                        state.save(window + [now])
                        return
                    wait = window[len(window) - limit] + self.span - now
            self._wait(max(wait, 0.0) + 0.002, now, limit)

    def refused(self, url, streak):
        """Seconds to wait after the streak-th bare 429 in a row (see the module's text);
        from the second on, the budget is lowered to what the window held."""
        short = wait_after_429(streak)
        if not self.counts(url):
            return short
        with self.lock:
            now = self.now()
            with self._state() as state:
                window = state.window(now, self.span)
                if streak >= 2 and window:
                    self._learn(state, window, streak, now)
        if not window:
            return short
        return min(short, max(window[0] + self.span - now, 0.5))

    def _learn(self, state, window, streak, now):
        limit = max(1, int((len(window) - streak) * LEARN_MARGIN))
        if limit >= state.limit(self.limit, now):
            return
        state.save(window, (limit, now + self.period))
        if self.note:
            self.note(f"halo: the tenant said 429 at {len(window)} requests in "
                      f"{describe((1, self.period)).split('/')[1]}: the budget is "
                      f"{describe((limit, self.period))} for the next "
                      f"{self.period:g} s, for every halo process")

    def _state(self):
        if self.path and not self._trusted():
            self.path = None
        return _State(self, self.path, self.memory)

    def _trusted(self):
        """Whether the cache directory is a directory of this user (made 0700 if missing)."""
        import stat
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            info = os.lstat(self.directory)
        except OSError as exc:
            return self.unshared(f"cannot use {self.directory}: {exc.strerror or exc}")
        if not stat.S_ISDIR(info.st_mode):
            return self.unshared(f"{self.directory} is not a directory")
        if info.st_uid != os.getuid():
            return self.unshared(f"{self.directory} is owned by another user")
        return True

    def unshared(self, reason):
        """From now on the budget is this process's own; said once, on one line."""
        self.path = None
        if self.warn:
            from halo_lib.errors import printable
            self.warn(f"halo: the rate budget is not shared with other halo processes: "
                      f"{printable(reason)}")
        return False

    def _wait(self, seconds, now, limit):
        if self.say:
            self.say(seconds, describe((limit, self.period)))
        self.sleep(seconds)
        self.virtual = now + seconds


class _State:
    """The window's send times: the locked state file, or a list in memory."""

    def __init__(self, budget, path, memory):
        self.budget, self.path, self.memory, self.fd = budget, path, memory, None
        self.learned = None     # (limit, until) read with the window

    def __enter__(self):
        if self.path:
            try:
                self.fd = _locked(self.path, self.budget.lock_wait)
            except OSError as exc:     # no shared state possible: this process keeps its own
                self.budget.unshared(f"cannot use {self.path}: {exc.strerror or exc}")
        return self

    def __exit__(self, *exc):
        self._close()

    def _close(self):
        if self.fd is not None:
            os.close(self.fd)   # closing releases the lock
            self.fd = None

    def window(self, now, period):
        if self.fd is None:
            times, self.learned = self.memory, self.budget.memory_learned
        else:
            times, self.learned = self._read()
        return sorted(t for t in times if now - period + 0.001 < t <= now + 1.0)

    def limit(self, configured, now):
        """The budget now: the configured one, or less while a learned limit holds."""
        if self.learned and self.learned[1] > now:
            return min(configured, self.learned[0])
        return configured

    def append_if_room(self, now, limit):
        """Add now to the file without reading its times when it holds fewer than limit
        times in all (the window is a part of them, so it has room): a count and an append
        per request rather than parsing and rewriting the whole window. Times that left the
        window stay until the file is full, then the usual way drops them. A file that does
        not look like ours (lines of digits with one point), or one that holds a learned
        limit, is left to the usual way."""
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
        """(send times, learned limit or None): a line per time, and `limit N UNTIL`."""
        try:
            os.lseek(self.fd, 0, os.SEEK_SET)
            lines = os.read(self.fd, MAX_STATE).decode("ascii").splitlines()
            learned = None
            if lines and lines[0].startswith("limit "):
                _, count, until = lines.pop(0).split()
                learned = (int(count), float(until))
            return [float(line) for line in lines if line.strip()], learned
        except (OSError, ValueError, UnicodeDecodeError):
            return [], None    # corrupt: rebuilt by the next save

    def save(self, times, learned=None):
        """The window's times, and the learned limit (the one read, unless given)."""
        learned = learned or self.learned
        if self.fd is None:
            self.memory[:] = times
            self.budget.memory_learned = learned
            return
        head = f"limit {learned[0]} {learned[1]:.3f}\n" if learned and \
            (not times or learned[1] > times[-1]) else ""
        data = (head + "".join(f"{t:.3f}\n" for t in times)).encode()
        try:
            os.fchmod(self.fd, 0o600)
            os.lseek(self.fd, 0, os.SEEK_SET)
            os.write(self.fd, data)
            os.ftruncate(self.fd, len(data))
        except OSError:
            self.memory[:] = times


def _locked(path, wait):
    """The state file, open and locked: a small regular file, never a link followed, a FIFO
    waited on or a device read. Anything else at the path is replaced by an empty file.
    The lock is waited for at most `wait` seconds, then TemporaryError (exit 5)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    until = time.monotonic() + wait
    for _ in range(5):
        if not _usable(path):
            _replace(path)
        try:
            fd = os.open(path, flags, 0o600)
        except OSError:
            continue    # replaced by another process meanwhile, or a link: look again
        try:
            _lock(fd, path, wait, until)
            # Still the file at the path (another process may have replaced it meanwhile)
            # and still one to read: else look again.
            if _same(fd, path) and _small_regular(os.fstat(fd)):
                return fd
        except OSError:
            pass
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    raise OSError(f"{path} keeps changing")


def _lock(fd, path, wait, until):
    """An exclusive lock on fd, polled (a blocking flock cannot be given a time limit)."""
    import fcntl
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= until:
                from halo_lib.errors import TemporaryError, printable
                raise TemporaryError(f"the rate budget's state file {printable(path)} stayed "
                                     f"locked by another process for {wait:g} s (--timeout); "
                                     "nothing was sent", sent=False) from None
            time.sleep(0.02)


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

    def note(line):
        if verbose or tty:
            streams.err(line)
    return Budget(rate, settings.url, key, settings.cache_dir, streams.sleep, say,
                  lock_wait=settings.timeout, warn=streams.err, note=note)
