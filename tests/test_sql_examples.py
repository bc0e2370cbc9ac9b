"""Every `halo sql` example of the README and the man pages runs, as written, against
`halo --sandbox`: the sandbox's SQL sees Halo's FAULTS table with Halo's column names."""
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

ROFF = {r"\-": "-", r"\(aq": "'", r"\(dq": '"', r"\e": "\\", r"\&": ""}


def readme_examples():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines
            if line.startswith("    ") and re.search(r"(^|\| )halo sql ", line.strip())]


def man_examples():
    found = []
    for page in sorted((ROOT / "man").glob("*.1")):
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith(r"\&") and "halo sql " in line:
                for roff, text in ROFF.items():
                    line = line.replace(roff, text)
                found.append(line.strip())
    return found


EXAMPLES = sorted(set(readme_examples() + man_examples()))


def test_the_readme_and_the_man_pages_have_sql_examples():
    assert any("FROM faults" in line for line in readme_examples())
    assert len(man_examples()) >= 3


@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    """A directory with `halo` on PATH running against a private sandbox, and the query
    files the examples name."""
    home = tmp_path_factory.mktemp("sql")
    bin_dir = home / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "halo"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "halo.py"}" '
                       '--sandbox "$@"\n')
    wrapper.chmod(0o755)
    (home / "open-by-agent.sql").write_text(
        "SELECT assignedtoint, faultid, symptom FROM faults WHERE status <> 9 "
        "ORDER BY assignedtoint\n")
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "c"),
           "XDG_CACHE_HOME": str(home / "cache"), "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    env.pop("HALO_OUTPUT", None)
    return home, env


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_sql_example_runs_against_the_sandbox(shell, example):
    home, env = shell
    done = subprocess.run(["bash", "-o", "pipefail", "-c", example], cwd=home, env=env,
                          capture_output=True, timeout=60)
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert err == ""          # no warning either (a --query naming no column warns)


def test_faults_has_halos_column_names_for_the_sandbox_tickets(shell):
    home, env = shell
    sql = ("SELECT faultid, symptom, symptom2, status, seriousness, requesttype, areaint, "
           "sitenumber, userid, assignedtoint, sectio_, dateoccured, datecleared, "
           "dateassigned, fixbydate, lastactiondate, slaid FROM faults WHERE faultid = 3")
    done = subprocess.run(["halo", "sql", sql], cwd=home, env=env, capture_output=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    (row,) = [json.loads(line) for line in done.stdout.splitlines()]
    ticket = json.loads(subprocess.run(["halo", "tickets", "get", "3"], cwd=home, env=env,
                                       capture_output=True, timeout=60).stdout)
    assert row["faultid"] == ticket["id"] == 3
    assert row["symptom"] == ticket["summary"]
    assert row["symptom2"] == ticket["details"]
    assert (row["status"], row["seriousness"], row["requesttype"]) == \
        (ticket["status_id"], ticket["priority_id"], ticket["tickettype_id"])
    assert (row["areaint"], row["sitenumber"], row["userid"], row["assignedtoint"]) == \
        (ticket["client_id"], ticket["site_id"], ticket["user_id"], ticket["agent_id"])
    assert row["sectio_"] == ticket["team"]
    assert row["dateoccured"] == ticket["dateoccurred"]
    assert row["datecleared"] == ticket["dateclosed"]
    assert row["lastactiondate"] == ticket["lastactiondate"]
    assert row["slaid"] == ticket["sla_id"]
