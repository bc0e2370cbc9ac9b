"""Report rows and ad-hoc SQL: a small SQL subset over the sandbox's tickets, via sqlite3.

`GET /Report/{id}?loadreport=true` runs the report's `sql` and `POST /Report` with
`_loadreportonly` runs the posted one; both answer Halo's ReportContent
({"loaded", "load_error", "rows"}). The SQL sees the tickets twice: as `faults`, Halo's
own table, with Halo's column names (FAULTS_COLUMNS), so a query written for a tenant runs
here as written; and as `tickets`, a column per scalar field of the API's ticket. Only a
single SELECT (or WITH ... SELECT) is run, on a read-only in-memory copy rebuilt when
tickets change.

Halo's quirks are played: a report run for a period (reportingperiodstartdate,
reportingperiodenddate) sees only the tickets opened in it, and a result is cut at
50,000 rows without an error.
"""

import threading

from halo_lib.sandbox.wire import error

MAX_ROWS = 50000   # Halo cuts a report's or a query's rows here, silently
_lock = threading.Lock()
_cache = {}   # id(sandbox) -> (tickets version, connection)

# Halo's FAULTS table: its column for each field of the API's ticket the sandbox keeps.
FAULTS_COLUMNS = (
    ("faultid", "id"), ("symptom", "summary"), ("symptom2", "details"),
    ("status", "status_id"), ("seriousness", "priority_id"),
    ("requesttype", "tickettype_id"), ("areaint", "client_id"), ("sitenumber", "site_id"),
    ("userid", "user_id"), ("assignedtoint", "agent_id"), ("sectio_", "team"),
    ("slaid", "sla_id"), ("dateoccured", "dateoccurred"), ("datecleared", "dateclosed"),
    ("dateassigned", "dateassigned"), ("fixbydate", "fixbydate"),
    ("lastactiondate", "lastactiondate"),
)


def _connection(sb):
    import sqlite3   # heavy-ish and rarely used: loaded on the first report
    col = sb.collections["tickets"]
    key = id(sb)
    hit = _cache.get(key)
    if hit is not None and hit[0] == col.version:
        return hit[1]
    keys = col.keys()
    sample = col.sample() or {"id": 0}
    columns = [k for k, v in sample.items() if not isinstance(v, (list, dict))]
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE TABLE tickets (" + ", ".join(f'"{c}"' for c in columns) + ")")
    halo = ", ".join(f'"{field}" AS {name}' for name, field in FAULTS_COLUMNS
                     if field in columns)
    db.execute(f"CREATE VIEW faults AS SELECT {halo} FROM tickets")
    marks = ", ".join("?" for _ in columns)
    db.executemany(f"INSERT INTO tickets VALUES ({marks})",
                   ([_scalar(r.get(c)) for c in columns] for r in col.records(keys, 0, len(keys))))
    db.commit()
    db.execute("PRAGMA query_only = ON")
    if hit is not None:
        hit[1].close()
    _cache[key] = (col.version, db)
    return db


def _scalar(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, dict)):
        return None
    return value


def forget(sb):
    """Free the copy of a closed sandbox."""
    with _lock:
        hit = _cache.pop(id(sb), None)
    if hit is not None:
        hit[1].close()


def run_sql(sb, sql, period=None):
    """(rows, None) for a SELECT over the tickets, or ([], reason) when it cannot run.
    period: (start, end), ISO 8601 UTC texts or None, on the date a ticket was opened."""
    text = str(sql or "").strip().rstrip(";").strip()
    first = text.split(None, 1)[0].upper() if text else ""
    if first not in ("SELECT", "WITH") or ";" in text:
        return [], "only a single SELECT statement can be run"
    import sqlite3
    args = ()
    if period is not None:
        text, args = _within(text, period)
    with _lock:
        try:
            cursor = _connection(sb).execute(text, args)
            names = [d[0] for d in cursor.description or ()]
            rows = [dict(zip(names, row)) for row in cursor.fetchmany(MAX_ROWS)]
        except sqlite3.Error as e:
            return [], f"the query failed: {e}"
    return rows, None


def _within(text, period):
    """The query with `faults` and `tickets` narrowed to the period: common table
    expressions of those names shadow the tables for the whole statement."""
    start, end = period
    start, end = start or "0000", end or "9999"
    narrowed = ("faults AS (SELECT * FROM main.faults WHERE dateoccured >= ? AND "
                "dateoccured <= ?), tickets AS (SELECT * FROM main.tickets WHERE "
                "dateoccurred >= ? AND dateoccurred <= ?)")
    head, _, rest = text.partition(" ")
    if head.upper() != "WITH":
        return f"WITH {narrowed} {text}", (start, end) * 2
    rest = rest.lstrip()
    recursive = rest[:10].upper() == "RECURSIVE "
    if recursive:
        rest = rest[10:]
    return (f"WITH {'RECURSIVE ' if recursive else ''}{narrowed}, {rest}",
            (start, end) * 2)


def period_of(params):
    """(start, end) from a report run's query, or None when it names no period; a date
    that cannot be read is 400. A plain end date takes in the whole of that day."""
    start = _instant(params, "reportingperiodstartdate", "T00:00:00Z")
    end = _instant(params, "reportingperiodenddate", "T23:59:59Z")
    return None if start is None and end is None else (start, end)


def _instant(params, name, day_part):
    from datetime import datetime, timezone
    text = (params.get(name) or "").strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise error(400, f"{name} {text!r} is not an ISO 8601 date or date-time") from None
    if len(text) == 10:
        return text + day_part
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def load_report(sb, sql, period=None):
    """Halo's ReportContent for `sql`: its rows, or load_error saying why it failed."""
    rows, reason = run_sql(sb, sql, period)
    return {"loaded": reason is None, "load_error": reason or "", "rows": rows}
