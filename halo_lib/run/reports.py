"""Report rows: `halo reports run ID` and `halo sql QUERY`, each row one NDJSON line.

    reports run ID   GET /Report/{id}?loadreport=true (+ reportingperiod, its start and end)
    sql QUERY        POST /Report [{"sql": QUERY, "_loadreportonly": true}]: run, not saved

Halo answers the report with its rows under `report.rows`; a report that could not be
run says why in `load_error`, which ends the command with exit 1 and that reason.
"""
from halo_lib.errors import HaloError, UsageError, printable
from halo_lib.http.api import Request, path_with_id
from halo_lib.io import bodies
from halo_lib.run.plans import Plan

REPORT_PATH = "/Report"


class Rows(Plan):
    """One report answer, written as its rows."""

    def __init__(self, request, what):
        self.requests = [request]
        self.what = what

    def run(self, env, output):
        doc = env.api.json(self.requests[0], idempotent=True)
        output.page(report_rows(doc, self.what))
        return 0


def report_request(path, record_id, params):
    return Request("GET", path_with_id(path, record_id), [("loadreport", "true")] + params)


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
