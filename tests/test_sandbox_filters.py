"""Every filter the table declares narrows the sandbox's answer as Halo would.

The cases are generated from halo_lib.resources: each typed filter of each list is sent on
its own with a value taken from the unfiltered answer, and the answer must be exactly the
records of the unfiltered list that satisfy it (so a filter the sandbox ignored fails).
The expectations below are written from Halo's meaning of each filter, not from the
sandbox's code; a new filter in the table with no expectation here fails the suite.
"""

import pytest

from halo_lib.resources import BY_NAME, RESOURCES
from halo_lib.sandbox import Sandbox
from test_sandbox_server import Api, api_path, records_of

# Filter names that differ from the field they test.
ALIAS = {"requesttype_id": "tickettype_id", "priority": "priority_id",
         "category_1": "categoryid_1", "agents": "agent_id", "sla": "sla_id",
         "org_id": "organisation_id"}
DATE_OF = {"tickets": "dateoccurred", "opportunities": "dateoccurred",
           "projects": "dateoccurred", "actions": "datetime", "appointments": "start_date",
           "expenses": "date"}
STARTS = ("startdate", "start_date", "lastupdatefromdate")
ENDS = ("enddate", "end_date", "lastupdatetodate")
SEARCHED = ("summary", "name", "title", "subject", "value", "emailaddress",
            "inventory_number", "invoicenumber", "ref", "filename")
CLOSED = (9, 10)
# Boolean flags that keep only some records: the test each kept record passes.
KEEPS = {
    "open_only": lambda r: r["status_id"] not in CLOSED,
    "closed_only": lambda r: r["status_id"] in CLOSED,
    "agentonly": lambda r: r["who_type"] == 1,
    "excludesys": lambda r: r["who_type"] != 0,
    "excludeprivate": lambda r: not r["hiddenfromuser"],
    "conversationonly": lambda r: r["outcome"] == "Email User",
    "timeentriesonly": lambda r: r["timetaken"] > 0,
    "importantonly": lambda r: r["important"],
    "postedonly": lambda r: r["posted"],
    "notpostedonly": lambda r: not r["posted"],
    "hidecompleted": lambda r: not r["complete_status"],
    "excludeclosed": lambda r: r["id"] not in CLOSED,   # the statuses Closed and Cancelled
    "open": lambda r: r["status"] == 0,
    "closed": lambda r: r["status"] != 0,
    "withattachments": lambda r: r["attachment_count"] > 0,
    "can_create_only": lambda r: r["cancreate"],
    "exclude_agents": lambda r: not r["isagent"],
    "mine": lambda r: r["agent_id"] == 1,   # the sandbox's caller is agent 1 (Agent/me)
}
# Flags that show records Halo leaves out unless asked, by the field that marks them.
REVEALS = {"includeinactive": "inactive", "includedisabled": "isdisabled",
           "showinactive": "inactive", "showall": "inactive"}
# Flags that add a field to every record of a list.
ADDS = {"includelines": "lines", "includehtmlnote": "note_html",
        "includeattachments": "attachments", "showpriorities": "priorities",
        "showworkdays": "workday", "showholidays": "holidays", "includenotes": "notes"}
# Tested on their own below (they change order, or only qualify another filter).
OWN_TESTS = {"order", "orderdesc", "datesearch", "search_name_only", "includelastaction"}
# Filters that scope to what applies to a record of another kind; every sandbox record
# applies to every client, ticket, ticket type and team, so they narrow nothing here.
EVERYTHING_APPLIES = {("agents", "client_id"), ("statuses", "ticket_id"),
                      ("statuses", "tickettype_id"), ("categories", "client_id"),
                      ("categories", "team_id"), ("categories", "tickettype_id"),
                      ("ticket-types", "client_id")}
# Filters naming a record of another resource: (resource, filter) -> (other, its field).
RELATED = {("assets", "ticket_id"): ("tickets", "asset_id")}

CASES = [(r, o) for r in RESOURCES for o in r.filters if o.name.lower() not in OWN_TESTS]


@pytest.fixture(scope="module")
def api():
    with Sandbox(records=1000, seed=3) as sandbox:
        client = Api(sandbox)
        yield client
        client.close()


def listed(api, resource, **params):
    return records_of(api.get(api_path(resource), **params), resource)


def ids(records):
    return [r["id"] for r in records]


def pick(records, field, n=1):
    """n distinct values of field from the middle of the list out (non-empty ones)."""
    middle = records[len(records) // 2:] + records[:len(records) // 2]
    values = []
    for rec in middle:
        value = rec.get(field)
        if value not in (None, "", 0, False) and value not in values:
            values.append(value)
        if len(values) == n:
            return values
    assert values, f"no record has a value for {field}"
    return values


def expectation(api, resource, opt, everything):
    """(params to send, test each answered record must pass)."""
    name = opt.name.lower()
    if name in KEEPS:
        return {name: "true"}, KEEPS[name]
    if name in REVEALS:
        return {name: "true"}, lambda r: True
    if name in ADDS:
        return {name: "true"}, lambda r: ADDS[name] in r
    if name == "search":
        field = next(f for f in SEARCHED if f in everything[0])
        text = str(pick(everything, field)[0])[:5].lower()
        return {name: text}, lambda r: any(text in str(r.get(f) or "").lower()
                                           for f in SEARCHED)
    if name in STARTS + ENDS:
        field = "last_update" if name.startswith("lastupdate") else DATE_OF[resource.name]
        day = pick(everything, field)[0][:10]
        if name in STARTS:
            return {name: day}, lambda r: r[field] >= day + "T00:00:00Z"
        return {name: day}, lambda r: r[field] <= day + "T23:59:59Z"
    if (resource.name, name) in RELATED:
        other, field = RELATED[(resource.name, name)]
        ticket = api.get(f"/api{BY_NAME[other].path}/7")
        return {name: "7"}, lambda r: r["id"] == ticket[field]
    field = ALIAS.get(name, name)
    if (resource.name, name) in EVERYTHING_APPLIES:
        value = pick(everything, "id")[0]
        return {name: str(value)}, lambda r: True
    values = pick(everything, field, 2 if opt.type == "ints" else 1)
    wanted = {str(v).lower() for v in values}
    return ({name: ",".join(str(v) for v in values)},
            lambda r: str(r.get(field)).lower() in wanted)


@pytest.mark.parametrize("resource,opt", CASES,
                         ids=[f"{r.name}-{o.name}" for r, o in CASES])
def test_each_declared_filter_narrows_as_halo_would(api, resource, opt):
    everything = listed(api, resource)
    assert everything, resource.name
    params, keeps = expectation(api, resource, opt, everything)
    answer = listed(api, resource, **params)
    assert answer, (resource.name, params)
    assert all(keeps(r) for r in answer), (resource.name, params)
    if opt.name.lower() in REVEALS:
        field = REVEALS[opt.name.lower()]
        assert not any(r.get(field) for r in everything)
        assert any(r.get(field) for r in answer) and set(ids(everything)) < set(ids(answer))
    elif opt.name.lower() in ADDS:
        assert ids(answer) == ids(everything)
    else:
        assert ids(answer) == [r["id"] for r in everything if keeps(r)], params


def test_every_value_of_datesearch_picks_the_date_the_range_applies_to(api):
    tickets = BY_NAME["tickets"]
    everything = listed(api, tickets)
    from halo_lib.resources import DATE_SEARCH_VALUES
    fields = {"dateoccured": "dateoccurred", "datecleared": "dateclosed",
              "lastactiondate": "lastactiondate"}
    assert tuple(fields) == DATE_SEARCH_VALUES
    for value, field in fields.items():
        day = pick(everything, field)[0][:10]
        answer = listed(api, tickets, datesearch=value, startdate=day, enddate=day)
        expected = [r["id"] for r in everything if (r.get(field) or "")[:10] == day]
        assert answer and ids(answer) == expected, value


def test_an_unknown_datesearch_value_is_refused_naming_the_known_ones(api):
    for value in ("nosuchdate", "fixbydate", "last_update"):   # not a value Halo documents
        status, _, answer = api.call("GET", f"/api/Tickets?datesearch={value}"
                                            "&startdate=2024-01-01")
        assert status == 400, value
        assert "dateoccured, datecleared, lastactiondate" in answer["message"]


def test_lastupdatefromdate_on_every_list_that_takes_it_finds_a_fresh_change():
    with Sandbox(records=300) as sandbox:
        api = Api(sandbox)
        for name in ("tickets", "opportunities", "projects", "clients", "assets", "sites",
                     "users"):
            r = BY_NAME[name]
            before = listed(api, r, lastupdatefromdate="2030-01-01T00:00:00Z")
            assert before == [], name
            first = listed(api, r)[0]
            status, _, _ = api.call("POST", api_path(r), [{"id": first["id"], "name": "x"}])
            assert status == 200
            after = listed(api, r, lastupdatefromdate="2026-01-01T00:00:00Z")
            assert first["id"] in ids(after), name
            untouched = listed(api, r, lastupdatetodate="2025-12-31")
            assert first["id"] not in ids(untouched) and untouched, name


def test_order_and_orderdesc_sort_by_the_named_field(api):
    clients = BY_NAME["clients"]
    names = [r["name"] for r in listed(api, clients, order="name", orderdesc="true")]
    assert names == sorted(names, key=str.lower, reverse=True)


def test_search_name_only_matches_names_and_nothing_else(api):
    users = BY_NAME["users"]
    domain = listed(api, users)[0]["emailaddress"].split("@")[1][:8]
    assert listed(api, users, search=domain)
    assert listed(api, users, search=domain, search_name_only="true") == []


def test_invoice_lines_follow_ihid_and_client_id(api):
    lines = api.get("/api/Invoice/lines", ihid="4")
    assert lines and {line["ihid"] for line in lines} == {4}
    invoice = api.get("/api/Invoice/4")
    assert {line["client_id"] for line in lines} == {invoice["client_id"]}
    of_client = api.get("/api/Invoice/lines", client_id=str(invoice["client_id"]))
    assert {line["client_id"] for line in of_client} == {invoice["client_id"]}
    assert 4 in {line["ihid"] for line in of_client}


def halo_order(value):
    """How a list orders its values: numbers by value, text without case, nulls last."""
    if value is None:
        return (2, 0, "")
    if isinstance(value, (int, float)):
        return (0, value, "")
    return (1, 0, str(value).lower())


@pytest.mark.parametrize("name", ["tickets", "opportunities", "projects"])
def test_ticket_lists_order_by_every_scalar_field_both_ways(api, name):
    resource = BY_NAME[name]
    everything = listed(api, resource)
    fields = [f for f, v in everything[0].items() if not isinstance(v, (list, dict))]
    for field in fields:
        for desc in (False, True):
            params = {"order": field, "orderdesc": "true"} if desc else {"order": field}
            expected = sorted(everything, key=lambda r: halo_order(r.get(field)), reverse=desc)
            answer = listed(api, resource, **params)
            assert ids(answer) == ids(expected), (name, field, desc)
    assert ids(listed(api, resource, orderdesc="true")) == ids(everything)[::-1]


def test_order_follows_a_written_value():
    with Sandbox(records=200) as sandbox:
        api, tickets = Api(sandbox), BY_NAME["tickets"]
        last = listed(api, tickets, order="client_name")[-1]
        status, _, _ = api.call("POST", "/api/Tickets", [{"id": 5, "client_id": last["client_id"]}])
        assert status == 200
        everything = listed(api, tickets)
        for desc in (False, True):
            expected = sorted(everything, key=lambda r: r["client_name"].lower(), reverse=desc)
            params = {"order": "client_name", "orderdesc": "true"} if desc else \
                {"order": "client_name"}
            answer = listed(api, tickets, **params)
            assert ids(answer) == ids(expected), desc
        tail = [r for r in everything if r["client_name"] == last["client_name"]]
        assert 5 in ids(tail)
