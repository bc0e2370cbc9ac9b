"""The I/O a command may touch, injected so tests can run `main(argv)` in-process.

Like gh's IOStreams: standard streams (binary stdout/stdin, text stderr), the
environment, the clock (`now`, the wall-clock time in UTC), the terminal's width and the
sleep function. Nothing in halo_lib reads sys.std* or
os.environ directly.
"""
import os
import sys
import time

from halo_lib.errors import OutputError


class Streams:
    def __init__(self, stdin=None, stdout=None, stderr=None, env=None, sleep=None,
                 stdin_tty=None, stdout_tty=None, stderr_tty=None, now=None,
                 columns=None, stdout_new_file=None):
        self.stdin = stdin if stdin is not None else sys.stdin.buffer
        self.stdout = stdout if stdout is not None else sys.stdout.buffer
        self.stderr = stderr if stderr is not None else sys.stderr
        self.env = env if env is not None else os.environ
        self.sleep = sleep or time.sleep
        self.now = now or _utc_now   # an aware datetime: relative dates, checkpoints
        self.stdin_tty = _isatty(self.stdin) if stdin_tty is None else stdin_tty
        self.stdout_tty = _isatty(self.stdout) if stdout_tty is None else stdout_tty
        self.stderr_tty = _isatty(self.stderr) if stderr_tty is None else stderr_tty
        self._columns = columns
        self._new_file = stdout_new_file

    @property
    def columns(self):
        """Width of the terminal stdout shows on (None on a pipe without COLUMNS)."""
        if self._columns is None:
            self._columns = _terminal_columns(self.stdout, self.stdout_tty, self.env)
        return self._columns or None

    @property
    def stdout_new_file(self):
        """Whether stdout is a regular file written from its start (`> report.csv`), not a
        pipe, a terminal or a file appended to."""
        if self._new_file is None:
            self._new_file = _at_start_of_file(self.stdout)
        return self._new_file

    writing = False
    pending_signal = None
    deferring = 0
    stdout_failed = None           # the OSError stdout gave, once it gave one

    def write(self, chunk):
        """Write whole chunks: a signal that arrives mid-write takes effect after it.

        A stdout that cannot be written raises BrokenPipeError when the reader went away,
        else OutputError naming the operating system's reason."""
        self.writing = True
        try:
            self.put(chunk)
        finally:
            self.writing = False
        if self.pending_signal and not self.deferring:
            raise Interrupted(self.pending_signal)

    def put(self, chunk):
        """Write a whole chunk and flush it, with no signal check: for threads other than
        the main one, which a signal never interrupts. Fails as write() does."""
        try:
            self.stdout.write(chunk)
            self.stdout.flush()
        except BrokenPipeError as exc:
            self.stdout_failed = exc
            raise
        except (OSError, ValueError) as exc:   # ValueError: a stream closed in-process
            self.stdout_failed = exc
            raise OutputError(f"cannot write to stdout: {_reason(exc)}") from None

    def on_signal(self, signum, frame):
        self.pending_signal = self.pending_signal or signum
        if not self.writing and not self.deferring:
            raise Interrupted(signum)

    def deferred(self):
        """A block that a signal does not cut short: it takes effect at the block's end."""
        return _Deferred(self)

    def err(self, line):
        """One diagnostic line on stderr."""
        self.stderr.write(line.rstrip("\n") + "\n")
        self.stderr.flush()


def _utc_now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)


def _at_start_of_file(stream):
    import stat
    try:
        fd = stream.fileno()
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.lseek(fd, 0, os.SEEK_CUR) == 0
    except (AttributeError, OSError, ValueError):
        return False


def _terminal_columns(stream, tty, env):
    """The terminal's width; COLUMNS when it says otherwise or there is no terminal."""
    text = env.get("COLUMNS", "")
    if text.isdigit() and int(text) > 0:
        return int(text)
    if tty:
        try:
            return os.get_terminal_size(stream.fileno()).columns or 80
        except (AttributeError, ValueError, OSError):
            return 80
    return 0


def _isatty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; raised only between whole writes."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


class _Deferred:
    def __init__(self, streams):
        self.streams = streams

    def __enter__(self):
        self.streams.deferring += 1
        return self

    def __exit__(self, kind, exc, tb):
        streams = self.streams
        streams.deferring -= 1
        if not streams.deferring and streams.pending_signal and kind is None:
            raise Interrupted(streams.pending_signal)
        return False


def _reason(exc):
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return "it is closed"


class ClosedStdout:
    """Stands in for a stdout the caller closed (`halo ... >&-`): every write fails."""

    def write(self, data):
        import errno
        raise OSError(errno.EBADF, "stdout is closed")

    def flush(self):
        pass

    def isatty(self):
        return False
