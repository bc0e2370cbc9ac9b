"""Records the sandbox keeps consistent, include flags, groups outside the table, report
rows and ad-hoc SQL: all seen over HTTP."""

import pytest

from halo_lib.sandbox import Sandbox
from test_sandbox_server import Api


@pytest.fixture()
def api():
    with Sandbox(records=200, seed=2) as sandbox:
        client = Api(sandbox)
        yield client
        client.close()


def post(api, path, *records):
    status, _, answer = api.call("POST", path, list(records))
    return status, answer


# ---- derived fields follow their ids ----------------------------------------------------

def test_names_follow_ids_when_a_ticket_is_updated(api):
    status, saved = post(api, "/api/Tickets", {"id": 5, "status_id": 9, "agent_id": 2,
                                                "client_id": 3, "priority_id": 1,
                                                "site_id": 5, "user_id": 13})
    assert status == 200
    assert saved["status_name"] == api.get("/api/Status/9")["name"] == "Closed"
    assert saved["agent_name"] == api.get("/api/Agent/2")["name"]
    assert saved["client_name"] == api.get("/api/Client/3")["name"]
    assert saved["site_name"] == api.get("/api/Site/5")["name"]
    assert saved["user_name"] == api.get("/api/Users/13")["name"]
    assert saved["priority_name"] == "Critical"
    assert api.get("/api/Tickets/5") == saved


def test_names_follow_ids_when_a_ticket_is_created(api):
    status, saved = post(api, "/api/Tickets", {"summary": "new", "client_id": 4,
                                                "agent_id": 3, "status_id": 2})
    assert status == 200
    assert saved["client_name"] == api.get("/api/Client/4")["name"]
    assert saved["agent_name"] == api.get("/api/Agent/3")["name"]
    assert saved["status_name"] == "In Progress"


def test_a_renamed_status_names_tickets_moved_into_it_afterwards(api):
    assert post(api, "/api/Status", {"id": 3, "name": "Needs a call"})[0] == 200
    assert post(api, "/api/Tickets", {"id": 8, "status_id": 3})[1]["status_name"] == \
        "Needs a call"


# ---- children of missing parents are refused -------------------------------------------

@pytest.mark.parametrize("path,record", [
    ("/api/Actions", {"ticket_id": 999999, "note": "lost"}),
    ("/api/Actions", {"note": "no ticket at all"}),
    ("/api/Attachment", {"ticket_id": 999999, "filename": "a.txt", "data_base64": "aGk="}),
    ("/api/Attachment/GetS3PresignedURL", {"ticket_id": 999999, "filename": "big.bin"}),
], ids=["action", "action-without-ticket", "attachment", "presigned-upload"])
def test_a_child_of_a_missing_ticket_is_refused_and_nothing_is_saved(api, path, record):
    before = api.get("/api/Attachment", count=100000)
    status, answer = post(api, path, record)
    assert status == 400 and "ticket" in answer["message"]
    assert api.get("/api/Attachment", count=100000) == before


def test_a_child_of_a_ticket_created_in_the_sandbox_is_accepted(api):
    ticket = post(api, "/api/Tickets", {"summary": "parent"})[1]
    status, action = post(api, "/api/Actions", {"ticket_id": ticket["id"], "note": "hi"})
    assert status == 200 and action["ticket_id"] == ticket["id"]


# ---- include flags -------------------------------------------------------------------

def test_includelastaction_adds_the_tickets_last_action(api):
    actions = api.get("/api/Actions", ticket_id="6")["actions"]
    ticket = api.get("/api/Tickets/6", includelastaction="true")
    assert ticket["lastaction"] == actions[-1]
    assert "lastaction" not in api.get("/api/Tickets/6")
    new = post(api, "/api/Actions", {"ticket_id": 6, "note": "latest"})[1]
    assert api.get("/api/Tickets/6", includelastaction="true")["lastaction"] == new


def test_includelastaction_on_a_list_adds_it_only_for_a_single_ticket(api):
    one = api.get("/api/Tickets", includelastaction="true", count="1")["tickets"]
    assert one[0]["lastaction"]["ticket_id"] == one[0]["id"]
    many = api.get("/api/Tickets", includelastaction="true", count="3")["tickets"]
    assert all("lastaction" not in t for t in many)


def test_includedetails_adds_the_linked_objects(api):
    ticket = api.get("/api/Tickets/9", includedetails="true")
    assert ticket["client"] == {"id": ticket["client_id"], "name": ticket["client_name"]}
    assert ticket["agent"] == {"id": ticket["agent_id"], "name": ticket["agent_name"]}
    assert "client" not in api.get("/api/Tickets/9")


def test_loadreport_adds_the_reports_rows(api):
    report = api.get("/api/Report/1", loadreport="true")
    content = report["report"]
    assert content["loaded"] is True and content["load_error"] == ""
    tickets = api.get("/api/Tickets", open_only="true")["tickets"]
    per_agent = {}
    for t in tickets:
        per_agent[t["agent_name"]] = per_agent.get(t["agent_name"], 0) + 1
    assert {r["agent_name"]: r["open_tickets"] for r in content["rows"]} == per_agent
    assert "report" not in api.get("/api/Report/1")


def test_a_report_that_cannot_load_says_why_in_load_error(api):
    failing = [r for r in api.get("/api/Report")["reports"] if "invoices" in r["sql"]]
    content = api.get(f"/api/Report/{failing[0]['id']}", loadreport="true")["report"]
    assert content["loaded"] is False and content["rows"] == []
    assert "no such table: invoices" in content["load_error"]


# ---- ad-hoc SQL ----------------------------------------------------------------------

def test_post_report_loadreportonly_runs_a_select_over_the_tickets(api):
    post(api, "/api/Tickets", {"id": 3, "summary": "Edited for the SQL test"})
    sql = "SELECT id, summary FROM tickets WHERE id IN (2, 3) ORDER BY id"
    status, answer = post(api, "/api/Report", {"sql": sql, "_loadreportonly": True})
    assert status == 200
    assert answer["report"]["rows"] == [
        {"id": 2, "summary": api.get("/api/Tickets/2")["summary"]},
        {"id": 3, "summary": "Edited for the SQL test"}]
    assert all(r.get("sql") != sql for r in api.get("/api/Report")["reports"])   # not saved


def test_post_report_loadreportonly_reports_bad_sql_and_refuses_writes(api):
    for sql in ("SELECT nosuchcolumn FROM tickets", "DELETE FROM tickets",
                "SELECT 1; DROP TABLE tickets"):
        status, answer = post(api, "/api/Report", {"sql": sql, "_loadreportonly": True})
        assert status == 200 and answer["report"]["load_error"], sql
    assert api.get("/api/Tickets", count="1")["record_count"] == 1


# ---- custom fields -------------------------------------------------------------------

def test_customfields_are_kept_on_create_and_update(api):
    cf = [{"name": "CFRef", "value": "abc"}]
    created = post(api, "/api/Client", {"name": "With fields", "customfields": cf})[1]
    assert api.get(f"/api/Client/{created['id']}")["customfields"] == cf
    cf2 = [{"name": "CFRef", "value": "xyz"}]
    post(api, "/api/Tickets", {"id": 4, "customfields": cf2})
    assert api.get("/api/Tickets/4")["customfields"] == cf2


# ---- groups outside the table --------------------------------------------------------

def test_a_group_outside_the_table_is_a_generic_collection(api):
    status, _, answer = api.call("GET", "/api/Lead")
    assert status == 200 and answer == {"record_count": 0, "lead": []}
    created = post(api, "/api/Lead", *[{"name": f"lead {n}"} for n in range(1, 8)])[1]
    assert [c["id"] for c in created] == list(range(1, 8))
    page = api.get("/api/Lead", pageinate="true", page_size="3", page_no="3")
    assert page["record_count"] == 7 and [r["name"] for r in page["lead"]] == ["lead 7"]
    assert post(api, "/api/Lead", {"id": 2, "name": "renamed"})[1]["name"] == "renamed"
    assert api.get("/api/Lead/2") == {"id": 2, "name": "renamed"}
    assert api.call("DELETE", "/api/Lead/2")[0] == 200
    assert api.call("GET", "/api/Lead/2")[0] == 404
    assert api.call("POST", "/api/Lead", [{"id": 99, "name": "x"}])[0] == 404
    assert api.call("PUT", "/api/Lead")[0] == 405
    assert api.get("/api/Lead", search="lead 3")["lead"] == [{"id": 3, "name": "lead 3"}]


def test_filters_see_updated_deleted_and_created_tickets(api):
    def closed_ids():
        return [t["id"] for t in api.get("/api/Tickets", status_id="9")["tickets"]]
    everything = api.get("/api/Tickets")["tickets"]
    open_one = next(t["id"] for t in everything if t["status_id"] != 9)
    closed_one = next(t["id"] for t in everything if t["status_id"] == 9)
    before = closed_ids()
    post(api, "/api/Tickets", {"id": open_one, "status_id": 9})
    assert api.call("DELETE", f"/api/Tickets/{closed_one}")[0] == 200
    new = post(api, "/api/Tickets", {"summary": "closed at once", "status_id": 9})[1]
    after = closed_ids()
    assert after == sorted(set(before) - {closed_one} | {open_one}) + [new["id"]]
    post(api, "/api/Tickets", {"id": open_one, "status_id": 1})
    assert open_one not in closed_ids()


# ---- Halo's report quirks: periods applied, rows capped at 50,000 ----------------------

def _report_rows(api, report_id, **params):
    doc = api.get(f"/api/Report/{report_id}", loadreport="true", **params)
    assert doc["report"]["load_error"] == "", doc
    return doc["report"]["rows"]


def _new_report(api, sql):
    status, saved = post(api, "/api/Report", {"name": "dates", "sql": sql})
    assert status == 200, saved
    return saved["id"]


def test_a_report_period_keeps_the_tickets_opened_in_it(api):
    report = _new_report(api, "SELECT faultid, dateoccured FROM faults")
    every = _report_rows(api, report)
    dates = sorted(row["dateoccured"] for row in every)
    start, end = dates[len(dates) // 4], dates[len(dates) // 2]
    rows = _report_rows(api, report, reportingperiodstartdate=start,
                        reportingperiodenddate=end)
    assert rows and all(start <= row["dateoccured"] <= end for row in rows)
    assert len(rows) == sum(1 for d in dates if start <= d <= end)
    # a plain end date takes in the whole of that day
    day = end[:10]
    rows = _report_rows(api, report, reportingperiodstartdate=start,
                        reportingperiodenddate=day)
    assert len(rows) == sum(1 for d in dates if start <= d and d[:10] <= day)


def test_a_report_period_applies_to_the_tickets_table_and_a_with_query(api):
    report = _new_report(api, "WITH t AS (SELECT id, dateoccurred FROM tickets) "
                              "SELECT COUNT(*) AS n FROM t")
    assert _report_rows(api, report)[0]["n"] == 200
    assert _report_rows(api, report, reportingperiodstartdate="2099-01-01")[0]["n"] == 0


def test_an_invalid_report_period_is_refused_with_400(api):
    status, _, answer = api.call("GET", "/api/Report/1?loadreport=true"
                                        "&reportingperiodstartdate=soon")
    assert status == 400 and "reportingperiodstartdate" in str(answer)


def test_report_rows_are_cut_at_50000_as_halo_cuts_them(api):
    sql = ("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 60000) "
           "SELECT x FROM n")
    status, answer = post(api, "/api/Report", {"sql": sql, "_loadreportonly": True})
    assert status == 200
    assert len(answer["report"]["rows"]) == 50000


# ---- body fields of the wrong type are refused -----------------------------------------

@pytest.mark.parametrize("record,field", [
    ({"summary": "x", "priority_id": "urgent"}, "priority_id"),
    ({"summary": "x", "client_id": True}, "client_id"),
    ({"summary": "x", "client_id": [1]}, "client_id"),
    ({"summary": {"text": "x"}}, "summary"),
    ({"id": 5, "status_id": 1.5}, "status_id"),
    # Fields the table does not curate are checked by the type Halo's API document gives.
    ({"summary": "x", "impact": "high"}, "impact"),
    ({"summary": "x", "deadlinedate": "friday"}, "deadlinedate"),
    ({"summary": "x", "customfields": "CFRef=abc"}, "customfields"),
    ({"id": 5, "onhold": "maybe"}, "onhold"),
])
def test_a_body_field_of_the_wrong_type_is_a_400_and_nothing_is_saved(api, record, field):
    before = api.get("/api/Tickets/5")
    status, answer = post(api, "/api/Tickets", {"summary": "fine"}, record)
    assert status == 400, answer
    assert field in str(answer)
    assert api.get("/api/Tickets/5") == before
    assert api.get("/api/Tickets", search="fine")["record_count"] == 0


@pytest.mark.parametrize("record", [
    {"summary": "x", "priority_id": 2}, {"summary": "x", "priority_id": "2"},
    {"summary": "x", "priority_id": None}, {"summary": 42},
    {"summary": "x", "impact": 2, "urgency": "3", "deadlinedate": "2026-12-01T09:00:00Z",
     "customfields": [{"name": "CFRef", "value": "abc"}]},
])
def test_a_body_field_of_a_type_halo_converts_is_saved(api, record):
    status, answer = post(api, "/api/Tickets", record)
    assert status == 200, answer


def test_the_type_check_takes_any_field_to_type_mapping():
    """One small function, fed Halo's documented types and the resource table's."""
    from halo_lib.sandbox.types import type_problems
    types = {"n": "int", "when": "time", "on": "bool", "tags": "ints", "key": "uuid",
             "cost": "float", "name": "str", "list": "array", "linked": "object"}
    assert type_problems({"n": 1, "when": "2026-11-30T08:00:00Z", "on": True, "tags": [1, 2],
                          "key": "0c1d2e3f-0000-4000-8000-000000000000", "cost": 2.5,
                          "name": "a", "other": {"x": 1}, "list": [], "linked": {}},
                         types) == []
    problems = type_problems({"n": "x", "when": 5, "on": "maybe", "tags": "a",
                              "key": "nope", "cost": "cheap", "name": [], "list": "a,b",
                              "linked": [1]}, types)
    assert [p.split(":")[0] for p in problems] == ["n", "when", "on", "tags", "key", "cost",
                                                  "name", "list", "linked"]
