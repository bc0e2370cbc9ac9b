"""Every one of the 32 resources, driven through `halo` against a stand-in server."""
import json
from urllib.parse import parse_qsl

import pytest

from conftest import api_requests
from halo_lib.resources import BOOL, DATE, FLOAT, INT, INTS, RESOURCES, STR, TIME, UUID

SAMPLE_ID = {INT: "5", UUID: "0b9a3c52-2f55-4b8e-9a1c-5b2d7f0e4a11", STR: "P1"}
SAMPLE_VALUE = {INT: "7", STR: "some text", DATE: "2024-01-31", TIME: "2024-01-31",
                INTS: "1,2", FLOAT: "1.5", UUID: "0b9a3c52-2f55-4b8e-9a1c-5b2d7f0e4a11"}
# What goes on the wire when it differs from the value given: an instant is a date-time.
SENT_VALUE = {**SAMPLE_VALUE, TIME: "2024-01-31T00:00:00Z"}
ids = [r.name for r in RESOURCES]


def filter_flags(verb):
    """Every typed filter of a verb given a sample value: (argv, query pairs expected)."""
    argv, expected = [], []
    for opt in verb.filters:
        if opt.type == BOOL:
            argv.append("--" + opt.flag)
            expected.append((opt.name, "true"))
        elif opt.choices:
            argv += ["--" + opt.flag, opt.choices[-1]]
            expected.append((opt.name, opt.choices[-1]))
        else:
            argv += ["--" + opt.flag, SAMPLE_VALUE[opt.type]]
            expected.append((opt.name, SENT_VALUE[opt.type]))
    return argv, expected


def records(n, start=1):
    return [{"id": i, "name": f"record {i}"} for i in range(start, start + n)]


def list_answer(resource, recs, page_no=1, total=None):
    if resource.key is None:
        return recs
    return {"page_no": page_no, "page_size": 2, "record_count": total or len(recs),
            resource.key: recs}


@pytest.mark.parametrize("resource", RESOURCES, ids=ids)
def test_list_streams_every_page_in_order(run, server, resource):
    path = "/api" + resource.path
    if resource.paged:
        for page, recs in ((1, records(2)), (2, records(1, 3))):
            server.expect_request(path, query_string={
                "pageinate": "true", "page_size": "2", "page_no": str(page)}
            ).respond_with_json({"page_no": page, "page_size": 2, "record_count": 3,
                                 resource.key or "items": recs})
    else:
        server.expect_request(path).respond_with_json(list_answer(resource, records(3)))
    result = run(resource.name, "list", "--page-size", "2")
    assert result.code == 0, result
    assert result.records == records(3)
    sent = api_requests(server)
    assert all(r.method == "GET" and r.path == path for r in sent)
    assert len(sent) == (2 if resource.paged else 1)


@pytest.mark.parametrize("resource", RESOURCES, ids=ids)
def test_list_accepts_a_plain_array_and_an_unknown_key(run, server, resource):
    server.expect_oneshot_request("/api" + resource.path).respond_with_json(records(2))
    server.expect_oneshot_request("/api" + resource.path).respond_with_json(
        {"record_count": 2, "things": records(2)})
    assert run(resource.name, "list").records == records(2)
    assert run(resource.name, "list").records == records(2)


@pytest.mark.parametrize("resource", RESOURCES, ids=ids)
def test_get_and_not_found(run, server, resource):
    rid = SAMPLE_ID[resource.id_type]
    path = f"/api{resource.path}/{rid}"
    server.expect_oneshot_request(path, method="GET").respond_with_json({"id": rid, "x": 1})
    ok = run(resource.name, "get", rid)
    assert ok.code == 0, ok
    assert ok.records == [{"id": rid, "x": 1}]
    server.expect_oneshot_request(path, method="GET").respond_with_data("no such", status=404)
    missing = run(resource.name, "get", rid)
    assert missing.code == 4
    assert "404" in missing.err and len(missing.err.splitlines()) == 1


@pytest.mark.parametrize("resource", RESOURCES, ids=ids)
def test_create_and_update_post_arrays(run, server, resource):
    path = "/api" + resource.path
    server.expect_oneshot_request(path, method="POST").respond_with_json({"id": 9, "name": "n"})
    created = run(resource.name, "create", '{"name": "n"}')
    assert created.code == 0, created
    assert created.records == [{"id": 9, "name": "n"}]
    rid = SAMPLE_ID[resource.id_type]
    server.expect_oneshot_request(path, method="POST").respond_with_json(
        [{"id": rid, "name": "m"}])
    updated = run(resource.name, "update", rid, '{"name": "m"}')
    assert updated.code == 0, updated
    assert updated.records == [{"id": rid, "name": "m"}]
    posts = [json.loads(r.data) for r in api_requests(server) if r.method == "POST"]
    expected_id = int(rid) if resource.id_type == INT else rid
    assert posts == [[{"name": "n"}], [{"name": "m", "id": expected_id}]]


@pytest.mark.parametrize("resource", RESOURCES, ids=ids)
def test_delete_or_its_absence(run, server, resource):
    rid = SAMPLE_ID[resource.id_type]
    if not resource.deletable:
        result = run(resource.name, "delete", rid)
        assert result.code == 2
        assert api_requests(server) == []
        return
    server.expect_oneshot_request(f"/api{resource.path}/{rid}", method="DELETE").respond_with_data("")
    result = run(resource.name, "delete", rid)
    assert result.code == 0, result
    assert len(result.records) == 1 and result.records[0]["deleted"] is True


@pytest.mark.parametrize("resource", RESOURCES, ids=ids)
def test_a_malformed_id_is_refused_before_sending(run, server, resource):
    bad = "12" if resource.id_type == UUID else ("abc" if resource.id_type == INT else " ")
    result = run(resource.name, "get", bad)
    assert result.code == 2
    assert api_requests(server) == []


@pytest.mark.parametrize("resource", RESOURCES, ids=ids)
def test_every_typed_filter_reaches_the_wire(run, server, resource):
    flags, expected = filter_flags(resource.verb("list"))
    argv = [resource.name, "list", *flags]
    server.expect_request("/api" + resource.path).respond_with_json([])
    result = run(*argv)
    assert result.code == 0, result
    (sent,) = api_requests(server)
    query = parse_qsl(sent.query_string.decode(), keep_blank_values=True)
    for pair in expected:
        assert pair in query, (pair, query)


def test_ticket_filters_cover_the_common_needs():
    tickets = next(r for r in RESOURCES if r.name == "tickets")
    flags = {o.flag for o in tickets.verb("list").filters}
    for flag in ("client-id", "site-id", "user-id", "agent-id", "status-id", "priority",
                 "team", "ticket-type-id", "category", "search", "open-only", "closed-only",
                 "start-date", "end-date", "date-search", "order", "desc"):
        assert flag in flags
    assert len(flags) >= 18


def test_me_for_users_agents_clients(run, server):
    for name, path in (("users", "/Users"), ("agents", "/Agent"), ("clients", "/Client")):
        server.expect_request(f"/api{path}/me").respond_with_json({"id": 1, "who": name})
        result = run(name, "me")
        assert result.records == [{"id": 1, "who": name}]


def test_typed_create_flags_merge_with_body_and_fields(run, server):
    server.expect_request("/api/Tickets", method="POST").respond_with_json({"id": 1})
    result = run("tickets", "create", '{"summary": "from body", "details": "d"}',
                 "--summary", "from flag", "--client-id", "12", "-F", "priority_id=3",
                 "-f", "team=007")
    assert result.code == 0, result
    (sent,) = api_requests(server)
    assert json.loads(sent.data) == [{"summary": "from flag", "details": "d", "client_id": 12,
                                      "priority_id": 3, "team": "007"}]


def test_action_create_flags(run, server):
    server.expect_request("/api/Actions", method="POST").respond_with_json({"id": 3})
    result = run("actions", "create", "--ticket-id", "4", "--note", "called back",
                 "--outcome", "Private Note", "--hidden-from-user", "--time-taken", "0.25")
    assert result.code == 0, result
    (sent,) = api_requests(server)
    assert json.loads(sent.data) == [{"ticket_id": 4, "note": "called back",
                                      "outcome": "Private Note", "hiddenfromuser": True,
                                      "timetaken": 0.25}]


def test_update_records_that_carry_ids_in_batches(run, server):
    server.expect_request("/api/Tickets", method="POST").respond_with_json([{"id": 1}, {"id": 2}])
    body = b"".join(json.dumps({"id": i, "status_id": 9}).encode() + b"\n" for i in range(1, 6))
    result = run("tickets", "update", "-", "--batch-size", "2", stdin=body)
    assert result.code == 0, result
    sizes = [len(json.loads(r.data)) for r in api_requests(server)]
    assert sizes == [2, 2, 1]


def test_update_refuses_a_record_without_id(run, server):
    result = run("tickets", "update", "-", stdin=b'{"id": 1}\n{"summary": "x"}\n')
    assert result.code == 2
    assert "record 2" in result.err
    assert api_requests(server) == []


def test_delete_several_ids_reports_each(run, server):
    for rid in ("1", "3"):
        server.expect_request(f"/api/Tickets/{rid}", method="DELETE").respond_with_data("")
    server.expect_request("/api/Tickets/2", method="DELETE").respond_with_data("", status=404)
    result = run("tickets", "delete", "1", "2", "3")
    assert [r["id"] for r in result.records] == [1, 3]
    assert result.code == 4
    assert "/api/Tickets/2" in result.err


def test_limit_stops_fetching(run, server):
    server.expect_request("/api/Tickets").respond_with_json(
        {"page_no": 1, "page_size": 3, "record_count": 1000, "tickets": records(3)})
    result = run("tickets", "list", "--limit", "3")
    assert len(result.records) == 3
    (sent,) = api_requests(server)
    assert ("page_size", "3") in parse_qsl(sent.query_string.decode())


def test_canonical_path_casing(run, server):
    server.expect_request("/api/KBArticle").respond_with_json({"articles": []})
    server.expect_request("/api/SoftwareLicence").respond_with_json({"licences": []})
    assert run("kb-articles", "list").code == 0
    assert run("software-licences", "list").code == 0
