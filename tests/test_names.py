"""Names where people think in names: `--client-id "Acme Corp"`, `--agent-id me`, resolved
exactly through a per-tenant lookup cache before the command is sent (against a stand-in
Halo on pytest-httpserver, and the sandbox)."""
import json
import os
import stat
import time

import pytest
from werkzeug import Response

from conftest import api_requests, one_error_line
from test_request import paged
from test_sandbox_cli import halo, sandbox  # noqa: F401  (fixtures)

CLIENTS = [{"id": 12, "name": "Acme Corp", "toplevel_name": "UK"},
           {"id": 13, "name": "Acme Ltd", "toplevel_name": "UK"},
           {"id": 14, "name": "Bolt Engineering", "toplevel_name": "EU"}]
SITES = [{"id": 4, "name": "Main Office", "client_name": "Acme Corp"},
         {"id": 9, "name": "main office", "client_name": "Bolt Engineering"},
         {"id": 10, "name": "Depot", "client_name": "Bolt Engineering"}]
STATUSES = [{"id": 1, "name": "New"}, {"id": 9, "name": "Closed", "type": "closed"}]
PRIORITIES = [{"id": "6f1c9a52-0000-4000-8000-000000000001", "priorityid": 2, "name": "High",
               "slaid": 1},
              {"id": "6f1c9a52-0000-4000-8000-000000000002", "priorityid": 2, "name": "High",
               "slaid": 2},
              {"id": "6f1c9a52-0000-4000-8000-000000000003", "priorityid": 4, "name": "Low",
               "slaid": 1}]
TICKETS = [{"id": 1, "summary": "printer", "client_id": 12, "status_id": 9}]


def searching(records, key):
    """A list that answers Halo's `search` (any part of the name, any case), paged."""
    def serve(request):
        term = request.args.get("search", "").lower()
        found = [r for r in records if term in r["name"].lower()]
        return paged(found, key)(request)
    return serve


@pytest.fixture
def halo_api(server):
    server.expect_request("/api/Client").respond_with_handler(searching(CLIENTS, "clients"))
    server.expect_request("/api/Site").respond_with_handler(searching(SITES, "sites"))
    server.expect_request("/api/Status").respond_with_json(STATUSES)
    server.expect_request("/api/Priority").respond_with_json(PRIORITIES)
    server.expect_request("/api/Agent/me").respond_with_json({"id": 7, "name": "Ann Agent"})
    server.expect_request("/api/Tickets", method="GET").respond_with_handler(paged(TICKETS))
    server.expect_request("/api/Tickets", method="POST").respond_with_handler(
        lambda r: Response(json.dumps(r.json[0] | {"id": 99}), content_type="application/json"))
    return server


def sent(server, path):
    return [r for r in api_requests(server) if r.path == path]


def ok(result):
    assert result.code == 0, result
    return result


def tickets_query(server):
    (request,) = sent(server, "/api/Tickets")
    return dict(request.args)


def cache_files(tmp_path):
    return sorted((tmp_path / "cache" / "halo").glob("names-*"))


# ------------------------------------------------------------------ resolution

def test_an_exact_name_in_any_case_is_the_id_found_by_one_search(run, halo_api):
    ok(run("tickets", "list", "--client-id", "acme CORP"))
    (lookup,) = sent(halo_api, "/api/Client")
    assert lookup.args["search"] == "acme CORP"
    assert tickets_query(halo_api)["client_id"] == "12"


def test_an_id_stays_an_id_with_no_lookup(run, halo_api):
    ok(run("tickets", "list", "--client-id", "13"))
    assert sent(halo_api, "/api/Client") == []
    assert tickets_query(halo_api)["client_id"] == "13"


def test_several_exact_matches_are_exit_2_listing_what_tells_them_apart(run, halo_api):
    line = one_error_line(run("tickets", "list", "--site-id", "Main Office"), 2)
    assert "2 sites have this name" in line
    assert "4 'Main Office' (client_name=Acme Corp)" in line
    assert "9 'main office' (client_name=Bolt Engineering)" in line
    assert sent(halo_api, "/api/Tickets") == []


def test_near_names_are_exit_2_with_did_you_mean(run, halo_api):
    line = one_error_line(run("tickets", "list", "--client-id", "Acme"), 2)
    assert "did you mean 'Acme Corp' or 'Acme Ltd'?" in line
    line = one_error_line(run("tickets", "list", "--status-id", "Clsoed"), 2)
    assert "did you mean 'Closed'?" in line
    assert sent(halo_api, "/api/Tickets") == []


def test_no_such_name_is_exit_2_naming_the_resource_searched(run, halo_api):
    line = one_error_line(run("tickets", "list", "--client-id", "Zed Ltd"), 2)
    assert "no clients record is named 'Zed Ltd'" in line and "searched clients" in line
    assert len(sent(halo_api, "/api/Client")) == 1 and sent(halo_api, "/api/Tickets") == []


def test_me_is_the_callers_own_agent(run, halo_api):
    ok(run("tickets", "list", "--agent-id", "me"))
    assert len(sent(halo_api, "/api/Agent/me")) == 1
    assert tickets_query(halo_api)["agent_id"] == "7"


def test_a_priority_name_is_the_integer_tickets_carry_one_request_per_list(run, halo_api):
    result = ok(run("-v", "tickets", "list", "--priority", "high,Low,3", "--status-id",
                    "closed"))
    assert tickets_query(halo_api)["priority"] == "2,4,3"
    assert tickets_query(halo_api)["status_id"] == "9"
    assert len(sent(halo_api, "/api/Priority")) == 1 and len(sent(halo_api, "/api/Status")) == 1
    assert "* --priority 'high' is priorities 2 (looked up)" in result.err
    assert "* --priority 'Low' is priorities 4 (from the lookup cache)" in result.err


def test_names_work_in_the_fields_of_create(run, halo_api):
    ok(run("tickets", "create", "--summary", "x", "--client-id", "Bolt Engineering",
           "--status-id", "New"))
    (post,) = [r for r in sent(halo_api, "/api/Tickets") if r.method == "POST"]
    assert post.json == [{"summary": "x", "client_id": 14, "status_id": 1}]


def test_dry_run_sends_nothing_and_shows_the_lookups_and_what_is_unresolved(run, halo_api):
    result = ok(run("--dry-run", "tickets", "list", "--client-id", "Acme Corp",
                    "--agent-id", "me", "--status-id", "9", "--priority", "High,Low"))
    assert halo_api.log == []
    lookup_client, lookup_me, lookup_priorities, listing = result.records
    assert lookup_priorities["url"].endswith("/api/Priority")   # one list for two names
    assert lookup_client["lookup"] and "/api/Client?search=Acme+Corp" in lookup_client["url"]
    assert lookup_me["lookup"] and lookup_me["url"].endswith("/api/Agent/me")
    assert "client_id=%3CAcme+Corp%3E" in listing["url"] and "status_id=9" in listing["url"]
    assert listing["unresolved"] == {
        "client_id": [{"resource": "clients", "name": "Acme Corp"}],
        "agent_id": [{"resource": "agents", "name": "me"}],
        "priority": [{"resource": "priorities", "name": "High"},
                     {"resource": "priorities", "name": "Low"}]}


def test_dry_run_resolves_from_a_fresh_cache_still_sending_nothing(run, halo_api):
    ok(run("tickets", "list", "--client-id", "Acme Corp"))
    before = len(halo_api.log)
    lookup, listing = ok(run("--dry-run", "tickets", "list", "--client-id", "acme corp",
                             "--priority", "1,Low")).records
    assert len(halo_api.log) == before
    assert lookup["url"].endswith("/api/Priority")      # the one name not in the cache
    assert "client_id=12" in listing["url"] and "priority=1%2C%3CLow%3E" in listing["url"]
    assert listing["unresolved"] == {"priority": [{"resource": "priorities", "name": "Low"}]}


# ------------------------------------------------------------------ the cache

def test_the_cache_saves_requests_and_is_a_private_file(run, halo_api, tmp_path):
    ok(run("tickets", "list", "--client-id", "Acme Corp", "--agent-id", "me"))
    again = ok(run("-v", "tickets", "list", "--client-id", "ACME CORP", "--agent-id", "me"))
    assert len(sent(halo_api, "/api/Client")) == 1 and len(sent(halo_api, "/api/Agent/me")) == 1
    assert "is clients 12 (from the lookup cache)" in again.err
    (path,) = cache_files(tmp_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "R\tclients\t12\tAcme Corp\t" in path.read_text()


def test_lookups_count_against_the_shared_rate_budget(run, halo_api, tmp_path):
    ok(run("tickets", "list", "--client-id", "Acme Corp", "--agent-id", "me"))
    (state,) = (tmp_path / "cache" / "halo").glob("rate-*")
    assert len(state.read_text().split()) == len(halo_api.log)   # token, 2 lookups, list


def test_a_stale_entry_is_looked_up_again(run, halo_api, tmp_path):
    ok(run("tickets", "list", "--client-id", "Acme Corp"))
    (path,) = cache_files(tmp_path)
    old = f"{time.time() - 3600:.3f}"
    lines = [line.rsplit("\t", 1)[0] + "\t" + old if line.startswith("R") else line
             for line in path.read_text().splitlines()]
    lines = [f"S\tclients\t{old}\tacme corp" if line.startswith("S") else line
             for line in lines]
    path.write_text("\n".join(lines) + "\n")
    ok(run("tickets", "list", "--client-id", "Acme Corp"))
    assert len(sent(halo_api, "/api/Client")) == 2


def test_the_lifetime_is_settable_and_0_keeps_nothing(run, halo_api, tmp_path):
    for _ in range(2):
        ok(run("tickets", "list", "--client-id", "Acme Corp", env={"HALO_LOOKUP_TTL": "0"}))
    assert len(sent(halo_api, "/api/Client")) == 2 and cache_files(tmp_path) == []
    line = one_error_line(run("tickets", "list", "--client-id", "Acme Corp",
                              env={"HALO_LOOKUP_TTL": "soon"}), 3)
    assert "HALO_LOOKUP_TTL" in line


def _corrupt(path):
    path.write_bytes(b"\xff\x00garbage\tR\n" * 50)


def _foreign_tenant(path):
    text = path.read_text().split("\n", 1)
    path.write_text(text[0][:-4] + "beef\n" + text[1])


def _another_users(path):
    os.chown(path, 65534, 65534)


def _a_link(path):
    target = path.parent / "elsewhere"
    target.write_text(path.read_text())
    path.unlink()
    path.symlink_to(target)


def _a_fifo(path):
    path.unlink()
    os.mkfifo(path)


def _huge(path):
    with open(path, "a") as handle:
        handle.write("R\tclients\t12\tAcme Corp\t\t9999999999.0\n" * 150000)   # > 4 MiB


@pytest.mark.parametrize("spoil", [_corrupt, _foreign_tenant, _another_users, _a_link,
                                   _a_fifo, _huge], ids=lambda f: f.__name__.strip("_"))
def test_a_cache_file_that_is_not_ours_is_ignored_and_rebuilt(run, halo_api, tmp_path, spoil):
    if spoil is _another_users and os.getuid() != 0:
        pytest.skip("giving a file to another user needs root")
    ok(run("tickets", "list", "--client-id", "Acme Corp"))
    (path,) = cache_files(tmp_path)
    spoil(path)
    ok(run("tickets", "list", "--client-id", "Acme Corp"))
    assert len(sent(halo_api, "/api/Client")) == 2
    info = os.lstat(path)
    assert stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid()
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert path.read_text().startswith("halo lookup cache 1\t")
    ok(run("tickets", "list", "--client-id", "Acme Corp"))
    assert len(sent(halo_api, "/api/Client")) == 2   # the rebuilt file serves again


# ------------------------------------------------------------------ the sandbox

def test_the_sandbox_resolves_names_as_a_tenant_would(halo):  # noqa: F811
    client = ok(halo("clients", "get", "3")).records[0]
    by_name = ok(halo("tickets", "list", "--client-id", client["name"], "--agent-id", "me",
                          "--status-id", "closed", "--query", "[].[client_id,agent_id,status_id]",
                          "-o", "json"))
    rows = json.loads(by_name.out)
    assert rows and all(row == [3, 1, 9] for row in rows)


@pytest.mark.parametrize("path", ["/Status", "/Team", "/Priority", "/SLA", "/TicketType",
                                  "/Agent", "/Client", "/Site", "/Supplier", "/TopLevel",
                                  "/Category", "/Workday"])
def test_the_sandbox_answers_search_on_every_named_list(halo, path):  # noqa: F811
    every = ok(halo("request", "GET", path, "-o", "json")).out
    records = json.loads(every)
    records = records if isinstance(records, list) else next(
        v for v in records.values() if isinstance(v, list))
    name = records[1].get("name") or records[1].get("value")
    # --unchecked: Halo's document gives search to only some of these lists.
    found = ok(halo("--unchecked", "request", "GET", path, "--param",
                    f"search={name.upper()}", "-o", "json")).out
    found = json.loads(found)
    found = found if isinstance(found, list) else next(
        v for v in found.values() if isinstance(v, list))
    assert found and len(found) < len(records)
    assert all(name.lower() in (r.get("name") or r.get("value")).lower() for r in found)


def test_the_sandbox_answers_me_for_agents(halo):  # noqa: F811
    assert ok(halo("agents", "me")).records[0]["id"] == 1


def test_a_search_cut_at_one_page_is_not_taken_for_no_such_name(run, server):
    many = [{"id": i, "name": f"Acme Branch {i}"} for i in range(1, 131)]
    server.expect_request("/api/Client").respond_with_handler(searching(many, "clients"))
    line = one_error_line(run("tickets", "list", "--client-id", "Acme"), 2)
    assert "more clients than one page holds" in line and "give the id" in line
    one_error_line(run("tickets", "list", "--client-id", "Acme"), 2)
    assert len(sent(server, "/api/Client")) == 2     # not remembered as a whole answer


def test_me_answered_without_a_record_is_a_clear_error(run, server):
    server.expect_request("/api/Agent/me").respond_with_json({})
    line = one_error_line(run("tickets", "list", "--agent-id", "me"), 1)
    assert "GET /Agent/me answered no agents record" in line
    assert sent(server, "/api/Tickets") == []
