"""halo reports run ID and halo sql: the requests sent and each row as one NDJSON line."""
import json
from urllib.parse import parse_qsl

import pytest

from conftest import api_requests, one_error_line
from fixedclock import clock_runner

ROWS = [{"Ticket": 1, "Summary": "a"}, {"Ticket": 2, "Summary": "b"}]


def test_reports_run_streams_rows_with_its_period(server, tmp_path):
    run = clock_runner(server, tmp_path)
    server.expect_request("/api/Report/42").respond_with_json(
        {"id": 42, "name": "Open tickets", "report": {"loaded": True, "rows": ROWS}})
    result = run("reports", "run", "42", "--from", "7d", "--to", "2026-11-30",
                 "--param", "reportingperiod=3")
    assert result.code == 0, result
    assert result.records == ROWS
    (sent,) = api_requests(server)
    assert sent.method == "GET"
    assert parse_qsl(sent.query_string.decode()) == [
        ("loadreport", "true"), ("reportingperiodstartdate", "2026-11-23T12:00:00Z"),
        ("reportingperiodenddate", "2026-11-30"), ("reportingperiod", "3")]


# The clock stands at Monday 2026-11-30 12:00 UTC.
@pytest.mark.parametrize("period,start,end", [
    ("today", "2026-11-30", "2026-11-30"),
    ("yesterday", "2026-11-29", "2026-11-29"),
    ("this-week", "2026-11-30", "2026-12-06"),
    ("last-week", "2026-11-23", "2026-11-29"),
    ("this-month", "2026-11-01", "2026-11-30"),
    ("last-month", "2026-10-01", "2026-10-31"),
    ("this-quarter", "2026-10-01", "2026-12-31"),
    ("last-quarter", "2026-07-01", "2026-09-30"),
    ("this-year", "2026-01-01", "2026-12-31"),
    ("last-year", "2025-01-01", "2025-12-31"),
])
def test_a_named_period_is_sent_as_its_first_and_last_moment(server, tmp_path, period,
                                                            start, end):
    run = clock_runner(server, tmp_path)
    server.expect_request("/api/Report/42").respond_with_json({"report": {"rows": ROWS}})
    result = run("reports", "run", "42", "--period", period)
    assert result.code == 0, result
    (sent,) = api_requests(server)
    assert parse_qsl(sent.query_string.decode()) == [
        ("loadreport", "true"), ("reportingperiodstartdate", start + "T00:00:00Z"),
        ("reportingperiodenddate", end + "T23:59:59Z")]


def test_the_periods_are_listed_in_help_and_refused_when_unknown(run, server):
    from halo_lib.resources import REPORT_PERIODS
    help_text = " ".join(run("reports", "run", "--help").out.decode().split())
    for name in REPORT_PERIODS:
        assert name in help_text
    line = one_error_line(run("reports", "run", "42", "--period", "3"), 2)
    assert "--period" in line and "last-month" in line
    line = one_error_line(run("reports", "run", "42", "--period", "today", "--from", "7d"),
                          2)
    assert "--period" in line and "--from" in line
    assert api_requests(server) == []


def test_reports_run_load_error_is_exit_1_with_halos_reason(run, server):
    server.expect_request("/api/Report/7").respond_with_json(
        {"id": 7, "report": {"loaded": False, "load_error": "Invalid column name 'x'.",
                             "rows": None}})
    line = one_error_line(run("reports", "run", "7"), 1)
    assert "Invalid column name 'x'." in line


def test_sql_posts_loadreportonly_and_streams_rows(run, server):
    server.expect_request("/api/Report", method="POST").respond_with_json(
        {"id": 0, "report": {"rows": ROWS}})
    result = run("sql", "SELECT faultid AS Ticket, symptom AS Summary FROM faults")
    assert result.code == 0, result
    assert result.records == ROWS
    (sent,) = api_requests(server)
    assert json.loads(sent.data) == [{"sql": "SELECT faultid AS Ticket, symptom AS Summary "
                                             "FROM faults", "_loadreportonly": True}]
    assert sent.headers["Content-Type"] == "application/json"


def test_sql_reads_stdin_and_file(run, server, tmp_path):
    server.expect_request("/api/Report", method="POST").respond_with_json(
        [{"report": {"rows": ROWS[:1]}}])
    query = tmp_path / "q.sql"
    query.write_text("SELECT 1 AS one\n")
    assert run("sql", "-", stdin=b"SELECT 2\n").records == ROWS[:1]
    assert run("sql", "@" + str(query)).records == ROWS[:1]
    sqls = [json.loads(r.data)[0]["sql"] for r in api_requests(server)]
    assert sqls == ["SELECT 2", "SELECT 1 AS one"]


def test_sql_query_with_a_query_and_raw(run, server):
    server.expect_request("/api/Report", method="POST").respond_with_json(
        {"report": {"rows": ROWS}})
    result = run("sql", "SELECT 1", "--query", "Summary", "-r")
    assert result.out == b"a\nb\n"


@pytest.mark.parametrize("argv, stdin", [(["sql", " "], b""), (["sql", "-"], b"\n")])
def test_empty_sql_is_refused_before_sending(run, server, argv, stdin):
    line = one_error_line(run(*argv, stdin=stdin), 2)
    assert "no SQL" in line
    assert api_requests(server) == []


def test_sql_load_error_and_permission_help(run, server):
    server.expect_request("/api/Report", method="POST").respond_with_json(
        {"report": {"load_error": "Incorrect syntax near 'SELEC'."}})
    line = one_error_line(run("sql", "SELEC 1"), 1)
    assert "Incorrect syntax near 'SELEC'." in line
    text = " ".join(run("sql", "--help").out.decode().split())
    assert "reporting permission" in text


def test_sql_dry_run_shows_the_post(run, server):
    (shown,) = run("--dry-run", "sql", "SELECT 1").records
    assert shown["method"] == "POST" and shown["url"].endswith("/api/Report")
    assert shown["body"] == [{"sql": "SELECT 1", "_loadreportonly": True}]
    assert api_requests(server) == []


# ---------------------------------------------------------------- a report is never re-run

REPORT_COMMANDS = [("reports", "run", "5"), ("sql", "SELECT faultid FROM faults")]


def _report_answers(server, handler):
    server.expect_request("/api/Report/5").respond_with_handler(handler)
    server.expect_request("/api/Report", method="POST").respond_with_handler(handler)


def _report_requests(server):
    return [r for r in api_requests(server) if r.path.startswith("/api/Report")]


@pytest.mark.parametrize("argv", REPORT_COMMANDS, ids=["reports-run", "sql"])
@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_report_answered_5xx_is_not_run_again(run, server, argv, status):
    """Halo's gateway answers 504 after about 60 s while the query may still run: a retry
    would run the same expensive query again."""
    from werkzeug import Response
    _report_answers(server, lambda request: Response("Gateway Time-out", status=status))
    result = run(*argv)
    line = one_error_line(result, 5)
    assert str(status) in line and "narrow" in line and "not run again" in line, line
    assert len(_report_requests(server)) == 1
    assert run.sleeps == []


@pytest.mark.parametrize("argv", REPORT_COMMANDS, ids=["reports-run", "sql"])
def test_a_report_that_times_out_is_not_run_again(run, server, argv):
    import time
    from werkzeug import Response

    calls = []

    def slow(request):
        calls.append(request.path)
        time.sleep(1.5)
        return Response(json.dumps({"report": {"rows": ROWS}}),
                        content_type="application/json")
    _report_answers(server, slow)
    line = one_error_line(run("--timeout", "0.5", *argv), 5)
    assert "narrow" in line, line
    time.sleep(0.3)                        # a retry, were there one, would be under way
    assert len(calls) == 1


def test_a_throttled_report_is_still_retried(run, server):
    """A 429 says Halo did not run it: waiting and asking again runs it once."""
    from werkzeug import Response
    answers = [Response("busy", status=429, headers={"Retry-After": "1"}),
               Response(json.dumps({"report": {"rows": ROWS}}),
                        content_type="application/json")]
    server.expect_request("/api/Report/5").respond_with_handler(lambda r: answers.pop(0))
    result = run("reports", "run", "5")
    assert (result.code, result.records) == (0, ROWS), result


# ---------------------------------------------------------------- the 50,000-row cap

@pytest.mark.parametrize("argv", REPORT_COMMANDS, ids=["reports-run", "sql"])
@pytest.mark.parametrize("count,warned", [(50000, True), (49999, False), (3, False)])
def test_a_result_of_exactly_50000_rows_warns_that_it_may_be_cut(run, server, argv, count,
                                                                 warned):
    rows = ",".join('{"faultid":%d}' % n for n in range(count))
    body = '{"report":{"loaded":true,"rows":[%s]}}' % rows
    from werkzeug import Response
    _report_answers(server, lambda request: Response(body, content_type="application/json"))
    result = run(*argv)
    assert result.code == 0, result
    assert len(result.lines) == count
    if warned:
        (line,) = result.err.splitlines()
        assert line.startswith("halo: warning: ") and "50000 rows" in line.replace(",", "")
        assert "WHERE" in line and "may be cut" in line
    else:
        assert result.err == ""
