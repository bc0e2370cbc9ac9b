"""`get` and `delete` over several ids: from the command line, or `-` for ids on stdin.

    halo tickets list --status-id 9 --query id -r | halo tickets delete -

The ids are read and checked when the plan is made (a bad one is exit 2, nothing sent),
then sent one request each, in input order. Each record found (get) or deleted (delete)
goes to the output in that order; each failure is one NDJSON line on stderr: {"id",
"outcome", "error"}. The exit status is the worst failure's: credentials (3), temporary
(5), refused (1), and 4 when ids were only missing. One id on the command line fails as
any single request does: one `halo: ...` line on stderr.

Deleting several ids is a bulk operation, so when stdout closes or fails mid-run (`| head
-2`, a full disk) no further DELETE is sent, and every id is told exactly once: its line
on stdout, or on stderr as {"id", "outcome": "deleted", "error": "not on stdout: ..."},
"failed", "not found" or "not sent"; a tally line ends stderr and the exit status is 6,
as for bulk writes. With -o json the array is written at the end: if that fails, every
deleted id is told on stderr. SIGINT or SIGTERM stops it the same way: the id whose
DELETE was under way is told as "unknown", the later ones as "not sent", then the tally,
and the exit status is 130 or 143.
"""
import orjson

from halo_lib.errors import (OUTPUT, ApiError, NotFound, OutputError, TemporaryError,
                             UsageError)
from halo_lib.http.api import Request, path_with_id
from halo_lib.io.streams import Interrupted
from halo_lib.run.plans import Plan

# A line that is no id, from a halo whose profile makes csv or a table.
STDIN_HINT = " (the output of another halo? give that one -o ndjson)"

# Worse first: the exit status a mix of failures ends with.
SEVERITY = (3, 5, 1, 4)


class ByIds(Plan):
    def __init__(self, resource, path, ids, params, deleting, single):
        self.what = resource.name
        self.ids = ids
        self.deleting = deleting
        self.single = single
        method = "DELETE" if deleting else "GET"
        self.requests = [Request(method, path_with_id(path, record_id), params)
                         for record_id in ids]
        # -o json: the record of one id on the command line is that object, else an array.
        self.single_object = single and not deleting
        # A bulk delete that a signal stops still tells every id before it exits.
        self.stops = (Interrupted, KeyboardInterrupt) if deleting and not single else ()

    def run(self, env, output):
        self.unshown = []            # deleted ids whose lines stdout has not taken yet
        self.stdout_failed = None    # why stdout stopped working, once it did
        self.told = {}               # outcome -> count, for the tally of a bulk delete
        self.lost = 0                # deleted ids told on stderr instead of stdout
        self.next_index = 0          # the ids before it are told (stdout or stderr)
        self.in_flight = False       # the DELETE of ids[next_index] is under way
        try:
            return self._each(env, output)
        except self.stops as stop:
            with env.streams.deferred():
                self._interrupted(env, stop)
            raise

    def _each(self, env, output):
        codes = []
        for index, (record_id, request) in enumerate(zip(self.ids, self.requests)):
            try:
                if self.deleting:
                    self.in_flight = True
                    env.api.send(request)
                    with env.streams.deferred():   # counted, shown and marked as one step
                        self.in_flight = False
                        self._count("deleted")
                        self.unshown.append(record_id)
                        self.next_index = index + 1
                        output.document({"id": record_id, "deleted": True})
                        if not output.as_array:    # -o json writes the array at the end
                            self.unshown.clear()
                else:
                    doc = env.api.json(request)
                    if doc is None or doc == {} or doc == []:
                        raise NotFound(f"{self.what} {record_id}: not found (empty answer)")
                    output.document(doc)
            except (ApiError, TemporaryError) as exc:
                if self.single:
                    raise
                with env.streams.deferred():
                    self.in_flight = False
                    self.next_index = index + 1
                    codes.append(exc.exit_code)
                    self._count(_outcome(exc))
                    _failure(env.streams, record_id, _outcome(exc), exc)
                if exc.exit_code == 3:   # credentials: every later id would fail alike
                    self._not_sent(env, self.ids[index + 1:], "not sent: an earlier "
                                   "request was refused for its credentials")
                    break
            except (BrokenPipeError, OutputError) as exc:
                if not self.deleting or self.single:
                    raise
                self._stdout_failed(env, exc)
                self._not_sent(env, self.ids[index + 1:],
                               "not sent: stdout stopped working, so the run stopped")
                return OUTPUT
        return next((c for c in SEVERITY if c in codes), 0)

    def _interrupted(self, env, stop):
        name = {2: "SIGINT", 15: "SIGTERM"}.get(getattr(stop, "signum", 2), "a signal")
        rest = self.ids[self.next_index:]
        if self.in_flight and rest:
            _failure(env.streams, rest[0], "unknown",
                     f"its DELETE was sent when {name} arrived; the outcome was not seen")
            self._count("unknown")
            rest = rest[1:]
        self._not_sent(env, rest, f"not sent: interrupted by {name}")

    def settle(self, env, code, stop, close_error):
        if isinstance(stop, self.stops or ()) and self.told:
            self._tally(env)
        if not self.deleting or self.single or stop is not None:
            return super().settle(env, code, stop, close_error)
        if close_error is not None and self.stdout_failed is None:
            self._stdout_failed(env, close_error)
            code = OUTPUT
        if self.stdout_failed is not None or any(k != "deleted" for k in self.told):
            self._tally(env)
        return code

    def _count(self, outcome, n=1):
        self.told[outcome] = self.told.get(outcome, 0) + n

    def _stdout_failed(self, env, exc):
        """stdout no longer takes lines: the deleted ids it did not take go to stderr."""
        self.stdout_failed = reason = _stdout_reason(exc)
        _say(env.streams, f"halo: {reason}")
        for record_id in self.unshown:
            _failure(env.streams, record_id, "deleted", f"not on stdout: {reason}")
        self.lost = len(self.unshown)
        self.unshown = []

    def _not_sent(self, env, ids, reason):
        if not ids:
            return
        for later in ids:
            _failure(env.streams, later, "not sent", reason)
        self._count("not sent", len(ids))

    def _tally(self, env):
        parts = []
        for outcome, n in self.told.items():
            lost = self.lost if outcome == "deleted" else 0
            parts.append(f"{n} {outcome}" + (f" ({lost} not on stdout)" if lost else ""))
        _say(env.streams, f"halo: {len(self.ids)} id(s): " + ", ".join(parts))


def _stdout_reason(exc):
    if isinstance(exc, BrokenPipeError):
        return "stdout was closed by its reader"
    return str(exc)


def _say(streams, line):
    try:
        streams.err(line)
    except (OSError, ValueError):
        pass   # stderr is gone too: the exit status remains


def _outcome(exc):
    if isinstance(exc, NotFound):
        return "not found"
    if isinstance(exc, TemporaryError):
        return "failed (temporary)"
    return "failed"


def _failure(streams, record_id, outcome, error):
    line = {"id": record_id, "outcome": outcome, "error": " ".join(str(error).split())}
    from halo_lib import jsontext
    _say(streams, jsontext.dumps(line).decode())


def collect_ids(given, convert, streams):
    """The ids in order: each argument, with '-' replaced by the ids on stdin."""
    if given.count("-") > 1:
        raise UsageError("'-' (ids on stdin) can be given once")
    ids = []
    for arg in given:
        if arg == "-":
            ids.extend(stdin_ids(streams.stdin.read(), convert))
        else:
            ids.append(arg)
    return ids


def stdin_ids(data, convert):
    """Ids from text: one a line (plain, or a JSON string or number), or NDJSON records
    with an `id`. Blank lines are skipped; anything else is a usage error naming its line."""
    ids = []
    for number, raw in enumerate(data.split(b"\n"), 1):
        line = raw.strip()
        if not line:
            continue
        value = line.decode("utf-8", "replace")
        if line[:1] in (b"{", b'"'):
            try:
                doc = orjson.loads(line)
            except orjson.JSONDecodeError:
                raise UsageError(f"invalid JSON on stdin at line {number}") from None
            if isinstance(doc, dict):
                if doc.get("id") in (None, ""):
                    raise UsageError(f"no id in the record on stdin at line {number}")
                doc = doc["id"]
            value = str(doc)
        try:
            ids.append(convert(value))
        except ValueError:
            raise UsageError(f"invalid id {value!r} on stdin at line {number}"
                             + STDIN_HINT) from None
    return ids
