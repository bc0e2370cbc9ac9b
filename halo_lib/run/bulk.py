"""Bulk writes (create, update): batches POSTed in order, every input record accounted for.

Each record, numbered from 1 over the whole input, ends exactly once as one of:
    saved     the server answered with it: written to stdout (or, when stdout no longer
              works, reported on stderr with the saved record);
    failed    the server refused it, with the server's reason;
    unknown   it was sent and no answer was seen (check before sending it again);
    not sent  the run ended before it went out.
That holds whatever ends the run: the end of the input, a fatal API error, a closed or
failing stdout, SIGINT or SIGTERM. The report is made with signals held back.

A batch refused as a whole with 400, 404, 409 or 422 is split in halves and sent again
until each refused record stands alone, so one bad record (or a missing id) does not sink
its neighbours.

`update ID` sends one record for one id named on the command line: a refusal of it is
that one request failing, told as for `get ID` (one `halo:` line, exit 4 for a missing
id), and written to --failed FILE when one is given.
"""
from halo_lib.errors import (API, AuthError, ApiError, HaloError, OUTPUT, OutputError,
                             TemporaryError, UsageError)
from halo_lib.http.api import Request
from halo_lib.io.streams import Interrupted
from halo_lib.run.plans import Plan

SPLIT_STATUSES = (400, 404, 409, 422)


class _Stop(Exception):
    """Ends the run early: the reason given to every record not yet sent, and the status."""

    def __init__(self, reason, code):
        super().__init__(reason)
        self.reason = reason
        self.code = code


class Bulk(Plan):
    """The plan of a bulk write: the source's records POSTed in batches of `size`.

    The executor closes the output between run() and settle(), with signals held back,
    also when run() ends early (a fatal answer, a failing stdout, SIGINT or SIGTERM):
    settle() then tells the tally and gives the exit status."""

    stops = (_Stop, Interrupted, KeyboardInterrupt)

    def __init__(self, source, path, params, creating, size, failed_path, single=False):
        self.source, self.path, self.params = source, path, params
        self.creating, self.size, self.failed_path = creating, size, failed_path
        self.single = single      # update ID: one record for an id on the command line
        # -o json: the answer to one object is that object; to an array or NDJSON, an array.
        self.single_object = source.count == 1 and not source.array
        self.report = self.sending = None
        self.stop_code = None

    @property
    def requests(self):
        for batch in self.source.batches(self.size):
            yield Request("POST", self.path, self.params, [record for _, record in batch])

    def run(self, env, output):
        streams = env.streams
        # --failed is emptied before any request
        self.report = report = FailureReport(streams, self.failed_path, self.source.count)
        self.sending = sending = _Run(env, output, report, self.path, self.params,
                                      self.creating, self.single)
        batches = self.source.batches(self.size)
        try:
            while True:
                with streams.deferred():   # a batch is read and queued whole, or not at all
                    batch = next(batches, None)
                    if batch is None:
                        return 0
                    sending.waiting = [batch]
                sending.send()
        except self.stops as stop:
            with streams.deferred():
                reason, self.stop_code = _why(stop)
                sending.abandon(reason)
                for batch in batches:
                    report.add("not sent", batch, reason)
            raise

    def settle(self, env, code, stop, close_error):
        """The tally on stderr and the exit status, once the output is closed."""
        if close_error is not None and self.sending.stdout_ok:
            self.sending.stdout_ok = False
            self.report.note(f"halo: {_stdout_reason(close_error)}", OUTPUT)
        status = self.report.finish(self.stop_code if stop is not None else 0)
        if stop is None or (isinstance(stop, _Stop) and not env.streams.pending_signal):
            return status
        if isinstance(stop, _Stop):
            raise Interrupted(env.streams.pending_signal) from None
        raise stop

    def release(self):
        self.source.close()
        if self.report is not None:
            self.report.close()


def _why(stop):
    if isinstance(stop, _Stop):
        return stop.reason, stop.code
    signum = getattr(stop, "signum", 2)
    name = {2: "SIGINT", 15: "SIGTERM"}.get(signum, f"signal {signum}")
    return f"interrupted by {name}", None


class _Run:
    """The batches of one bulk write, the part in flight, and the parts still to send."""

    def __init__(self, env, output, report, path, params, creating, single):
        self.env, self.output = env, output
        self.single = single
        self.report = report
        self.path = path
        self.params = params
        self.creating = creating
        self.current = None        # [part, whether it may have gone out]
        self.waiting = []          # parts of the current batch still to send (a stack)
        self.stdout_ok = True

    def send(self):
        """The waiting batch; a refused part is split until each refused record stands
        alone. Every change of a record's state is made with signals held back."""
        deferred = self.env.streams.deferred
        while True:
            with deferred():
                if not self.waiting:
                    return
                part = self.waiting.pop()
                self.current = [part, False]
            request = Request("POST", self.path, self.params, [r for _, r in part])
            self.current[1] = True
            try:
                # A create is repeated only when the server cannot have acted on it.
                doc = self.env.api.json(request, idempotent=not self.creating)
            except HaloError as exc:
                with deferred():
                    self.current = None
                    self._refused(part, exc)
                continue
            with deferred():
                self.current = None
                self._saved(part, doc)

    def _refused(self, part, exc):
        if isinstance(exc, TemporaryError):
            self.report.add("unknown" if exc.sent else "not sent", part, str(exc),
                            exc.exit_code)
            raise _Stop("an earlier batch failed", exc.exit_code)
        if isinstance(exc, AuthError):   # credentials: every later batch would fail alike
            self.report.add("failed", part, str(exc), exc.exit_code)
            raise _Stop("an earlier batch failed", exc.exit_code)
        if isinstance(exc, ApiError) and exc.status in SPLIT_STATUSES and len(part) > 1:
            half = len(part) // 2
            self.waiting += [part[half:], part[:half]]
            return
        if self.single and isinstance(exc, ApiError):
            # update ID is one request: its refusal is told as get ID's is, one line.
            self.report.keep(part)
            raise exc
        self.report.add("failed", part, str(exc), exc.exit_code)

    def _saved(self, part, doc):
        saved = doc if isinstance(doc, list) else [doc] if doc is not None else []
        if len(saved) != len(part):   # an answer that does not match the batch one to one
            saved = [record for _, record in part] if not saved else saved
        numbered = list(zip([n for n, _ in part], saved))
        self.report.saved += len(part)
        if self.stdout_ok:
            try:
                self.output.page(saved)
                return
            except (BrokenPipeError, OutputError) as exc:
                self.stdout_ok = False
                self.report.unshown(numbered, _stdout_reason(exc))
                raise _Stop(_stdout_reason(exc), OUTPUT) from None
        self.report.unshown(numbered, "stdout no longer works")

    def abandon(self, reason):
        """The run ends: the part in flight is unknown, the rest of its batch not sent."""
        if self.current:
            part, sent = self.current
            self.current = None
            if sent:
                self.report.add("unknown", part, "sent; the run ended before the answer "
                                "came (" + reason + ")")
            else:
                self.report.add("not sent", part, reason)
        while self.waiting:
            self.report.add("not sent", self.waiting.pop(), reason)


def _stdout_reason(exc):
    if isinstance(exc, BrokenPipeError):
        return "stdout was closed by its reader"
    return str(exc)


class FailureReport:
    """Where each record that was not shown as saved goes.

    On stderr: one NDJSON line per record, {"outcome", "number", "error", "record"}; with
    --failed FILE, the failed and not-sent records (never the unknown ones, which may have
    been saved) go to FILE as plain NDJSON to feed back in, and stderr gets one line per
    refusal or range. FILE is emptied before the first request.
    """

    def __init__(self, streams, path, total):
        self.streams = streams
        self.total = total
        self.path = path
        self.handle = None
        self.counts = {"failed": 0, "unknown": 0, "not sent": 0}
        self.in_file = 0         # records written to FILE
        self.file_failed = False
        self.saved = 0
        self.code = 0
        self.held = None   # (outcome, reason, first, last): a run of records not yet told
        if self.path:
            try:
                self.handle = open(self.path, "wb")
            except OSError as exc:
                raise UsageError(f"cannot write --failed {self.path}: "
                                 f"{exc.strerror or exc} (nothing was sent)") from None

    def add(self, outcome, numbered, reason, code=API):
        if not numbered:
            return
        from halo_lib import jsontext
        self.counts[outcome] += len(numbered)
        self.code = self.code or (code if code in (3, 5) else API)
        if self.handle is not None and outcome != "unknown":
            if self._to_file(numbered):
                self.in_file += len(numbered)
                self._tell(outcome, reason, [n for n, _ in numbered])
                return
            self.code = OUTPUT
        for number, record in numbered:
            self._say(jsontext.dumps({"outcome": outcome, "number": number, "error": reason,
                                    "record": record}).decode())

    def _tell(self, outcome, reason, numbers):
        """One stderr line per refusal, or per run of records that share their fate."""
        held = self.held
        if held and held[:2] == (outcome, reason) and held[3] + 1 == numbers[0] \
                and numbers == list(range(numbers[0], numbers[-1] + 1)):
            self.held = (outcome, reason, held[2], numbers[-1])
            return
        self._flush()
        if numbers == list(range(numbers[0], numbers[-1] + 1)):
            self.held = (outcome, reason, numbers[0], numbers[-1])
        else:
            self._say(f"halo: {_span(numbers)} {outcome}: {reason}", held=True)

    def _flush(self):
        if self.held:
            outcome, reason, first, last = self.held
            self.held = None
            self._say(f"halo: {_span(list(range(first, last + 1)))} {outcome}: {reason}")

    def unshown(self, numbered, reason):
        """Saved records stdout could not take: on stderr, so their ids are not lost."""
        from halo_lib import jsontext
        for number, record in numbered:
            self._say(jsontext.dumps({"outcome": "saved", "number": number,
                                    "error": f"not on stdout: {reason}",
                                    "record": record}).decode())

    def keep(self, numbered):
        """The records to --failed FILE only: the caller tells the refusal itself."""
        if self.handle is not None:
            self._to_file(numbered)

    def _to_file(self, numbered):
        """The records to FILE, flushed; False (told, FILE dropped) when FILE fails."""
        from halo_lib import jsontext
        try:
            self.handle.write(b"".join(jsontext.dumps(r) + b"\n" for _, r in numbered))
            self.handle.flush()
            return True
        except OSError as exc:
            self._say(f"halo: cannot write --failed {self.path}: {exc.strerror or exc}")
            self._drop()
            return False

    def close(self):
        """Close FILE if finish() has not (a run ended by a refusal it re-raised)."""
        if self.handle is not None:
            handle, self.handle = self.handle, None
            try:
                handle.close()
            except OSError:
                pass   # keep() flushed every line; nothing is left unwritten

    def note(self, line, code):
        self._say(line)
        self.code = self.code or code

    def finish(self, code):
        """Close FILE, print the tally when anything was not saved; the exit status."""
        self._flush()
        if self.handle:
            self.handle.close()
            self.handle = None
        lost = sum(self.counts.values())
        if lost:
            parts = [f"{self.saved} saved"] + [f"{n} {what}" for what, n in self.counts.items()
                                                if n]
            self._say(f"halo: {self.total} record(s): " + ", ".join(parts) + self._where())
        return code or self.code

    def _drop(self):
        """FILE failed: the rest go to stderr."""
        self.file_failed = True
        try:
            self.handle.close()
        except OSError:
            pass   # what is still buffered failed the same way and is reported on stderr
        self.handle = None

    def _where(self):
        """Where the failed and not-sent records are, for the tally: never a FILE that
        could not take them."""
        if not self.path:
            return ""
        if not self.file_failed:
            return f" (failed and not sent written to {self.path})"
        if not self.in_file:
            return f" (failed and not sent on stderr: {self.path} could not be written)"
        return (f" (failed and not sent: the first {self.in_file} written to {self.path}, "
                "the rest on stderr)")

    def _say(self, line, held=False):
        if not held:
            self._flush()
        try:
            self.streams.err(line)
        except (OSError, ValueError):
            pass   # stderr is gone too: the exit status and --failed FILE remain


def _span(numbers):
    if len(numbers) == 1:
        return f"record {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"records {numbers[0]}-{numbers[-1]}"
    return f"{len(numbers)} records ({', '.join(map(str, numbers[:10]))}" + \
        (", ...)" if len(numbers) > 10 else ")")
