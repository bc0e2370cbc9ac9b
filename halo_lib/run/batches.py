"""Plans that account for every record: bulk writes in batches, deletions one by one.

A saved record goes to the output; a refused one is reported on stderr (or its record
written to --failed); records never sent after a fatal error are reported as not sent.
"""
import orjson

from halo_lib.errors import ApiError, HaloError, TemporaryError
from halo_lib.run.plans import Plan


class Batches(Plan):
    """POST each batch; creating: repeat a batch only when the server cannot have acted."""

    def __init__(self, requests, creating, failed_path=None):
        self.requests = list(requests)
        self.creating = creating
        self.failed_path = failed_path

    def run(self, env, output):
        report = FailureReport(env.streams, self.failed_path)
        requests = self.requests
        for index, request in enumerate(requests):
            try:
                doc = env.api.json(request, idempotent=not self.creating)
            except TemporaryError as exc:
                outcome = "unknown" if (exc.sent and self.creating) else "failed"
                report.add(request.body, str(exc), outcome, exc.exit_code)
                report.not_sent(requests[index + 1:], exc.exit_code)
                break
            except HaloError as exc:
                report.add(request.body, str(exc), "failed", exc.exit_code)
                if exc.exit_code == 3:   # credentials: every later batch would fail alike
                    report.not_sent(requests[index + 1:], 3)
                    break
                continue
            output.page(doc if isinstance(doc, list) else [doc] if doc is not None else [])
        return report.finish()


class FailureReport:
    """Refused records: NDJSON on stderr (reason + record), or the records to --failed."""

    def __init__(self, streams, path):
        self.streams = streams
        self.path = path
        self.handle = None
        self.count = 0
        self.code = 0

    def not_sent(self, requests, code):
        unsent = [record for request in requests for record in request.body]
        self.add(unsent, "not sent: an earlier batch failed", "not sent", code)

    def add(self, records, reason, outcome, code):
        if not records:
            return
        self.count += len(records)
        self.code = self.code or (code if code in (3, 5) else 1)
        if self.path and outcome != "unknown":
            if self.handle is None:
                self.handle = open(self.path, "wb")
            self.handle.write(b"".join(orjson.dumps(r) + b"\n" for r in records))
            self.handle.flush()
            self.streams.err(f"halo: {len(records)} record(s) {outcome}: {reason}")
            return
        for record in records:
            self.streams.err(orjson.dumps({"outcome": outcome, "error": reason,
                                           "record": record}).decode())

    def finish(self):
        if self.handle:
            self.handle.close()
        if self.count:
            where = f" (written to {self.path})" if self.path else ""
            self.streams.err(f"halo: {self.count} record(s) not saved{where}")
        return self.code


class Deletions(Plan):
    """One DELETE per id; each deleted id is a record, each failure a line on stderr."""

    def __init__(self, requests, ids):
        self.requests = list(requests)
        self.ids = list(ids)

    def run(self, env, output):
        failures = []
        for record_id, request in zip(self.ids, self.requests):
            try:
                env.api.send(request)
            except (ApiError, TemporaryError) as exc:
                failures.append(exc)
                env.streams.err(f"halo: {exc}")
                if exc.exit_code == 3:
                    break
                continue
            output.document({"id": record_id, "deleted": True})
        return failures[0].exit_code if failures else 0
