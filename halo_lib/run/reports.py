"""Report rows: `halo reports run ID` and `halo sql QUERY`, each row one NDJSON line.

    reports run ID   GET /Report/{id}?loadreport=true (+ reportingperiod, its start and end)
    sql QUERY        POST /Report [{"sql": QUERY, "_loadreportonly": true}]: run, not saved

Halo answers the report with its rows under `report.rows`; a report that could not be
run says why in `load_error`, which ends the command with exit 1 and that reason.

A report is never run again by a retry: Halo's gateway answers 504 after about 60 s
while the query may still be running, and a retry would start the same expensive query
again. Only a 429 (or a 503 with Retry-After) or a connection never made, which Halo did
not act on, is tried again. Halo cuts a result at 50,000 rows without an error, so a
result of exactly that many is said on stderr.
"""
from halo_lib.errors import HaloError, TemporaryError, UsageError, printable
from halo_lib.http.api import Request, path_with_id
from halo_lib.io import bodies
from halo_lib.run.plans import Plan

REPORT_PATH = "/Report"
ROW_CAP = 50000   # Halo returns at most this many rows of a report or a query, silently


class Rows(Plan):
    """One report answer, written as its rows."""

    def __init__(self, request, what):
        self.requests = [request]
        self.what = what

    def run(self, env, output):
        try:
            # Not idempotent: a timeout or a 5xx is not retried (see above).
            doc = env.api.json(self.requests[0], idempotent=False)
        except TemporaryError as exc:
            if not exc.sent:
                raise
            raise TemporaryError(f"{exc}; a report is not run again by a retry (it may "
                                 "still be running in Halo): narrow the query (a shorter "
                                 "period, fewer rows) and run it again") from None
        rows = report_rows(doc, self.what)
        if len(rows) == ROW_CAP:
            env.streams.err(f"halo: warning: {self.what} gave exactly {ROW_CAP:,} rows, "
                            "Halo's limit: the result may be cut. Fetch it in parts, e.g. "
                            "with a key range in the WHERE clause (WHERE faultid > LAST "
                            "AND faultid <= LAST + 40000)")
        output.page(rows)
        return 0


def report_request(path, record_id, params):
    return Request("GET", path_with_id(path, record_id), [("loadreport", "true")] + params)


def with_period(params, now):
    """The report's query with --period PERIOD as its first and last moment (the dates
    Halo documents) in place of the name; --from or --to as well is a usage error."""
    from halo_lib.resources import REPORT_PERIOD
    period = next((value for name, value in params if name == REPORT_PERIOD.name), None)
    if period is None:
        return params
    given = {"reportingperiodstartdate": "--from", "reportingperiodenddate": "--to"}
    clash = [flag for name, flag in given.items() if any(k == name for k, _ in params)]
    if clash:
        raise UsageError(f"--period {period} names its own dates: give --period or "
                         f"{' and '.join(clash)}, not both")
    start, end = period_days(period, now.date())
    rest = [(k, v) for k, v in params if k != REPORT_PERIOD.name]
    return rest + [("reportingperiodstartdate", f"{start.isoformat()}T00:00:00Z"),
                   ("reportingperiodenddate", f"{end.isoformat()}T23:59:59Z")]


def period_days(period, today):
    """(first day, last day) of a named period around `today` (weeks from Monday)."""
    from datetime import timedelta
    which, _, unit = period.partition("-")
    if period in ("today", "yesterday"):
        day = today - timedelta(days=period == "yesterday")
        return day, day
    if unit == "week":
        start = today - timedelta(days=today.weekday()) - timedelta(weeks=which == "last")
        return start, start + timedelta(days=6)
    if unit == "year":
        year = today.year - (which == "last")
        return today.replace(year=year, month=1, day=1), today.replace(year=year, month=12,
                                                                         day=31)
    months = 3 if unit == "quarter" else 1
    first = (today.month - 1) // months * months          # months since January, 0-based
    index = today.year * 12 + first - (months if which == "last" else 0)
    start = today.replace(year=index // 12, month=index % 12 + 1, day=1)
    after = index + months
    return start, today.replace(year=after // 12, month=after % 12 + 1, day=1) - \
        timedelta(days=1)


def sql_request(query):
    return Request("POST", REPORT_PATH, [], [{"sql": query, "_loadreportonly": True}])


def read_query(arg, streams):
    """The SQL text of QUERY, '-' (stdin) or @FILE; empty is a usage error."""
    if arg == "-" or arg.startswith("@"):
        data, name = bodies.read_source(arg, streams)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError(f"the query in {name} is not UTF-8 text") from None
    else:
        text, name = arg, "QUERY"
    if not text.strip():
        raise UsageError(f"no SQL in {name}: it is empty")
    return text.strip()


def report_rows(doc, what):
    """The rows of a loaded report answer; HaloError (exit 1) with Halo's load_error."""
    if isinstance(doc, list):    # POST /Report answers the array it was sent
        doc = doc[0] if doc and isinstance(doc[0], dict) else {}
    if not isinstance(doc, dict):
        raise HaloError(f"{what}: the answer is not a report")
    content = doc.get("report") if isinstance(doc.get("report"), dict) else {}
    error = content.get("load_error") or doc.get("load_error")
    if error:
        # Halo's text, shown escaped: it may hold escape sequences a terminal would obey.
        raise HaloError(f"{what} did not load: " + printable(" ".join(str(error).split())))
    rows = content.get("rows")
    if rows is None:
        rows = doc.get("rows")
    if rows is None:
        raise HaloError(f"{what}: the answer holds no rows (report.rows)")
    if not isinstance(rows, list):
        raise HaloError(f"{what}: report.rows is not a list")
    return rows
