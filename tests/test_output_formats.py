"""Output for people and spreadsheets: -o table / csv / tsv, --fields, readable JSON on a
terminal, the default format per profile, --query before any format, and -o json of a
single answer as that answer."""
import csv
import io
import json
import unicodedata

import pytest

from conftest import api_requests, one_error_line
from test_request import paged

TICKETS = [
    {"id": 1, "summary": "Printer, 2nd floor", "status_name": "New", "client_name": "Acme",
     "agent_name": "Ann", "last_update": "2024-01-31T09:00:00", "budget": 12.5,
     "client": {"name": "Acme", "tags": ["vip", "eu"]},
     "customfields": [{"name": "CFRef", "value": "a1"}, {"name": "CFCost", "value": 3}]},
    {"id": 2, "summary": 'Says "hi"\nsecond line', "status_name": "Waiting on client",
     "client_name": "Café Ünïcode 東京", "agent_name": None,
     "last_update": "2024-02-01T10:30:00.123", "budget": 0,
     "client": {"name": "Café"}, "customfields": []},
    {"id": 3, "summary": "evil \x1b[31mred\x1b[0m\ttab\\", "status_name": "Closed",
     "client_name": "Bolt", "agent_name": "Bo", "last_update": "2024-03-01T00:00:00",
     "budget": None, "client": None},
]


@pytest.fixture
def tickets(server):
    server.expect_request("/api/Tickets").respond_with_handler(paged(TICKETS))
    server.expect_request("/api/Tickets/1").respond_with_json(TICKETS[0])
    return server


def ok(result):
    assert (result.code, result.err) == (0, ""), result
    return result.out


# ---------------------------------------------------------------- -o table

def test_table_shows_the_resource_default_columns_sized_to_the_terminal(run, tickets):
    out = ok(run("tickets", "list", "-o", "table", columns=200))
    assert out.decode() == (
        "ID  SUMMARY                         STATUS_NAME        CLIENT_NAME        "
        "AGENT_NAME  LAST_UPDATE\n"
        "1   Printer, 2nd floor              New                Acme               "
        "Ann         2024-01-31T09:00:00\n"
        '2   Says "hi"\\nsecond line          Waiting on client  Café Ünïcode 東京  '
        "            2024-02-01T10:30:00.123\n"
        "3   evil \\x1b[31mred\\x1b[0m\\ttab\\\\  Closed             Bolt               "
        "Bo          2024-03-01T00:00:00\n")


def test_table_cuts_long_cells_with_an_ellipsis_to_fit_a_narrow_terminal(run, tickets):
    out = ok(run("tickets", "list", "-o", "table", "--fields", "id,summary,client_name",
                 columns=30)).decode()
    assert out == ("ID  SUMMARY       CLIENT_NAME\n"
                   "1   Printer, 2n…  Acme\n"
                   '2   Says "hi"\\n…  Café Ünïcod…\n'
                   "3   evil \\x1b[3…  Bolt\n")
    assert all(len(line) <= 30 for line in out.splitlines())


def test_table_widths_are_fixed_by_the_first_page(run, tickets):
    """Page 1 (two records) sizes the columns; the third record's cell is cut to fit."""
    out = ok(run("tickets", "list", "-o", "table", "--page-size", "2", "--fields",
                 "id,status_name", columns=200)).decode()
    assert out == ("ID  STATUS_NAME\n"
                   "1   New\n"
                   "2   Waiting on client\n"
                   "3   Closed\n")
    out = ok(run("tickets", "list", "-o", "table", "--page-size", "1", "--fields",
                 "id,status_name", columns=200)).decode()
    assert out == ("ID  STATUS_NAME\n"
                   "1   New\n"
                   "2   Waiting on…\n"
                   "3   Closed\n")


def test_table_never_cuts_a_number_sized_on_an_earlier_page(run, server):
    """Ids grow as a list goes on: a later id wider than page 1's column overflows it."""
    records = [{"id": i, "summary": "s"} for i in (7, 8, 1002)]
    server.expect_request("/api/Tickets").respond_with_handler(paged(records))
    out = ok(run("tickets", "list", "-o", "table", "--page-size", "2", "--fields",
                 "id,summary", columns=40)).decode()
    assert out.splitlines() == ["ID  SUMMARY", "7   s", "8   s", "1002  s"]


def test_table_on_a_pipe_without_columns_cuts_no_later_cell(run, server):
    records = [{"id": 1, "summary": "short"}, {"id": 2, "summary": "a much longer summary"}]
    server.expect_request("/api/Tickets").respond_with_handler(paged(records))
    out = ok(run("tickets", "list", "-o", "table", "--page-size", "1", "--fields",
                 "summary,id")).decode()
    assert out.splitlines() == ["SUMMARY  ID", "short    1", "a much longer summary  2"]


def test_table_fields_reach_into_nested_objects_and_lists(run, tickets):
    out = ok(run("tickets", "list", "-o", "table", "--fields",
                 "id,client.name,client.tags.1,customfields[0].value,customfields.name",
                 columns=200)).decode()
    assert out == (
        "ID  CLIENT.NAME  CLIENT.TAGS.1  CUSTOMFIELDS[0].VALUE  CUSTOMFIELDS.NAME\n"
        '1   Acme         eu             a1                     ["CFRef","CFCost"]\n'
        "2   Café                                               []\n"
        "3\n")


def test_table_on_a_pipe_without_columns_is_not_cut(run, tickets):
    """Terminal width comes from the injected streams: no terminal, no COLUMNS, no limit."""
    out = ok(run("tickets", "list", "-o", "table", "--fields", "id,summary")).decode()
    assert "Printer, 2nd floor" in out and "…" not in out
    out = ok(run("tickets", "list", "-o", "table", "--fields", "id,summary",
                 env={"COLUMNS": "16"})).decode()
    assert out.splitlines()[1] == "1   Printer, 2n…"


def test_table_of_one_answer_and_of_a_query(run, tickets):
    out = ok(run("tickets", "get", "1", "-o", "table", "--fields", "id,summary", columns=80))
    assert out == b"ID  SUMMARY\n1   Printer, 2nd floor\n"
    out = ok(run("tickets", "list", "-o", "table", "--query", "{n: id, who: agent_name}",
                 columns=80))
    assert out == b"N  WHO\n1  Ann\n2\n3  Bo\n"


# ---------------------------------------------------------------- -o csv, -o tsv

def test_csv_is_rfc_4180_with_the_default_header(run, tickets):
    out = ok(run("tickets", "list", "-o", "csv"))
    assert out == (
        b"id,summary,status_name,client_name,agent_name,last_update\r\n"
        b"1,\"Printer, 2nd floor\",New,Acme,Ann,2024-01-31T09:00:00\r\n"
        b"2,\"Says \"\"hi\"\"\nsecond line\",Waiting on client,"
        + "Café Ünïcode 東京".encode() + b",,2024-02-01T10:30:00.123\r\n"
        b"3,evil \x1b[31mred\x1b[0m\ttab\\,Closed,Bolt,Bo,2024-03-01T00:00:00\r\n")


def test_csv_reads_back_exactly_with_pythons_csv_module(run, tickets):
    fields = "id,summary,client_name,budget,client,customfields.value"
    out = ok(run("tickets", "list", "-o", "csv", "--fields", fields))
    rows = list(csv.reader(io.StringIO(out.decode("utf-8"), newline="")))
    assert rows[0] == fields.split(",")
    assert rows[1:] == [
        ["1", "Printer, 2nd floor", "Acme", "12.5",
         '{"name":"Acme","tags":["vip","eu"]}', '["a1",3]'],
        ["2", 'Says "hi"\nsecond line', "Café Ünïcode 東京", "0", '{"name":"Café"}', "[]"],
        ["3", "evil \x1b[31mred\x1b[0m\ttab\\", "Bolt", "", "", ""]]


def test_tsv_escapes_tabs_newlines_and_backslashes(run, tickets):
    out = ok(run("tickets", "list", "-o", "tsv", "--fields", "id,summary,agent_name"))
    assert out == (b"id\tsummary\tagent_name\n"
                   b"1\tPrinter, 2nd floor\tAnn\n"
                   b'2\tSays "hi"\\nsecond line\t\n'
                   b"3\tevil \x1b[31mred\x1b[0m\\ttab\\\\\tBo\n")


def test_csv_of_an_empty_list_is_its_header(run, server):
    server.expect_request("/api/Tickets").respond_with_json({"record_count": 0, "tickets": []})
    assert ok(run("tickets", "list", "-o", "csv")) == \
        b"id,summary,status_name,client_name,agent_name,last_update\r\n"
    assert ok(run("tickets", "list", "-o", "table")) == b""


# ---------------------------------------------------------------- --fields with NDJSON

def test_fields_with_ndjson_keep_only_those_in_the_given_order(run, tickets):
    result = run("tickets", "list", "--fields", "status_name,id,client.name,nothing")
    assert result.out == (b'{"status_name":"New","id":1,"client.name":"Acme","nothing":null}\n'
                          b'{"status_name":"Waiting on client","id":2,"client.name":"Caf\xc3'
                          b'\xa9","nothing":null}\n'
                          b'{"status_name":"Closed","id":3,"client.name":null,"nothing":null}\n')
    assert result.err.startswith("halo: warning: --fields 'nothing' was null in all 3 ")


def test_invalid_fields_is_exit_2_with_nothing_sent(run, server):
    line = one_error_line(run("tickets", "list", "--fields", "id,,summary"), 2)
    assert "--fields" in line
    assert api_requests(server) == []


# ---------------------------------------------------------------- -o json

def test_json_on_a_pipe_is_unchanged_compact_bytes(run, tickets):
    out = ok(run("tickets", "get", "1", "-o", "json"))
    assert out == json.dumps(TICKETS[0], separators=(",", ":"), ensure_ascii=False).encode() \
        + b"\n"
    assert b"\033" not in ok(run("tickets", "list", "-o", "json", env={"TERM": "xterm"}))


def test_json_of_a_paged_list_on_a_pipe_is_the_same_array_bytes(run, tickets):
    whole = json.dumps(TICKETS, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
    assert ok(run("tickets", "list", "-o", "json", "--page-size", "1")) == whole
    assert ok(run("tickets", "list", "-o", "json", "--page-size", "2", "--fields",
                  "id,agent_name")) == \
        b'[{"id":1,"agent_name":"Ann"},{"id":2,"agent_name":null},{"id":3,"agent_name":"Bo"}]\n'


def test_json_on_a_terminal_is_indented_and_coloured(run, tickets):
    out = ok(run("tickets", "get", "1", "-o", "json", "--fields", "id,summary,client",
                 stdout_tty=True))
    assert out == (
        b'\x1b[1;39m{\x1b[0m\n'
        b'  \x1b[34;1m"id"\x1b[0m\x1b[1;39m:\x1b[0m \x1b[0m1\x1b[0m\x1b[1;39m,\x1b[0m\n'
        b'  \x1b[34;1m"summary"\x1b[0m\x1b[1;39m:\x1b[0m \x1b[32m"Printer, 2nd floor"\x1b[0m'
        b'\x1b[1;39m,\x1b[0m\n'
        b'  \x1b[34;1m"client"\x1b[0m\x1b[1;39m:\x1b[0m \x1b[1;39m{\x1b[0m\n'
        b'    \x1b[34;1m"name"\x1b[0m\x1b[1;39m:\x1b[0m \x1b[32m"Acme"\x1b[0m\x1b[1;39m,\x1b[0m\n'
        b'    \x1b[34;1m"tags"\x1b[0m\x1b[1;39m:\x1b[0m \x1b[1;39m[\x1b[0m\n'
        b'      \x1b[32m"vip"\x1b[0m\x1b[1;39m,\x1b[0m\n'
        b'      \x1b[32m"eu"\x1b[0m\n'
        b'    \x1b[1;39m]\x1b[0m\n'
        b'  \x1b[1;39m}\x1b[0m\n'
        b'\x1b[1;39m}\x1b[0m\n')


@pytest.mark.parametrize("how", [dict(env={"NO_COLOR": "1"}), dict(argv=["--no-color"])])
def test_no_color_or_the_flag_turn_colour_off(run, tickets, how):
    out = ok(run("tickets", "get", "1", "-o", "json", *how.get("argv", []), stdout_tty=True,
                 env=how.get("env")))
    assert b"\033" not in out
    assert out == json.dumps(TICKETS[0], indent=2, ensure_ascii=False).encode() + b"\n"


def test_json_of_one_answer_is_that_object(run, tickets, server):
    assert json.loads(ok(run("tickets", "get", "1", "-o", "json")))["summary"] == \
        "Printer, 2nd floor"
    server.expect_request("/api/Agent/me").respond_with_json({"id": 7, "name": "Me"})
    assert ok(run("agents", "me", "-o", "json")) == b'{"id":7,"name":"Me"}\n'
    assert ok(run("request", "GET", "/Tickets/1", "-o", "json", "--query", "id")) == b"1\n"


def test_json_of_a_create_of_one_object_is_the_object_and_of_many_an_array(run, server):
    def echo(request):
        from werkzeug import Response
        body = json.loads(request.data)
        return Response(json.dumps([dict(r, id=i) for i, r in enumerate(body, 10)]
                                   if len(body) > 1 else dict(body[0], id=10)),
                        content_type="application/json")
    server.expect_request("/api/Tickets", method="POST").respond_with_handler(echo)
    assert ok(run("tickets", "create", "--summary", "x", "-o", "json")) == \
        b'{"summary":"x","id":10}\n'
    assert ok(run("tickets", "create", '{"summary":"y"}', "-o", "json")) == \
        b'{"summary":"y","id":10}\n'
    assert ok(run("tickets", "create", '[{"summary":"y"}]', "-o", "json")) == \
        b'[{"summary":"y","id":10}]\n'
    assert ok(run("tickets", "create", "-", "-o", "json",
                  stdin=b'{"summary":"a"}\n{"summary":"b"}\n')) == \
        b'[{"summary":"a","id":10},{"summary":"b","id":11}]\n'
    assert ok(run("tickets", "update", "5", "--summary", "z", "-o", "json")) == \
        b'{"summary":"z","id":10}\n'


def test_json_of_a_delete_is_an_array(run, server):
    server.expect_request("/api/Tickets/4", method="DELETE").respond_with_data("")
    assert ok(run("tickets", "delete", "4", "-o", "json")) == b'[{"id":4,"deleted":true}]\n'


def test_json_of_get_with_many_ids_or_ids_on_stdin_is_an_array(run, tickets, server):
    server.expect_request("/api/Tickets/2").respond_with_json(TICKETS[1])
    out = ok(run("tickets", "get", "1", "2", "-o", "json", "--fields", "id"))
    assert out == b'[{"id":1},{"id":2}]\n'
    assert ok(run("tickets", "get", "-", "-o", "json", "--fields", "id", stdin=b"1\n")) == \
        b'[{"id":1}]\n'
    assert ok(run("tickets", "get", "1", "-o", "json", "--fields", "id")) == b'{"id":1}\n'


def test_json_of_an_upload_is_the_attachment_record(run, server, tmp_path):
    server.expect_request("/api/Attachment", method="POST").respond_with_json(
        [{"id": 55, "filename": "a.txt"}])
    (tmp_path / "a.txt").write_text("hello")
    assert ok(run("attachments", "upload", str(tmp_path / "a.txt"), "--ticket-id", "1",
                  "-o", "json")) == b'{"id":55,"filename":"a.txt"}\n'


def test_dry_run_prints_only_the_request_lines(run, server):
    for fmt in ("json", "table", "csv", "tsv", "ndjson"):
        out = ok(run("--dry-run", "-o", fmt, "tickets", "delete", "1"))
        assert out.count(b"\n") == 1 and json.loads(out)["method"] == "DELETE", (fmt, out)
    assert api_requests(server) == []


# ---------------------------------------------------------------- --query before the format

def test_query_with_json_applies_to_the_whole_array(run, tickets):
    assert ok(run("tickets", "list", "-o", "json", "--query", "length(@)")) == b"3\n"
    out = ok(run("tickets", "list", "-o", "json", "--query",
                 "reverse(sort_by(@, &id))[].id"))
    assert out == b"[3,2,1]\n"
    assert ok(run("tickets", "list", "--query", "id")) == b"1\n2\n3\n"


def test_query_null_for_every_record_warns_and_exits_0(run, tickets):
    result = run("tickets", "list", "--query", "Summary")
    assert (result.code, result.out) == (0, b"")
    assert result.err.startswith("halo: warning: --query 'Summary' gave null for all 3 ")
    assert len(result.err.splitlines()) == 1
    result = run("tickets", "list", "-o", "json", "--query", "nope")
    assert (result.code, result.out) == (0, b"")
    assert "gave null for the array of 3 record(s)" in result.err
    assert run("tickets", "list", "--query", "agent_name").err == ""


@pytest.mark.parametrize("fmt", ["ndjson", "json", "csv", "tsv", "table"])
def test_fields_null_in_every_record_warn_once_and_exit_0(run, tickets, fmt):
    """A misspelt or absent --fields path writes an empty column: say so, as --query does."""
    result = run("tickets", "list", "-o", fmt, "--fields", "id,Summary,client.nope,summary")
    assert result.code == 0 and result.out, result
    (line,) = result.err.splitlines()
    assert line.startswith("halo: warning: --fields 'Summary', 'client.nope' were null in "
                           "all 3 record(s)"), line
    assert "case-sensitive" in line


def test_fields_null_in_only_some_records_do_not_warn(run, tickets):
    for fmt in ("ndjson", "json", "csv"):
        result = run("tickets", "list", "-o", fmt, "--fields", "id,agent_name,budget,"
                     "client.name,customfields.0.value")
        assert (result.code, result.err) == (0, ""), result


def test_fields_of_one_record_and_of_an_empty_list(run, tickets, server):
    result = run("tickets", "get", "1", "--fields", "id,nope")
    assert result.err.startswith("halo: warning: --fields 'nope' was null in all 1 record"), \
        result
    server.expect_request("/api/Client").respond_with_handler(paged([]))
    result = run("clients", "list", "--fields", "nope")
    assert (result.code, result.err) == (0, ""), result


def test_query_runs_before_csv(run, tickets):
    out = ok(run("tickets", "list", "-o", "csv", "--query", "{id: id, client: client.name}"))
    assert out == b"id,client\r\n1,Acme\r\n2,Caf\xc3\xa9\r\n3,\r\n"


# ---------------------------------------------------------------- default format

def test_default_format_from_profile_then_env_then_flag(run, tickets, tmp_path):
    config = tmp_path / "config" / "halo"
    config.mkdir(parents=True)
    (config / "config").write_text("[default]\noutput = csv\n[profile work]\noutput = tsv\n")
    args = ("tickets", "list", "--fields", "id")
    assert ok(run(*args)) == b"id\r\n1\r\n2\r\n3\r\n"
    assert ok(run("--profile", "work", *args)) == b"id\n1\n2\n3\n"
    assert ok(run(*args, env={"HALO_OUTPUT": "ndjson"})) == b'{"id":1}\n{"id":2}\n{"id":3}\n'
    assert ok(run(*args, "-o", "ndjson", env={"HALO_OUTPUT": "tsv"})) == \
        b'{"id":1}\n{"id":2}\n{"id":3}\n'


def test_an_unknown_default_format_is_exit_3_with_nothing_sent(run, server):
    line = one_error_line(run("tickets", "list", env={"HALO_OUTPUT": "yaml"}), 3)
    assert "HALO_OUTPUT" in line and "'yaml'" in line
    assert api_requests(server) == []


def test_table_with_more_columns_than_fit_cuts_each_line_at_the_terminal(run, tickets):
    out = ok(run("tickets", "list", "-o", "table", columns=20)).decode()
    assert out.splitlines() == ["ID  SUMMARY  STATUS…", "1   Printe…  New   …",
                                '2   Says "…  Waitin…', "3   evil \\…  Closed…"]


# ---------------------------------------------------------------- any text, read back

from hypothesis import given, settings, strategies as st  # noqa: E402

from halo_lib.io.fields import parse_fields  # noqa: E402
from halo_lib.io.formats import Delimited  # noqa: E402
from halo_lib.io.table import Table, width  # noqa: E402

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=5))
def test_any_text_reads_back_from_csv_and_tsv(rows):
    records = [{"a": a, "b": b} for a, b in rows]
    columns = parse_fields("a,b")
    out = Delimited(columns).page(records).decode("utf-8")
    assert list(csv.reader(io.StringIO(out, newline=""))) == [["a", "b"], *map(list, rows)]
    lines = Delimited(columns, tab=True).page(records).decode("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) == len(rows) + 2
    unescape = {"\\t": "\t", "\\n": "\n", "\\r": "\r", "\\\\": "\\"}
    import re
    back = [[re.sub(r"\\[tnr\\]", lambda m: unescape[m.group(0)], cell)
             for cell in line.split("\t")] for line in lines[1:-1]]
    assert back == [list(row) for row in rows]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=5), st.integers(8, 60))
def test_any_text_gives_table_lines_within_the_terminal_without_control_characters(rows,
                                                                                     cols):
    records = [{"a": a, "b": b} for a, b in rows]
    out = Table(parse_fields("a,b"), cols).page(records).decode("utf-8")
    lines = out.split("\n")
    assert lines[-1] == "" and len(lines) == len(rows) + 2
    for line in lines[:-1]:
        assert width(line) <= cols
        assert not any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") or
                       "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069"
                       for ch in line), repr(line)


def test_table_and_csv_of_an_empty_answer_to_request(run, server):
    server.expect_request("/api/Status").respond_with_json([])
    assert ok(run("request", "GET", "/Status", "-o", "table")) == b""
    assert ok(run("request", "GET", "/Status", "-o", "csv")) == b""


def _csv_into(target, *argv):
    import subprocess
    import sys
    from conftest import ROOT
    command = [sys.executable, str(ROOT / "halo.py"), "--sandbox", "-o", "csv", *argv]
    return subprocess.run(command, stdout=target, stderr=subprocess.PIPE, timeout=60)


def test_csv_saved_to_a_new_file_starts_with_a_bom_for_excel(tmp_path):
    """Excel reads a CSV file as UTF-8 only behind a byte-order mark; pipes never get one,
    and neither does a file appended to."""
    path = tmp_path / "clients.csv"
    with open(path, "wb") as target:
        assert _csv_into(target, "clients", "list", "--limit", "2").returncode == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "id" and len(rows) == 3
    with open(path, "ab") as target:
        assert _csv_into(target, "clients", "list", "--limit", "1").returncode == 0
    assert path.read_bytes().count(b"\xef\xbb\xbf") == 1
    import subprocess
    piped = _csv_into(subprocess.PIPE, "clients", "list", "--limit", "1")
    assert piped.returncode == 0 and piped.stdout.startswith(b"id,")
