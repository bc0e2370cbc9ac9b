"""--append-to FILE: a checkpointed list's records reach FILE only with the checkpoint
that covers them, so a run killed at any moment leaves FILE holding exactly the records
of the runs that succeeded, each once.

The records go to an anonymous temporary file beside FILE (it vanishes with the process,
whatever kills it). When the run has succeeded, the commit is three steps:

  1. the checkpoint is rewritten, its time unchanged, marking FILE's size before the
     append (and FILE's device and inode, so a FILE rotated away is not mistaken);
  2. the records are appended to FILE and synced;
  3. the checkpoint is rewritten with this run's time and FILE's size after the append.

A run killed between 1 and 3 leaves the old time with the mark of step 1, so the next run
lists that time again and first cuts FILE back to the marked size: the half-made append
goes, and comes back whole with the next run's records. A kill before 1 leaves FILE as
it was; after 3, all is done. Each checkpoint write is atomic (write_atomically), so the
checkpoint is always one of the three states. FILE must be written only by halo: bytes
appended to it by anything else after a mark are taken for a cut-short append.
"""
import os
import stat
import tempfile

from halo_lib.errors import OutputError, UsageError, printable

CHUNK = 1 << 20


class Appending:
    def __init__(self, path):
        self.path = os.path.expanduser(path)
        self.spool = None

    def begin(self, checkpoint, streams, output):
        """Repair FILE if a commit was cut short, then send the output to the spool."""
        directory = os.path.dirname(self.path) or "."
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        except FileNotFoundError:
            fd = None
        except OSError as exc:
            raise UsageError(f"cannot append to {printable(self.path)}: "
                             f"{exc.strerror or exc}") from None
        if fd is not None:
            try:
                self._cut(fd, checkpoint.mark, streams)
            finally:
                os.close(fd)
        try:
            self.spool = tempfile.TemporaryFile(dir=directory, prefix=".halo-append-")
        except OSError as exc:
            raise UsageError(f"cannot write beside {printable(self.path)}: "
                             f"{exc.strerror or exc}") from None
        output.streams = _Spooled(streams, self.spool, self.path)

    def _cut(self, fd, mark, streams):
        """FILE's size once a cut-short append is undone (see the module's comment)."""
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"--append-to {printable(self.path)} is not a regular file")
        if mark is None or (mark[1], mark[2]) != (info.st_dev, info.st_ino) \
                or info.st_size <= mark[0]:
            return info.st_size
        try:
            os.ftruncate(fd, mark[0])
        except OSError as exc:
            raise OutputError(f"cannot cut {printable(self.path)} back to {mark[0]} bytes: "
                              f"{exc.strerror or exc}") from None
        streams.err(f"halo: {printable(self.path)}: cut back to {mark[0]} bytes, the records "
                    "of a run stopped before its checkpoint was saved (listed again now)")
        return mark[0]

    def commit(self, checkpoint, streams):
        """Append the spooled records to FILE together with saving the checkpoint."""
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOCTTY", 0)
        try:
            self.spool.flush()
            fd = os.open(self.path, flags | os.O_NONBLOCK, 0o666)
        except OSError as exc:
            raise OutputError(self._failed(exc)) from None
        try:
            size = self._cut(fd, checkpoint.mark, streams)
            info = os.fstat(fd)
            checkpoint.write(checkpoint.since, (size, info.st_dev, info.st_ino))   # step 1
            added = self._copy(fd)                                                # step 2
            checkpoint.save((size + added, info.st_dev, info.st_ino))             # step 3
        except OSError as exc:
            raise OutputError(self._failed(exc)) from None
        finally:
            os.close(fd)

    def _copy(self, fd):
        self.spool.seek(0)
        added = 0
        while True:
            chunk = self.spool.read(CHUNK)
            if not chunk:
                break
            view = memoryview(chunk)
            while view:
                written = os.write(fd, view)
                view, added = view[written:], added + written
        os.fsync(fd)
        return added

    def _failed(self, exc):
        return (f"cannot append to {printable(self.path)}: {exc.strerror or exc} (the "
                "checkpoint was not advanced: the next run lists these records again)")

    def discard(self):
        if self.spool is not None:
            self.spool.close()
            self.spool = None


class _Spooled:
    """The streams as the output sees them: stdout is the spool, the rest as it was."""

    stdout_tty = False
    stdout_new_file = False       # no byte-order mark in the middle of FILE
    columns = None

    def __init__(self, streams, spool, path):
        self._streams, self._spool, self._path = streams, spool, path

    def write(self, chunk):
        try:
            self._spool.write(chunk)
        except OSError as exc:
            raise OutputError(f"cannot keep the records for {printable(self._path)}: "
                              f"{exc.strerror or exc}") from None

    def __getattr__(self, name):
        return getattr(self._streams, name)
