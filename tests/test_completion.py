"""The generated completions, run in the real shells: bash through COMPREPLY, zsh through
a pseudo-terminal driven with zsh's zpty module."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMPLETIONS = ROOT / "completions"
BASH_COMPLETION = Path("/usr/share/bash-completion/bash_completion")

TICKET_VERBS = ["list", "get", "create", "update", "delete", "vote", "view", "object",
                "process-children", "set-billable-project", "sales-mailbox", "zapier"]


@pytest.fixture
def env(tmp_path):
    """A home with a profile file holding [default] and [profile work]."""
    config = tmp_path / "config" / "halo" / "config"
    config.parent.mkdir(parents=True)
    config.write_text("[default]\nurl = https://a.example.com\n\n"
                      "[profile work]\nurl = https://b.example.com\n")
    (tmp_path / "new.ndjson").write_text("{}\n")
    (tmp_path / "notes.txt").write_text("x\n")
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
            "XDG_CONFIG_HOME": str(tmp_path / "config"), "TERM": "dumb", "LC_ALL": "C"}


# bash --------------------------------------------------------------------------------

def bash_complete(env, *words):
    """COMPREPLY for the command line `words`, the last word being the one completed."""
    load = f"source {BASH_COMPLETION}; " if BASH_COMPLETION.exists() else ""
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    script = (f"{load}source {COMPLETIONS / 'halo.bash'}; cd \"$HOME\"; "
              f"COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; "
              'COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; '
              '_halo_completion_fn; printf "%s\\n" "${COMPREPLY[@]}"')
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], env=env,
                            capture_output=True, text=True, timeout=10)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.split("\n") if line]


def test_bash_is_registered_for_halo(env):
    script = f"source {COMPLETIONS / 'halo.bash'}; complete -p halo"
    result = subprocess.run(["bash", "--norc", "-c", script], env=env, capture_output=True,
                            text=True, timeout=10)
    assert result.stdout.strip() == "complete -F _halo_completion_fn halo"


def test_bash_completes_resources(env):
    assert bash_complete(env, "halo", "ti") == ["tickets", "ticket-types", "timesheets"]


def test_bash_completes_the_verbs_of_a_resource(env):
    assert bash_complete(env, "halo", "tickets", "") == TICKET_VERBS


def test_bash_completes_the_flags_of_a_verb(env):
    # Curated (--client-id, --closed-only) and documented (--client-ids, --client-ref).
    assert sorted(bash_complete(env, "halo", "tickets", "list", "--cl")) == \
        ["--client-id", "--client-ids", "--client-ref", "--closed-only"]


def test_bash_completes_profile_names_from_the_config_file(env):
    assert bash_complete(env, "halo", "--profile", "") == ["default", "work"]
    assert bash_complete(env, "halo", "--profile", "=", "w") == ["work"]
    env["HALO_CONFIG"] = "/nonexistent/config"
    assert bash_complete(env, "halo", "--profile", "") == []


def test_bash_skips_global_options_and_their_values(env):
    assert bash_complete(env, "halo", "--profile", "work", "-o", "json", "--dry-run",
                         "tickets", "li") == ["list"]
    assert bash_complete(env, "halo", "--url", "=", "https://x", "ti") == \
        ["tickets", "ticket-types", "timesheets"]


def test_bash_completes_option_values(env):
    assert bash_complete(env, "halo", "-o", "") == ["ndjson", "json", "table", "csv", "tsv"]
    assert bash_complete(env, "halo", "request", "P") == ["POST", "PUT", "PATCH"]
    assert bash_complete(env, "halo", "tickets", "list", "--client-id", "") == []


def test_bash_completes_the_values_of_date_search_from_the_option(env):
    from halo_lib.resources import DATE_SEARCH_VALUES
    assert bash_complete(env, "halo", "tickets", "list", "--date-search", "") == \
        list(DATE_SEARCH_VALUES)
    assert bash_complete(env, "halo", "tickets", "list", "--date-search", "date") == \
        [v for v in DATE_SEARCH_VALUES if v.startswith("date")]


def test_bash_completes_the_default_fields_of_the_resource(env):
    assert bash_complete(env, "halo", "tickets", "list", "--fields", "s") == \
        ["summary", "status_name"]
    assert bash_complete(env, "halo", "-o", "csv", "clients", "list", "--fields", "id,") == \
        ["id,id", "id,name", "id,toplevel_name", "id,inactive"]
    assert bash_complete(env, "halo", "--fields", "") == []


def test_bash_completes_files_after_at_and_for_file_arguments(env):
    # bash splits "@new" into "@" and "new", and "-F k=@n" into "-F", "k", "=@", "n".
    assert bash_complete(env, "halo", "tickets", "create", "@", "ne") == ["new.ndjson"]
    assert bash_complete(env, "halo", "tickets", "create", "-F", "note", "=@", "no") == \
        ["notes.txt"]
    assert bash_complete(env, "halo", "attachments", "upload", "no") == ["notes.txt"]
    assert bash_complete(env, "halo", "tickets", "create", "--failed", "ne") == \
        ["new.ndjson"]


def test_bash_offers_global_flags_after_the_verb_once(env):
    flags = bash_complete(env, "halo", "tickets", "list", "--")
    assert flags.count("--client-id") == 1 and "--profile" in flags and "--limit" in flags


# zsh ---------------------------------------------------------------------------------

# Sourced in the interactive zsh on the pty: the completion system with the generated
# _halo first on $fpath, and compadd wrapped to print each match it is given.
ZSH_SETUP = r"""
PS1= PS2= RPS1=
unsetopt beep
fpath=($HALO_COMPLETIONS $fpath)
autoload -Uz compinit && compinit -u -D
compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return
  fi
  local -a hits
  builtin compadd -A hits "$@"
  local hit
  for hit in $hits; do print -r -- "MATCH:$hit"; done
  builtin compadd "$@"
}
_halo_test_end() { print -r -- END-MATCHES }
comppostfuncs=(_halo_test_end)
print SETUP-DONE
"""

# Types each argument and a TAB into a fresh interactive zsh and prints the matches.
ZSH_DRIVER = r"""
zmodload zsh/zpty || exit 3
for cmd in "$@"; do
  zpty z zsh -f -i
  zpty -w z "source ${(q)HALO_SETUP}"
  zpty -r -m z out '*SETUP-DONE*' || exit 4
  zpty -w -n z "$cmd"$'\t'
  zpty -r -m z out '*END-MATCHES*' || exit 5
  for line in ${(f)out}; do
    [[ $line == *MATCH:* ]] && print -r -- "${${line#*MATCH:}%%$'\r'*}"
  done
  print -r -- "--- $cmd"
  zpty -d z
done
"""


def zsh_has_zpty():
    if not shutil.which("zsh"):
        return False
    return subprocess.run(["zsh", "-f", "-c", "zmodload zsh/zpty"],
                          capture_output=True).returncode == 0


@pytest.fixture
def zsh_complete(env, tmp_path):
    if not zsh_has_zpty():
        pytest.skip("zsh with the zpty module is not installed (CI: apt-get install zsh)")
    setup, driver = tmp_path / "setup.zsh", tmp_path / "driver.zsh"
    setup.write_text(ZSH_SETUP)
    driver.write_text(ZSH_DRIVER)
    env = dict(env, HALO_SETUP=str(setup), HALO_COMPLETIONS=str(COMPLETIONS),
               ZDOTDIR=str(tmp_path))

    def complete(*lines):
        """{line: [matches]} for each command line completed with a TAB at its end."""
        result = subprocess.run(["zsh", "-f", str(driver), *lines], env=env, cwd=tmp_path,
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stdout + result.stderr
        found, matches = {}, []
        for line in result.stdout.split("\n"):
            if line.startswith("--- "):
                found[line[4:]], matches = matches, []
            elif line:
                matches.append(line)
        return found

    return complete


def test_zsh_completes_resources_verbs_flags_and_profiles(zsh_complete):
    found = zsh_complete("halo ti", "halo tickets ", "halo tickets list --cl",
                         "halo --profile ")
    assert found["halo ti"] == ["tickets", "ticket-types", "timesheets"]
    assert found["halo tickets "] == TICKET_VERBS
    assert sorted(found["halo tickets list --cl"]) == ["--client-id", "--client-ids",
                                                        "--client-ref", "--closed-only"]
    assert found["halo --profile "] == ["default", "work"]


def test_zsh_completes_values_files_and_globals_after_the_verb(zsh_complete):
    found = zsh_complete("halo --url x -o ", "halo tickets create @n",
                         "halo tickets create -F note=@no", "halo attachments upload no",
                         "halo --dry-run tickets update 12 --cl")
    assert found["halo --url x -o "] == ["ndjson", "json", "table", "csv", "tsv"]
    assert found["halo tickets create @n"] == ["new.ndjson", "notes.txt"]
    assert found["halo tickets create -F note=@no"] == ["notes.txt"]
    assert found["halo attachments upload no"] == ["notes.txt"]
    assert found["halo --dry-run tickets update 12 --cl"] == ["--client-id"]


def test_zsh_completes_the_values_of_date_search(zsh_complete):
    from halo_lib.resources import DATE_SEARCH_VALUES
    found = zsh_complete("halo tickets list --date-search ")
    assert found["halo tickets list --date-search "] == list(DATE_SEARCH_VALUES)


def test_zsh_completes_the_default_fields_of_the_resource(zsh_complete):
    found = zsh_complete("halo tickets list --fields s", "halo sites get 3 --fields id,")
    assert found["halo tickets list --fields s"] == ["summary", "status_name"]
    assert found["halo sites get 3 --fields id,"] == ["id", "name", "client_name"]


# The flags of Halo's other documented query parameters (halo_lib.catalogue.flags) ------

def test_bash_completes_documented_flags(env):
    assert bash_complete(env, "halo", "tickets", "list", "--billable") == ["--billableonly"]
    assert bash_complete(env, "halo", "users", "get", "3", "--param-") == ["--param-client-id"]


def test_bash_skips_a_value_only_where_the_flag_takes_one(env):
    """Halo documents includechildren as text on /Tickets and as a switch on /Asset: after
    it, assets list completes flags, tickets list its value (nothing to offer)."""
    assert bash_complete(env, "halo", "assets", "list", "--includechildren", "--includechil") \
        == ["--includechildren"]
    assert bash_complete(env, "halo", "tickets", "list", "--includechildren", "--includechil") \
        == []


def test_zsh_completes_documented_flags(zsh_complete):
    found = zsh_complete("halo tickets list --billable", "halo users get 3 --param-")
    assert found["halo tickets list --billable"] == ["--billableonly"]
    assert found["halo users get 3 --param-"] == ["--param-client-id"]


# Halo's API: request's PATH, --param NAME=, api show PATH [METHOD] -----------------------

def test_bash_completes_request_paths_offering_the_method(env):
    paths = bash_complete(env, "halo", "request", "GET", "/Tickets/")
    assert "/Tickets/{id}" in paths and "/Tickets/View" not in paths   # View is POST only
    assert "/Tickets/View" in bash_complete(env, "halo", "request", "post", "/Tickets/")
    assert bash_complete(env, "halo", "request", "DELETE", "/Tickets") == ["/Tickets/{id}"]
    assert bash_complete(env, "halo", "request", "PUT", "") == []   # Halo offers no PUT
    assert bash_complete(env, "halo", "-v", "request", "GET", "/invoice/updat") == []
    assert bash_complete(env, "halo", "request", "POST", "/invoice/updat") == \
        ["/Invoice/updatelines"]                                    # any case
    # A path holding a character the shell acts on is inserted quoted.
    assert bash_complete(env, "halo", "request", "DELETE", "/TicketApproval/{id}&") == \
        ["/TicketApproval/\\{id\\}\\&\\{seq\\}"]


def test_bash_completes_the_query_parameters_of_the_operation(env):
    names = bash_complete(env, "halo", "request", "GET", "/Tickets", "--param", "client")
    assert names == ["client_id=", "client_ids=", "client_ref="]
    # A concrete path stands for its template; literal segments win over {id}.
    assert "includedetails=" in bash_complete(env, "halo", "request", "get", "/api/tickets/12",
                                              "--param", "incl")
    assert bash_complete(env, "halo", "request", "GET", "/Tickets/12", "--param", "client") \
        == []
    # A named verb completes the parameters of the operation it sends.
    assert bash_complete(env, "halo", "tickets", "list", "--param", "client_i") == \
        ["client_id=", "client_ids="]
    assert bash_complete(env, "halo", "request", "GET", "/NoSuchPath", "--param", "") == []


def test_bash_completes_api_show_paths_then_methods(env):
    assert bash_complete(env, "halo", "api", "") == ["list", "show"]
    assert bash_complete(env, "halo", "api", "show", "/Invoice/upd") == ["/Invoice/updatelines"]
    assert bash_complete(env, "halo", "api", "show", "/Tickets/12", "") == ["GET", "DELETE"]
    assert bash_complete(env, "halo", "api", "show", "/Tickets", "") == ["GET", "POST"]


def test_zsh_completes_request_paths_params_and_api_show(zsh_complete):
    lines = ("halo request DELETE /Tickets", "halo request GET /Tickets --param client",
             "halo tickets list --param client_i", "halo api show /Invoice/upd",
             "halo api show /Tickets/12 ", "halo request get /tickets/12 --param includede")
    found = zsh_complete(*lines)
    assert found["halo request DELETE /Tickets"] == ["/Tickets/{id}"]
    assert found["halo request GET /Tickets --param client"] == \
        ["client_id", "client_ids", "client_ref"]
    assert found["halo tickets list --param client_i"] == ["client_id", "client_ids"]
    assert found["halo api show /Invoice/upd"] == ["/Invoice/updatelines"]
    assert found["halo api show /Tickets/12 "] == ["GET", "DELETE"]
    assert found["halo request get /tickets/12 --param includede"] == ["includedetails"]
    found = zsh_complete("halo request DELETE /TicketApproval/")
    assert found["halo request DELETE /TicketApproval/"] == [
        "/TicketApproval/\\{id\\}\\&\\{seq\\}"]
