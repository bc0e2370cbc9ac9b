"""Every query parameter Halo documents for a list or get endpoint is a typed flag: the
curated ones of the resource table, and the others made from the catalogue, which is read
only when a command line needs them."""
import json
import re
import subprocess
import sys
from urllib.parse import parse_qsl, urlsplit

import pytest

from conftest import ROOT, Runner, api_requests, one_error_line
from halo_lib.resources import BY_NAME, RESOURCES

DOCUMENT = json.loads((ROOT / "halo_lib" / "catalogue" / "halo-api.json").read_bytes())
PAGING = {"pageinate", "page_no", "page_size"}
GROUP = "other query parameters Halo documents:"

# A value for each kind of flag (by its metavar in --help), and how it goes on the wire.
VALUES = {"N": ("7", "7"), "TEXT": ("a b&c", "a b&c"), "DATE": ("2026-01-02", "2026-01-02"),
          "WHEN": ("2026-01-02T03:04:05+01:00", "2026-01-02T02:04:05Z"), "X": ("-1.5", "-1.5"),
          "N,N": ("1, 2", "1,2"), "ID|NAME": ("7", "7"), "ID|NAME|me": ("7", "7"),
          "ID|NAME,...": ("1, 2", "1,2"), "UUID": ("0f8fad5b-d9cb-469f-a165-70867728950e",) * 2}


@pytest.fixture
def halo(tmp_path, monkeypatch):
    """halo in-process, configured for --dry-run; help printed on one line a flag."""
    monkeypatch.setenv("COLUMNS", "500")
    return Runner({"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
                   "XDG_CACHE_HOME": str(tmp_path / "cache"), "HALO_URL": "http://127.0.0.1:9",
                   "HALO_CLIENT_ID": "cid", "HALO_CLIENT_SECRET": "secret"})


def documented(method, path):
    """The query parameters the catalogue documents for an operation."""
    entry = DOCUMENT["operations"].get(path, {}).get(method, {})
    return [name for name, where, *_ in entry.get("params", ()) if where == "query"]


def help_flags(text):
    """[(flag, metavar or None, Halo name)] of the query flags in a help text."""
    found = []
    # A long flag has its help on the next line.
    for line in re.sub(r"\n {20,}", "   ", text).splitlines():
        match = re.match(r"  (--[\w-]+)(?: (\S+))?\s{2,}.*\[query (\w+)(?:; [^\]]*)?\]$", line)
        if match:
            found.append(match.groups())
    return found


def help_all(halo, *words):
    result = halo(*words, "--help-all")
    assert result.code == 0, result
    text = result.out.decode()
    curated, _, generated = text.partition(GROUP)
    return help_flags(curated), help_flags(generated)


def wire(halo, *argv):
    """The query pairs of the first request halo would send."""
    result = halo("--dry-run", *argv)
    assert result.code == 0, result
    url = json.loads(result.lines[0])["url"]
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def command_line(flags):
    argv, expected = [], []
    for flag, metavar, name in flags:
        if metavar is None:
            argv.append(flag)
            expected.append((name, "true"))
        else:
            given, sent = VALUES[metavar]
            argv += [flag, given]
            expected.append((name, sent))
    return argv, expected


@pytest.mark.parametrize("words", [("tickets", "list"), ("tickets", "get", "12"),
                                   ("slas", "list"), ("users", "get", "3")])
def test_every_documented_flag_reaches_the_wire_under_halos_name(halo, words):
    _, generated = help_all(halo, *words[:2])
    assert generated
    argv, expected = command_line(generated)
    sent = wire(halo, *words, *argv)
    assert [pair for pair in sent if pair[0] not in PAGING] == expected


def test_a_documented_flag_reaches_a_real_server(run, server):
    server.expect_request("/api/Tickets").respond_with_json({"record_count": 0,
                                                             "tickets": []})
    result = run("tickets", "list", "--billableonly", "--utcoffset", "2.5",
                 "--billing-date", "2026-11-30", "--status-id", "3")
    assert result.code == 0, result
    (request,) = api_requests(server)
    assert request.args["billableonly"] == "true"
    assert request.args["utcoffset"] == "2.5"
    assert request.args["billing_date"] == "2026-11-30"
    assert request.args["status_id"] == "3"


@pytest.mark.parametrize("argv", [
    ("--billableonly=yes",),                    # a switch takes no value
    ("--billingcontractid", "x"),               # an integer
    ("--utcoffset", "nan"),                     # a number
    ("--billing-date", "2026-13-45"),           # a date (the name rule)
    ("--billingcontractid",),                   # a value is missing
], ids=["bool", "int", "float", "date", "missing"])
def test_a_bad_value_of_a_documented_flag_is_exit_2_and_nothing_is_sent(run, server, argv):
    line = one_error_line(run("tickets", "list", *argv), 2)
    assert argv[0].split("=")[0] in line
    assert api_requests(server) == []


def test_an_unknown_flag_is_still_exit_2_naming_it(run, server):
    line = one_error_line(run("tickets", "list", "--billableonlyy"), 2)
    assert "--billableonlyy" in line
    assert api_requests(server) == []


def test_a_clash_with_a_global_flag_gets_the_prefix(halo):
    """users get documents client_id, but --client-id after the verb stays the API
    application's; the Halo parameter is --param-client-id."""
    _, generated = help_all(halo, "users", "get")
    assert ("--param-client-id", "ID|NAME|me", "client_id") in generated
    assert wire(halo, "users", "get", "3", "--param-client-id", "4",
                "--client-id", "app") == [("client_id", "4")]


CRAFTED = {"source": {}, "schemas": {}, "operations": {"/Item": {"GET": {"params": [
    ["lastupdatefromdate", "query", "bool"], ["mode", "query", "int", [1, 2]],
    ["page_no", "query", "int"], ["search", "query", "str"]]}}}}


def test_documented_values_are_choices_and_the_last_update_pair_a_time(halo, monkeypatch):
    """What the document says comes from the catalogue at run time: here a crafted one,
    with an enum and the last-update filter the document types as a boolean."""
    from halo_lib import catalogue
    monkeypatch.setattr(catalogue, "_loaded", catalogue.Catalogue(CRAFTED))
    curated, generated = help_all(halo, "items", "list")
    assert generated == [("--lastupdatefromdate", "WHEN", "lastupdatefromdate"),
                         ("--mode", "{1,2}", "mode")]
    assert ("--search", "TEXT", "search") in curated     # curated, counted once
    assert wire(halo, "items", "list", "--mode", "2", "--lastupdatefromdate",
                "2026-01-02T03:04:05+01:00")[:2] == [("lastupdatefromdate", "2026-01-02T02:04:05Z"),
                                                     ("mode", "2")]
    one_error_line(halo("--dry-run", "items", "list", "--mode", "3"), 2)


def verbs_with_documented_flags():
    for resource in RESOURCES:
        for verb in resource.verbs():
            if verb.kind in ("list", "get"):
                yield resource, verb


@pytest.mark.parametrize("resource,verb", list(verbs_with_documented_flags()),
                         ids=lambda x: x.name)
def test_n_documented_query_parameters_are_n_flags(halo, resource, verb):
    """Every query parameter the catalogue documents for the endpoint is one flag: curated
    (counted once) or made from the catalogue; halo's own paging parameters are none."""
    own = PAGING | ({"count"} if resource.paged else set())
    names = [n for n in documented(verb.method, verb.path) if n not in own]
    curated, generated = help_all(halo, resource.name, verb.name)
    offered = [name for _, _, name in curated + generated]
    assert len(offered) == len(set(offered))
    assert set(names) <= set(offered)
    assert set(offered) - set(names) <= {o.name for o in verb.filters}
    flags = [flag for flag, _, _ in curated + generated]
    assert len(flags) == len(set(flags))
    # --help shows the curated ones and says how many more --help-all shows.
    short = halo(resource.name, verb.name, "--help").out.decode()
    assert help_flags(short) == curated
    if generated:
        assert f"--help-all shows {len(generated)} more flag" in " ".join(short.split())
    else:
        assert "--help-all shows" not in short


def test_help_stays_short_and_help_all_shows_every_flag(halo):
    short = halo("tickets", "list", "--help").out.decode()
    full = halo("tickets", "list", "--help-all").out.decode()
    assert len(short.splitlines()) < 100 < 250 < len(full.splitlines())
    assert "--billableonly" not in short and "--billableonly" in full
    assert "--help-all shows 157 more flags" in " ".join(short.split())


def test_the_man_page_lists_the_documented_flags():
    page = (ROOT / "man" / "halo-tickets.1").read_text()
    assert "\\fB\\%\\-\\-billableonly\\fR\nswitch on (sends true); sets the Halo query " \
           "parameter \\fB\\%billableonly\\fR." in page


def modules_loaded(*argv):
    """Whether running halo with argv imported the catalogue."""
    code = ("import sys; from halo_lib.main import main; main(sys.argv[1:]); "
            "print('halo_lib.catalogue' in sys.modules, file=sys.stderr)")
    env = {"HALO_URL": "http://127.0.0.1:9", "HALO_CLIENT_ID": "c", "HALO_CLIENT_SECRET": "s",
           "PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}
    result = subprocess.run([sys.executable, "-c", code, *argv], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=30)
    return result.stderr.strip().splitlines()[-1]


def test_the_catalogue_is_read_only_for_a_flag_the_curated_parser_lacks():
    assert modules_loaded("--dry-run", "tickets", "get", "1", "--include-details") == "False"
    assert modules_loaded("tickets", "list", "--help") == "False"
    assert modules_loaded("--dry-run", "tickets", "list", "--billableonly") == "True"


def test_the_sandbox_takes_documented_filters_it_does_not_apply(halo):
    """The sandbox applies the curated filters and ignores the others, as Halo ignores a
    parameter it does not know: the list is the same with them."""
    plain = halo("--sandbox", "tickets", "list", "--status-id", "1", "--limit", "5")
    more = halo("--sandbox", "tickets", "list", "--status-id", "1", "--limit", "5",
                "--billableonly", "--utcoffset", "1")
    assert plain.code == more.code == 0, (plain, more)
    assert more.records == plain.records and plain.records
