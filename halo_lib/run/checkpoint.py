"""--checkpoint FILE: a list that resumes where the last successful run started.

FILE holds one ISO 8601 UTC date-time. A run sends it as Halo's `lastupdatefromdate`
(no FILE yet: no filter, everything is listed). When the run ends with exit 0, FILE is
replaced, atomically, with the time the run started less OVERLAP; a run that fails or is
interrupted leaves FILE as it was, so its records are listed again next time.

The time is Halo's, not this machine's: the Date header of the answer to page 1 (the
moment Halo ran the query), and this machine's clock only when that answer has no Date.
A clock here that runs ahead of Halo's would otherwise save a time Halo has not reached
yet, and the records changed in between would never be listed. For the same reason a
saved time later than Halo's clock is not trusted: the run warns and lists everything.

OVERLAP covers a record saved with a last-update time a little before it became visible
to a list, and the second lost by the Date header's whole seconds. Records changed in that
window are listed by two runs; none is skipped.
"""
import os
import stat
from datetime import timedelta

from halo_lib.when import parse_utc, utc_text
from halo_lib.errors import HaloError, TemporaryError, UsageError
from halo_lib.resources import END_DATE, UPDATED_FROM, UPDATED_TO
from halo_lib.run.plans import Plan

OVERLAP = timedelta(minutes=5)


class Checkpoint:
    def __init__(self, path, now):
        self.path = os.path.expanduser(path)
        self.started = now()        # this machine's clock: used when Halo sends no Date
        self.mark = None            # --append-to: (size, device, inode) of its FILE
        self.since = self._read()

    def _read(self):
        """The saved time as text, None when FILE does not exist yet (or holds `-`, the
        mark of an --append-to run before any time was saved); sets self.mark."""
        try:
            # O_NONBLOCK: a FIFO is refused below, never waited on
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise UsageError(f"checkpoint {self.path} is not a regular file: name a "
                                     "file of its own")
                data = handle.read(400)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise UsageError(f"cannot read checkpoint {self.path}: "
                             f"{exc.strerror or exc}") from None
        try:
            lines = data.decode("ascii").split("\n")
            time, marks = lines[0].strip(), [line for line in lines[1:] if line.strip()]
            self.mark = _mark(marks[0]) if marks else None
            if len(marks) > 1 or (time == "-" and self.mark is None):
                raise ValueError(data)
            return None if time == "-" else utc_text(parse_utc(time))
        except (UnicodeDecodeError, ValueError):
            raise UsageError(f"corrupt checkpoint {self.path}: expected one ISO 8601 UTC "
                             "date-time; delete it to list everything again") from None

    def params(self):
        """The query pair the saved time adds (none on the first run)."""
        return [(UPDATED_FROM, self.since)] if self.since else []

    def check_writable(self):
        """Make FILE's directory now, so a run that cannot save fails before it sends."""
        directory = os.path.dirname(self.path) or "."
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create the directory of checkpoint {self.path}: "
                             f"{exc.strerror or exc}") from None
        if not os.access(directory, os.W_OK):
            raise UsageError(f"cannot write checkpoint {self.path}: its directory is not "
                             "writable")

    def save(self, mark=None):
        """FILE := this run's start less OVERLAP (and the --append-to FILE's new mark)."""
        self.write(utc_text((self.started - OVERLAP).replace(microsecond=0)), mark)

    def write(self, stamp, mark=None):
        """FILE := stamp (`-`: no time yet) and mark, atomically."""
        from halo_lib.io.files import write_atomically
        text = (stamp or "-") + "\n"
        if mark is not None:
            text += "appended %d %d:%d\n" % mark
        try:
            write_atomically(self.path, text.encode(), mode=0o644)
            self.mark = mark
        except OSError as exc:
            raise HaloError(f"cannot save checkpoint {self.path}: {exc.strerror or exc} "
                            "(the next run lists these records again)") from None


def _mark(line):
    """`appended SIZE DEVICE:INODE` -> (size, device, inode); ValueError otherwise."""
    word, size, where = line.split()
    device, inode = where.split(":")
    if word != "appended":
        raise ValueError(line)
    return int(size), int(device), int(inode)


class _Untrusted(Exception):
    """The saved time is later than Halo's clock (raised before any record is written)."""


class Checkpointed(Plan):
    """A list under --checkpoint: the stream with the saved time as its start; FILE is
    saved again only when the list ends with exit 0."""

    def __init__(self, checkpoint, stream, appending=None):
        self.checkpoint, self.stream, self.appending = checkpoint, stream, appending
        self.requests = stream.requests

    def run(self, env, output):
        self.checkpoint.check_writable()
        if self.appending:
            self.appending.begin(self.checkpoint, env.streams, output)
        transport = env.api.transport
        self.stream.first = lambda: self._halo_clock(transport.last_date)
        try:
            code = self.stream.run(env, output)
        except _Untrusted as untrusted:
            env.streams.err(f"halo: warning: checkpoint {self.checkpoint.path} holds "
                            f"{self.checkpoint.since}, later than Halo's clock ({untrusted}):"
                            " not trusted; listing everything")
            self.checkpoint.since = None
            request = self.stream.request
            self.stream.request = type(request)(
                request.method, request.path,
                [pair for pair in request.params if pair[0] != UPDATED_FROM], request.body)
            code = self.stream.run(env, output)
        return code

    def settle(self, env, code, stop, close_error):
        """Once the output is closed (the records all written): save FILE, with the
        --append-to records. Signals are held back meanwhile (see execute._run)."""
        code = super().settle(env, code, stop, close_error)
        if code != 0:
            return code
        if self.stream.gaps:
            # The list changed while it was paged: a record may have moved to a page
            # already fetched and never been written. Saving would skip it for good.
            raise TemporaryError(f"the checkpoint {self.checkpoint.path} was not saved: the "
                                 f"list was not served whole ({'; '.join(self.stream.gaps)});"
                                 " the next run lists this time again")
        if self.appending:
            self.appending.commit(self.checkpoint, env.streams)
        else:
            self.checkpoint.save()
        # Saved: a SIGINT or SIGTERM that came meanwhile is too late to stop this run, and
        # exit 130/143 would tell the caller that its records were not kept.
        env.streams.pending_signal = None
        return code

    def release(self):
        if self.appending:
            self.appending.discard()

    def _halo_clock(self, date_header):
        """Page 1 is answered: its Date is when this run started, by Halo's clock."""
        halo_now = http_date(date_header)
        if halo_now is None:
            return
        self.checkpoint.started = halo_now
        since = self.checkpoint.since
        if since and parse_utc(since) > halo_now:
            raise _Untrusted(utc_text(halo_now))


def http_date(value):
    """An HTTP Date header as an aware datetime; None when absent or unreadable."""
    if not value:
        return None
    from datetime import timezone
    from email.utils import parsedate_to_datetime
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def check_usable(invocation):
    """--checkpoint sets the start of the list itself and must see every record up to now:
    the next run starts where this one started, so a record this run leaves out for a
    reason that no longer holds next time would never be listed. A fixed end on a date
    (--end-date 2026-01-01) is fine: a record past it stays past it."""
    if invocation.paging.limit:
        raise UsageError("--checkpoint with --limit would skip records: leave out --limit")
    given = {opt.name: value for opt, value in invocation.filters if value is not None}
    if UPDATED_FROM in given:
        raise UsageError("--checkpoint sets the start itself: leave out --updated-since")
    if UPDATED_TO in given:
        raise UsageError("--checkpoint with --updated-until would skip the records changed "
                         "after it for good: leave out --updated-until")
    end = given.get(END_DATE)
    if getattr(end, "relative", False):
        raise UsageError("--checkpoint with a relative --end-date would skip records for "
                         "good: give --end-date as a date")
    for key, _ in invocation.params:
        if key.lower() in (UPDATED_FROM, UPDATED_TO):
            raise UsageError(f"--checkpoint sets the last-update window itself: leave out "
                             f"--param {key}")
