"""`halo` against the sandbox: every resource round-trips, and both ways to start it."""
import json
import os
import re
import shlex
import signal
import subprocess
import sys

import pytest

from conftest import ROOT, runner_for
from halo_lib.resources import BY_NAME, RESOURCES
from halo_lib.sandbox import Sandbox


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(records=300, seed=7) as server:
        yield server


@pytest.fixture
def halo(sandbox, tmp_path):
    return runner_for(sandbox.url, tmp_path, HALO_CLIENT_ID=sandbox.client_id,
                      HALO_CLIENT_SECRET=sandbox.client_secret)


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.name for r in RESOURCES])
def test_round_trip(halo, resource):
    name = resource.name
    listed = halo(name, "list", "--limit", "3")
    assert listed.code == 0, listed
    assert 1 <= len(listed.records) <= 3
    first = listed.records[0]["id"]
    got = halo(name, "get", str(first))
    assert got.code == 0, got
    assert got.records[0]["id"] == first

    body = {"summary": "made by a test", "name": "made by a test"}
    if name == "actions":   # an action belongs to a ticket that exists
        body["ticket_id"] = 1
    created = halo(name, "create", json.dumps(body))
    assert created.code == 0, created
    (record,) = created.records
    new_id = str(record["id"])
    updated = halo(name, "update", new_id, "-f", "name=renamed", "--unchecked")
    assert updated.code == 0, updated
    assert halo(name, "get", new_id).records[0]["name"] == "renamed"

    deleted = halo(name, "delete", new_id)
    if not resource.deletable:
        assert deleted.code == 2
        return
    assert deleted.code == 0, deleted
    assert halo(name, "get", new_id).code == 4


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.name for r in RESOURCES])
def test_listed_records_update_back_unchanged(halo, resource):
    """`halo -o ndjson R list | halo R update -`: what the sandbox serves is what a tenant
    takes back, field types and all, so a rehearsed round trip saves every record."""
    listed = halo("-o", "ndjson", resource.name, "list", "--limit", "3")
    assert listed.code == 0 and listed.records, listed
    updated = halo(resource.name, "update", "-", stdin=listed.out)
    assert updated.code == 0, updated
    saved = {record["id"]: record for record in updated.records}
    assert list(saved) == [record["id"] for record in listed.records]
    for record in listed.records:
        # Saving a record stamps its last update; every other field is as it was listed.
        assert _without(saved[record["id"]], "last_update") == _without(record, "last_update")


def test_a_shell_pipeline_lists_and_updates_back_through_real_processes(sandbox, tmp_path):
    """The same round trip as a user types it, through a pipe between two processes, on
    resources whose generated records once had text where Halo documents a number."""
    env = dict(os.environ, HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"),
               XDG_CONFIG_HOME=str(tmp_path / "c"), HALO_URL=sandbox.url,
               HALO_CLIENT_ID=sandbox.client_id, HALO_CLIENT_SECRET=sandbox.client_secret)
    halo = f"{shlex.quote(sys.executable)} {shlex.quote(str(ROOT / 'halo.py'))}"
    script = "; ".join(f"{halo} -o ndjson {name} list --limit 2 | {halo} {name} update - "
                       f"|| echo {name} failed" for name in ("statuses", "workdays"))
    done = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "failed" not in done.stdout, done
    saved = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["name"] for r in saved] == ["New", "In Progress", "Office hours",
                                         "Around the clock"]


def _without(record, field):
    return {name: value for name, value in record.items() if name != field}


def test_paged_list_streams_every_ticket_once(halo):
    result = halo("tickets", "list", "--page-size", "7")
    assert [r["id"] for r in result.records] == list(range(1, 301))


def test_filters_reach_the_sandbox(halo):
    result = halo("tickets", "list", "--client-id", "3", "--query", "client_id")
    assert result.code == 0 and result.lines and set(result.lines) == {"3"}


def test_one_shot_sandbox_needs_no_configuration(bare):
    result = bare("--sandbox", "tickets", "list", "--limit", "3")
    assert result.code == 0, result
    assert len(result.records) == 3


def test_foreground_sandbox_prints_exports_and_stops_on_ctrl_c(tmp_path):
    process = subprocess.Popen([sys.executable, str(ROOT / "halo.py"), "sandbox",
                                "--records", "50"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        env = dict(os.environ, HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"),
                   XDG_CONFIG_HOME=str(tmp_path / "c"))
        for _ in range(3):
            found = re.match(r"export (\w+)=(\S+)", process.stdout.readline().strip())
            assert found
            env[found.group(1)] = found.group(2).strip("'\"")
        halo = [sys.executable, str(ROOT / "halo.py")]
        made = subprocess.run(halo + ["clients", "create", '{"name": "Persisted Ltd"}'],
                              env=env, capture_output=True, timeout=30)
        assert made.returncode == 0, made.stderr
        new_id = json.loads(made.stdout)["id"]
        again = subprocess.run(halo + ["clients", "get", str(new_id)], env=env,
                               capture_output=True, timeout=30)
        assert json.loads(again.stdout)["name"] == "Persisted Ltd"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert process.returncode == 130   # interrupted, as the README's exit status table says


def test_request_paginate_over_a_group_outside_the_table(halo):
    body = json.dumps([{"name": f"lead {n}"} for n in range(1, 131)])
    made = halo("request", "POST", "/Lead", body)
    assert made.code == 0, made
    listed = halo("request", "GET", "/Lead", "--paginate")
    assert listed.code == 0, listed
    assert [r["name"] for r in listed.records] == [f"lead {n}" for n in range(1, 131)]


def test_tickets_update_brings_the_new_status_name_and_refuses_orphans(halo):
    updated = halo("tickets", "update", "5", "--status-id", "9")
    assert updated.code == 0 and updated.records[0]["status_name"] == "Closed"
    orphan = halo("actions", "create", "--ticket-id", "999999", "--note", "lost")
    assert orphan.code == 1 and "ticket 999999 does not exist" in orphan.err


# ---- the sandbox plays Halo's quirks, so a rehearsal fails where a tenant would --------

def test_a_report_run_for_a_period_returns_only_rows_of_that_period(halo):
    made = halo("reports", "create", "--name", "opened", "--sql",
                "SELECT faultid, dateoccured FROM faults")
    assert made.code == 0, made
    report = str(made.records[0]["id"])
    everything = halo("reports", "run", report).records
    assert any(r["dateoccured"].startswith("2023") for r in everything)
    recent = halo("reports", "run", report, "--from", "30d")
    assert recent.code == 0, recent
    assert not any(r["dateoccured"].startswith("2023") for r in recent.records)
    january = halo("reports", "run", report, "--from", "2023-01-01", "--to", "2023-01-31")
    assert january.records and all(r["dateoccured"][:7] == "2023-01" for r in january.records)


def test_sql_rows_are_cut_at_50000_and_halo_says_so(halo):
    result = halo("sql", "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n "
                         "WHERE x < 60000) SELECT x FROM n")
    assert result.code == 0, result
    assert len(result.lines) == 50000
    assert "may be cut" in result.err


def test_a_documented_field_the_table_does_not_curate_is_checked_too(halo, bare):
    """impact is not a ticket flag of halo's, but Halo's API document types it: -F passes
    the name (it is documented), and the sandbox refuses the text as a tenant would."""
    assert "impact" not in {opt.name for opt in BY_NAME["tickets"].fields}
    before = halo("tickets", "list", "--search", "uncurated").records
    result = halo("tickets", "create", "--summary", "uncurated", "-F", "impact=high")
    assert result.code == 1, result
    assert result.out == b""
    assert "impact: expected a whole number" in result.err and "400" in result.err
    assert halo("tickets", "list", "--search", "uncurated").records == before == []
    one_shot = bare("--sandbox", "tickets", "create", "--summary", "x", "-F", "impact=high")
    assert one_shot.code == 1 and one_shot.out == b"", one_shot
    assert "impact: expected a whole number" in one_shot.err


def test_a_field_of_the_wrong_type_is_refused_as_a_tenant_refuses_it(halo):
    result = halo("tickets", "create", "--summary", "typed", "-f", "priority_id=urgent")
    assert result.code == 1, result
    assert result.out == b""
    assert "priority_id" in result.err and "400" in result.err
