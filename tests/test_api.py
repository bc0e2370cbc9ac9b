"""`halo api list [WORD...]` and `halo api show PATH [METHOD]`: the catalogue of Halo's API,
offline (no URL, no credentials, nothing sent), written like any list."""
import json
import subprocess
import sys

import pytest

from conftest import ROOT, one_error_line


def listed(bare, *words):
    result = bare("api", "list", *words)
    assert (result.code, result.err) == (0, ""), result
    return result.records


def test_list_writes_one_record_per_operation_with_no_settings_at_all(bare):
    records = listed(bare)
    assert len(records) == 1216 + 10           # the document's, and the known elsewhere
    assert set(records[0]) == {"method", "path", "group", "verb", "known"}
    by_key = {(r["method"], r["path"]): r for r in records}
    assert by_key[("GET", "/Tickets")]["verb"] == "tickets list"
    assert by_key[("POST", "/Tickets")]["verb"] == "tickets create, tickets update"
    assert by_key[("GET", "/Tickets")]["known"] == "document"
    assert by_key[("POST", "/Invoice/{id}/void")]["known"] == "elsewhere"
    assert by_key[("GET", "/AWS/Get")]["verb"] is None
    assert sum(r["known"] == "elsewhere" for r in records) == 10


@pytest.mark.parametrize("word", ["/Invoice", "invoice", "lines", "UPDATELINES"])
def test_list_words_find_paths_in_any_case(bare, word):
    paths = [r["path"] for r in listed(bare, word)]
    assert "/Invoice/updatelines" in paths


def test_every_word_must_match_the_path_or_a_parameter(bare):
    found = {(r["method"], r["path"]) for r in listed(bare, "tickets", "client_id")}
    assert ("GET", "/Tickets") in found and ("GET", "/Agent") not in found
    assert ("GET", "/Agent") in {(r["method"], r["path"]) for r in listed(bare, "client_id")}
    assert listed(bare, "tickets", "no-such-word-anywhere") == []
    # A parameter's name alone finds its operations.
    assert "/Asset" in [r["path"] for r in listed(bare, "inventory_number")]


def test_words_may_follow_options(bare):
    result = bare("api", "list", "-o", "csv", "--fields", "method,path", "expense")
    assert result.out.decode().splitlines() == ["method,path", "GET,/Expense",
                                                "POST,/Expense", "GET,/Expense/{id}"], result


def test_show_a_template_or_a_concrete_path(bare):
    template = bare("api", "show", "/Tickets/{id}")
    concrete = bare("api", "show", "/api/tickets/12")
    assert template.code == concrete.code == 0
    assert template.records == concrete.records
    assert [r["method"] for r in template.records] == ["GET", "DELETE"]
    get = template.records[0]
    assert get["verb"] == "tickets get" and get["path"] == "/Tickets/{id}"
    assert {"name": "id", "in": "path", "type": "int", "enum": None} in get["params"]
    assert {"name": "includedetails", "in": "query", "type": "bool", "enum": None} \
        in get["params"]
    assert get["body"] is None


def test_show_one_method_with_its_body_fields_and_enums(bare):
    (post,) = bare("api", "show", "/Tickets", "post").records
    assert post["method"] == "POST" and post["body"]["shape"] == "array"
    names = {f["name"]: f for f in post["body"]["fields"]}
    assert names["summary"] == {"name": "summary", "type": "str", "enum": None}
    (xero,) = bare("api", "show", "/Notify/Xero", "POST").records
    enums = {f["name"]: f["enum"] for f in xero["body"]["fields"] if f["enum"]}
    assert enums["eventCategoryNum"] == [0, 1, 2, 3, 4]


def test_show_an_operation_known_from_elsewhere(bare):
    (void,) = bare("api", "show", "/Invoice/7/void").records
    assert void == {"method": "POST", "path": "/Invoice/{id}/void", "group": "Invoice",
                    "verb": "invoices void", "known": "elsewhere", "params": [],
                    "body": None}


def test_show_refuses_what_the_catalogue_lacks(bare):
    line = one_error_line(bare("api", "show", "/Tickts"), 2)
    assert "did you mean /Tickets" in line, line
    line = one_error_line(bare("api", "show", "/Tickets", "PUT"), 2)
    assert "no PUT on /Tickets: it offers GET, POST" in line
    one_error_line(bare("api", "show", "/Tickets", "FETCH"), 2)
    one_error_line(bare("api", "show"), 2)
    one_error_line(bare("api", "show", "/Tickets", "GET", "more"), 2)
    one_error_line(bare("api", "browse"), 2)


def test_output_options_apply(bare):
    table = bare("api", "list", "-o", "table", "/Tickets/View", env={"COLUMNS": "200"})
    assert table.code == 0
    assert table.lines[0].split() == ["METHOD", "PATH", "GROUP", "VERB", "KNOWN"]
    assert table.lines[1].split() == ["POST", "/Tickets/View", "Faults", "tickets", "view",
                                      "document"]
    whole = bare("-o", "json", "api", "show", "/Tickets", "--query", "[].method")
    assert json.loads(whole.out) == ["GET", "POST"]
    raw = bare("api", "list", "agent/me", "--query", "path", "-r")
    assert raw.lines == ["/Agent/me"]
    assert bare("--dry-run", "api", "list").records == [
        {"local": "read the catalogue of Halo's API (list)"}]


def test_the_catalogue_is_read_only_when_needed(tmp_path):
    """--help, a get without --param and a list without --param never load it; a --param
    check and api do."""
    probe = ("import sys, io, halo\n"
             "from halo_lib.io.streams import Streams\n"
             "streams = Streams(stdout=io.BytesIO(), stderr=io.StringIO(), env={})\n"
             "halo.main(sys.argv[1:], streams)\n"
             "print('halo_lib.catalogue' in sys.modules)\n")

    def loads(*argv):
        result = subprocess.run([sys.executable, "-c", probe, *argv], cwd=ROOT,
                                capture_output=True, text=True, timeout=30,
                                env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
        return result.stdout.strip().splitlines()[-1]
    url = ("--url", "http://127.0.0.1:9", "--dry-run")
    assert loads("--help") == "False"
    assert loads(*url, "tickets", "get", "1") == "False"
    assert loads(*url, "tickets", "list", "--client-id", "3") == "False"
    assert loads(*url, "tickets", "list", "--param", "client_id=3") == "True"
    assert loads("api", "list") == "True"
