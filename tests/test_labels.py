"""Labels beside ids: `status_name` beside `status_id` in -o table, csv and tsv by default
and with --labels anywhere; NDJSON and JSON stay what Halo sent unless asked; at most one
request per reference list per cache period, counted here on the stand-in server."""
import csv
import io
import json

import pytest

from conftest import api_requests, one_error_line
from test_names import PRIORITIES, STATUSES
from test_request import paged
from test_sandbox_cli import halo, sandbox  # noqa: F401  (fixtures)

TICKETS = [
    {"id": 1, "summary": "printer", "status_id": 9, "priority_id": 2, "client_id": 12,
     "client_name": "Acme Corp", "agent_id": 7},
    {"id": 2, "summary": "vpn", "status_id": 1, "priority_id": 4, "client_id": 12,
     "client_name": "Acme Corp", "agent_id": 0},
    {"id": 3, "summary": "wifi", "status_id": 99, "priority_id": 2, "client_id": 13,
     "client_name": "Acme Ltd", "status_name": "Halo's own", "agent_id": 7},
]
AGENTS = [{"id": 7, "name": "Ann Agent", "email": "ann@example.com"}]


@pytest.fixture
def halo_api(server):
    server.expect_request("/api/Tickets").respond_with_handler(paged(TICKETS))
    server.expect_request("/api/Tickets/1").respond_with_json(TICKETS[0])
    server.expect_request("/api/Status").respond_with_json(STATUSES)
    server.expect_request("/api/Priority").respond_with_json(PRIORITIES)
    server.expect_request("/api/Agent").respond_with_json(AGENTS)
    return server


def lists_read(server):
    """{path: requests} of everything but the tickets themselves."""
    found = {}
    for request in api_requests(server):
        if not request.path.startswith("/api/Tickets"):
            found[request.path] = found.get(request.path, 0) + 1
    return found


def ok(result):
    assert (result.code, result.err) == (0, ""), result
    return result.out.decode()


def test_a_table_shows_names_by_default_reading_only_the_lists_it_shows(run, halo_api):
    out = ok(run("tickets", "list", "-o", "table", "--page-size", "1", columns=200))
    assert out.splitlines() == [
        "ID  SUMMARY  STATUS_NAME  CLIENT_NAME  AGENT_NAME  LAST_UPDATE",
        "1   printer  Closed       Acme Corp    Ann Agent",
        "2   vpn      New          Acme Corp",
        "3   wifi     Halo's own   Acme Ltd     Ann Agent"]
    # Three pages, one request per list shown; priorities are not a column: not read.
    assert lists_read(halo_api) == {"/api/Status": 1, "/api/Agent": 1}


def test_csv_and_tsv_label_the_fields_asked_for_and_unknown_ids_stay_bare(run, halo_api):
    out = ok(run("tickets", "list", "-o", "csv", "--fields",
                 "id,status_id,status_name,priority_name"))
    assert list(csv.reader(io.StringIO(out))) == [
        ["id", "status_id", "status_name", "priority_name"],
        ["1", "9", "Closed", "High"], ["2", "1", "New", "Low"],
        ["3", "99", "Halo's own", "High"]]
    # Only the lists of the columns shown: agents are not one here.
    assert lists_read(halo_api) == {"/api/Status": 1, "/api/Priority": 1}
    ok(run("tickets", "list", "-o", "tsv", "--fields", "id,priority_name"))
    assert lists_read(halo_api) == {"/api/Status": 1, "/api/Priority": 1}   # cached


def test_no_labels_leaves_a_table_as_halo_sent_it_with_no_request(run, halo_api):
    out = ok(run("tickets", "list", "-o", "csv", "--no-labels", "--fields",
                 "id,status_name"))
    assert out.split("\r\n")[1:4] == ["1,", "2,", "3,Halo's own"]
    assert lists_read(halo_api) == {}


def test_ndjson_and_json_are_what_halo_sent_without_labels(run, halo_api):
    assert [json.loads(line) for line in ok(run("tickets", "list")).splitlines()] == TICKETS
    assert json.loads(ok(run("-o", "json", "tickets", "list"))) == TICKETS
    assert lists_read(halo_api) == {}


def test_labels_in_ndjson_sit_beside_their_ids_and_never_replace_halos(run, halo_api):
    records = [json.loads(line)
               for line in ok(run("--labels", "tickets", "list")).splitlines()]
    assert list(records[0]) == ["id", "summary", "status_id", "status_name", "priority_id",
                                "priority_name", "client_id", "client_name", "agent_id",
                                "agent_name"]
    assert records[0]["status_name"] == "Closed" and records[0]["priority_name"] == "High"
    assert records[1]["agent_id"] == 0 and "agent_name" not in records[1]
    assert records[2]["status_id"] == 99 and records[2]["status_name"] == "Halo's own"
    for labelled, sent in zip(records, TICKETS):
        assert {k: labelled[k] for k in sent} == sent      # nothing Halo sent changed
    assert lists_read(halo_api) == {"/api/Status": 1, "/api/Priority": 1, "/api/Agent": 1}


def test_labels_on_a_single_record(run, halo_api):
    doc = json.loads(ok(run("-o", "json", "--labels", "tickets", "get", "1")))
    assert doc["status_name"] == "Closed" and doc["agent_name"] == "Ann Agent"


def test_labels_and_no_labels_together_are_exit_2(run, halo_api):
    one_error_line(run("--labels", "--no-labels", "tickets", "list"), 2)
    assert api_requests(halo_api) == []


def test_a_list_that_cannot_be_read_leaves_the_ids_bare_without_an_error(run, server):
    server.expect_request("/api/Tickets").respond_with_handler(paged(TICKETS))
    server.expect_request("/api/Status").respond_with_json({"message": "no"}, status=403)
    out = ok(run("tickets", "list", "-o", "csv", "--fields", "id,status_name"))
    assert out.split("\r\n")[1:4] == ["1,", "2,", "3,Halo's own"]


def test_the_sandbox_labels_the_ids_its_records_carry_bare(halo):  # noqa: F811
    rehearse = halo
    out = ok(rehearse("contracts", "list", "--limit", "3", "-o", "csv", "--fields",
                      "id,sla_id,sla_name"))
    slas = {s["id"]: s["name"] for s in json.loads(ok(rehearse("slas", "list", "-o", "json")))}
    rows = list(csv.reader(io.StringIO(out)))[1:]
    assert rows and all(name == slas[int(sla)] for _, sla, name in rows)


def test_a_bad_lookup_lifetime_is_exit_3_when_labels_need_a_list(run, halo_api):
    line = one_error_line(run("tickets", "list", "-o", "table",
                              env={"HALO_LOOKUP_TTL": "-5m"}), 3)
    assert "HALO_LOOKUP_TTL" in line
