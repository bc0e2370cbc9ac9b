"""--cf NAME=VALUE, -F key:=JSON and -F a.b=1: the exact bodies sent."""
import json

import pytest

from conftest import api_requests, one_error_line
from halo_lib.resources import BY_NAME

CUSTOM = ("tickets", "clients", "assets", "users", "sites", "opportunities", "projects")


def posted(server):
    return [json.loads(r.data) for r in api_requests(server) if r.method == "POST"]


@pytest.mark.parametrize("name", CUSTOM)
def test_cf_sends_halos_customfields_array_on_create_and_update(run, server, name):
    path = "/api" + BY_NAME[name].path
    server.expect_request(path, method="POST").respond_with_json([{"id": 9}])
    created = run(name, "create", "--unchecked", "-F", "name=n", "--cf", "CFRef=abc", "--cf", "CFCount=12")
    updated = run(name, "update", "9", "--cf", "CFRef=a=b")
    assert (created.code, updated.code) == (0, 0), (created, updated)
    assert posted(server) == [
        [{"name": "n", "customfields": [{"name": "CFRef", "value": "abc"},
                                        {"name": "CFCount", "value": "12"}]}],
        [{"customfields": [{"name": "CFRef", "value": "a=b"}], "id": 9}],
    ]


def test_cf_replaces_the_same_name_in_the_body_and_keeps_the_rest(run, server):
    server.expect_request("/api/Tickets", method="POST").respond_with_json([{"id": 1}])
    body = {"id": 1, "customfields": [{"name": "A", "value": "old"},
                                      {"name": "B", "value": "keep"}]}
    result = run("tickets", "update", json.dumps(body), "--cf", "A=new")
    assert result.code == 0, result
    assert posted(server) == [[{"id": 1, "customfields": [{"name": "B", "value": "keep"},
                                                          {"name": "A", "value": "new"}]}]]


def test_cf_only_where_halo_has_custom_fields(run, server):
    result = run("statuses", "create", "--cf", "A=1")
    assert result.code == 2 and "unrecognized arguments: --cf" in result.err
    assert api_requests(server) == []


def test_field_raw_json_values_and_nested_fields(run, server):
    server.expect_request("/api/Tickets", method="POST").respond_with_json([{"id": 1}])
    result = run("--unchecked", "tickets", "create",
                 '{"summary": "s", "site": {"id": 3, "name": "HQ"}}',
                 "-F", "tags:=[1, 2]", "-F", "obj:={\"a\": null}", "-F", "n:=1.5",
                 "-F", "flag:=false", "-F", "text:=\"007\"", "-F", "site.name=Main",
                 "-F", "deep.a.b:=true", "-f", "site.code=007")
    assert result.code == 0, result
    assert posted(server) == [[{
        "summary": "s", "site": {"id": 3, "name": "Main", "code": "007"},
        "tags": [1, 2], "obj": {"a": None}, "n": 1.5, "flag": False, "text": "007",
        "deep": {"a": {"b": True}}}]]


def test_nested_fields_do_not_leak_between_records(run, server):
    server.expect_request("/api/Tickets", method="POST").respond_with_json([])
    body = b'{"id": 1, "x": {"k": 1}}\n{"id": 2, "x": {"k": 2}}\n'
    result = run("--unchecked", "tickets", "update", "-", "-F", "x.j=0", stdin=body)
    assert result.code == 0, result
    assert posted(server) == [[{"id": 1, "x": {"k": 1, "j": 0}},
                               {"id": 2, "x": {"k": 2, "j": 0}}]]


@pytest.mark.parametrize("argv, named", [
    (["-F", "tags:=[1, 2"], "'tags'"), (["-F", "v:=yes"], "'v'"),
    (["-F", "a..b=1"], "'a..b'"),
])
def test_bad_json_field_is_exit_2_naming_it(run, server, argv, named):
    line = one_error_line(run("tickets", "create", "-F", "summary=s", *argv), 2)
    assert named in line
    assert api_requests(server) == []


def test_dry_run_shows_the_custom_and_json_fields(run, server):
    result = run("--dry-run", "--unchecked", "clients", "update", "4", "--cf", "Tier=gold",
                 "-F", "ids:=[7]")
    assert result.code == 0, result
    (shown,) = result.records
    assert shown["body"] == [{"customfields": [{"name": "Tier", "value": "gold"}],
                              "ids": [7], "id": 4}]
    assert api_requests(server) == []
