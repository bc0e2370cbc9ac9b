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
    result = run("reports", "run", "42", "--period", "3", "--from", "7d",
                 "--to", "2026-11-30")
    assert result.code == 0, result
    assert result.records == ROWS
    (sent,) = api_requests(server)
    assert sent.method == "GET"
    assert parse_qsl(sent.query_string.decode()) == [
        ("loadreport", "true"), ("reportingperiod", "3"),
        ("reportingperiodstartdate", "2026-11-23T12:00:00Z"),
        ("reportingperiodenddate", "2026-11-30")]


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
