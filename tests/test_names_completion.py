"""`halo tickets list --client-id <TAB>` offers the names in the lookup cache, in real bash
and zsh, reading the cache file in the shell: no request, no Python."""
import os
import time

import pytest

from test_completion import bash_complete, env, zsh_complete  # noqa: F401  (fixtures)

LINES = ["R\tclients\t12\tAcme Corp\ttoplevel_name=UK\t1.0",
         "R\tclients\t13\tacme ltd\t\t1.0",
         "R\tclients\t14\tBolt Engineering\t\t1.0",
         "R\tagents\t7\tAnn Agent\t\t1.0",
         "R\tpriorities\t2\tHigh\tslaid=1\t1.0",
         "R\tpriorities\t4\tLow\tslaid=1\t1.0",
         "S\tclients\t1.0\tacme"]


@pytest.fixture
def cached(env, tmp_path):  # noqa: F811
    """A lookup cache of ours, another user's file and a link, and commands that tell
    whether anything ran Python or halo."""
    directory = tmp_path / ".cache" / "halo"
    directory.mkdir(parents=True)
    (directory / "names-ours").write_text("halo lookup cache 1\tkey\n" + "\n".join(LINES) + "\n")
    planted = tmp_path / "planted"
    planted.write_text("R\tclients\t66\tAcme Planted\t\t1.0\n")
    (directory / "names-link").symlink_to(planted)
    if os.getuid() == 0:
        stranger = directory / "names-stranger"
        stranger.write_text("R\tclients\t67\tAcme Stranger\t\t1.0\n")
        os.chown(stranger, 65534, 65534)
    spies = tmp_path / "bin"
    spies.mkdir()
    for name in ("halo", "python", "python3"):
        spy = spies / name
        spy.write_text(f"#!/bin/sh\ntouch {tmp_path}/ran-{name}\n")
        spy.chmod(0o755)
    env["PATH"] = f"{spies}:{env['PATH']}"
    return env


def nothing_ran(tmp_path):
    return not list(tmp_path.glob("ran-*"))


def test_bash_offers_cached_names_of_the_referenced_resource(cached, tmp_path):
    assert bash_complete(cached, "halo", "tickets", "list", "--client-id", "") == \
        ["Acme\\ Corp", "acme\\ ltd", "Bolt\\ Engineering"]
    assert bash_complete(cached, "halo", "tickets", "list", "--client-id", "AC") == \
        ["Acme\\ Corp", "acme\\ ltd"]
    assert bash_complete(cached, "halo", "tickets", "create", "--agent-id", "a") == \
        ["Ann\\ Agent"]
    assert nothing_ran(tmp_path)


def test_bash_offers_a_name_after_each_comma_of_a_list_of_ids(cached):
    assert bash_complete(cached, "halo", "tickets", "list", "--priority", "3,High,l") == \
        ["3,High,Low"]
    # A single id's value may hold a comma (a user "Smith, Jo"): never split there.
    assert bash_complete(cached, "halo", "tickets", "list", "--client-id", "x,A") == []


def test_bash_offers_no_names_for_the_api_apps_client_id(cached):
    assert bash_complete(cached, "halo", "--client-id", "") == []
    assert bash_complete(cached, "halo", "statuses", "list", "--client-id", "") == []


def test_bash_offers_nothing_without_a_cache(env):  # noqa: F811
    assert bash_complete(env, "halo", "tickets", "list", "--client-id", "") == []


def test_bash_completion_of_many_names_is_quick(cached, tmp_path):
    many = tmp_path / ".cache" / "halo" / "names-many"
    many.write_text("halo lookup cache 1\tkey2\n" + "".join(
        f"R\tclients\t{i}\tClient number {i}\t\t1.0\n" for i in range(2000)))
    started = time.monotonic()
    found = bash_complete(cached, "halo", "tickets", "list", "--client-id", "Client number 19")
    assert len(found) == 111 and time.monotonic() - started < 5   # generous: shared machine


def test_zsh_offers_cached_names_of_the_referenced_resource(cached, zsh_complete,  # noqa: F811
                                                            tmp_path):
    found = zsh_complete("halo tickets list --client-id ", "halo tickets list --client-id ac",
                         "halo appointments create --agent-id ", "halo --client-id ",
                         "halo tickets list --priority 3,High,l")
    # As inserted on the line: quoted for the shell.
    assert sorted(found["halo tickets list --client-id "]) == \
        ["Acme\\ Corp", "Bolt\\ Engineering", "acme\\ ltd"]
    assert sorted(found["halo tickets list --client-id ac"]) == ["Acme\\ Corp", "acme\\ ltd"]
    assert found["halo appointments create --agent-id "] == ["Ann\\ Agent"]
    assert found["halo --client-id "] == []
    assert found["halo tickets list --priority 3,High,l"] == ["Low"]
    assert nothing_ran(tmp_path)
