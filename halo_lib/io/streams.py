"""The I/O a command may touch, injected so tests can run `main(argv)` in-process.

Like gh's IOStreams: standard streams (binary stdout/stdin, text stderr), the
environment, the clock (`now`, the wall-clock time in UTC), the terminal's width and the
sleep function. Nothing in halo_lib reads sys.std* or
os.environ directly.
"""
import os
import sys
import time


class Streams:
    def __init__(self, stdin=None, stdout=None, stderr=None, env=None, sleep=None,
                 stdin_tty=None, stdout_tty=None, stderr_tty=None, now=None,
                 columns=None):
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

    @property
    def columns(self):
        """Width of the terminal stdout shows on (None on a pipe without COLUMNS)."""
        if self._columns is None:
            self._columns = _terminal_columns(self.stdout, self.stdout_tty, self.env)
        return self._columns or None

    writing = False
    pending_signal = None

    def write(self, chunk):
        """Write whole chunks: a signal that arrives mid-write takes effect after it."""
        self.writing = True
        try:
            self.stdout.write(chunk)
            self.stdout.flush()
        finally:
            self.writing = False
        if self.pending_signal:
            raise Interrupted(self.pending_signal)

    def on_signal(self, signum, frame):
        self.pending_signal = signum
        if not self.writing:
            raise Interrupted(signum)

    def err(self, line):
        """One diagnostic line on stderr."""
        self.stderr.write(line.rstrip("\n") + "\n")
        self.stderr.flush()


def _utc_now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)


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
