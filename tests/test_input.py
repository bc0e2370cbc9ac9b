"""Input: BODY as `-`, @FILE or inline JSON; one object, an array or NDJSON;
-F typed and -f string fields; invalid input is exit 2 naming the line and column, and
nothing at all is sent."""
import json

import pytest
from werkzeug import Response

from conftest import api_requests, one_error_line


@pytest.fixture
def saving(server):
    """POST /api/Tickets saves what it is given: ids from 100; one record -> an object."""
    def save(request):
        records = request.get_json()
        saved = [{"id": 100 + i, **r} if not r.get("id") else r for i, r in enumerate(records)]
        doc = saved[0] if len(saved) == 1 else saved
        return Response(json.dumps(doc), content_type="application/json")
    server.expect_request("/api/Tickets", method="POST").respond_with_handler(save)
    return server


def posted(server):
    return [r.get_json() for r in api_requests(server) if r.method == "POST"]


# ---------------------------------------------------------------- the three sources

def test_inline_object(run, saving):
    result = run("tickets", "create", '{"summary": "Printer on fire", "client_id": 3}')
    assert result.code == 0, result
    assert posted(saving) == [[{"summary": "Printer on fire", "client_id": 3}]]
    assert result.records == [{"id": 100, "summary": "Printer on fire", "client_id": 3}]
    (request,) = api_requests(saving)
    assert request.headers["Content-Type"] == "application/json"


def test_stdin_array(run, saving):
    body = json.dumps([{"summary": "a"}, {"summary": "b"}]).encode()
    result = run("tickets", "create", "-", stdin=body)
    assert result.code == 0, result
    assert posted(saving) == [[{"summary": "a"}, {"summary": "b"}]]
    assert [r["id"] for r in result.records] == [100, 101]


def test_file_of_ndjson(run, saving, tmp_path):
    path = tmp_path / "new.ndjson"
    path.write_text('{"summary": "a"}\n\n{"summary": "b"}\r\n{"summary": "c"}\n')
    result = run("tickets", "create", f"@{path}")
    assert result.code == 0, result
    assert posted(saving) == [[{"summary": "a"}, {"summary": "b"}, {"summary": "c"}]]
    assert len(result.records) == 3


def test_stdin_ndjson_in_batches(run, saving):
    body = b"".join(json.dumps({"summary": str(i)}).encode() + b"\n" for i in range(5))
    result = run("tickets", "create", "-", "--batch-size", "2", stdin=body)
    assert result.code == 0, result
    assert [len(batch) for batch in posted(saving)] == [2, 2, 1]
    assert [r["summary"] for r in result.records] == ["0", "1", "2", "3", "4"]


def test_unicode_survives_the_round_trip(run, saving):
    result = run("tickets", "create", '{"summary": "Café ☕ – naïve"}')
    assert result.code == 0, result
    assert posted(saving) == [[{"summary": "Café ☕ – naïve"}]]
    assert "Café ☕ – naïve" in result.out.decode("utf-8")


# ---------------------------------------------------------------- fields

def test_typed_and_string_fields(run, saving, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("long text\nfrom a file")
    result = run("--unchecked", "tickets", "create", '{"summary": "body", "priority_id": 1}',
                 "-F", "priority_id=4", "-F", "estimate=1.5", "-F", "onhold=true",
                 "-F", "followup=false", "-F", "agent_id=null", "-F", "details=@" + str(note),
                 "-F", "summary=typed words", "-f", "reference=007", "-f", "flag=true",
                 "--field", "negative=-3", "--raw-field", "empty=")
    assert result.code == 0, result
    assert posted(saving) == [[{
        "summary": "typed words", "priority_id": 4, "estimate": 1.5, "onhold": True,
        "followup": False, "agent_id": None, "details": "long text\nfrom a file",
        "reference": "007", "flag": "true", "negative": -3, "empty": ""}]]


def test_fields_alone_make_a_record(run, saving):
    result = run("tickets", "create", "-F", "client_id=12", "-f", "summary=From fields")
    assert result.code == 0, result
    assert posted(saving) == [[{"client_id": 12, "summary": "From fields"}]]


def test_fields_apply_to_every_record(run, saving):
    result = run("--unchecked", "tickets", "create", "-", "-F", "team_id=2",
                 stdin=b'{"summary": "a"}\n{"summary": "b", "team_id": 9}\n')
    assert result.code == 0, result
    assert posted(saving) == [[{"summary": "a", "team_id": 2}, {"summary": "b", "team_id": 2}]]


def test_update_id_body_sets_the_id(run, saving):
    result = run("tickets", "update", "55", '{"summary": "renamed"}')
    assert result.code == 0, result
    assert posted(saving) == [[{"summary": "renamed", "id": 55}]]


def test_update_from_stdin_takes_ids_from_the_records(run, saving):
    result = run("tickets", "update", "-", stdin=b'{"id": 1, "x": 1}\n{"id": 2, "x": 2}\n')
    assert result.code == 0, result
    assert posted(saving) == [[{"id": 1, "x": 1}, {"id": 2, "x": 2}]]


@pytest.mark.parametrize("argv,stdin,words", [
    (["update", "-"], b'{"x": 1}', "no id"),
    (["create", '{"id": 4, "summary": "x"}'], b"", "has an id"),
    (["update", "abc", '{"x": 1}'], b"", "invalid id"),
    (["create", "-F", "novalue"], b"", "key=value"),
    (["create"], b"", "nothing to send"),
])
def test_records_that_cannot_be_sent_are_refused(run, server, argv, stdin, words):
    line = one_error_line(run("tickets", *argv, stdin=stdin), 2)
    assert words in line
    assert server.log == []


# ---------------------------------------------------------------- invalid input: exit 2, nothing sent

@pytest.mark.parametrize("body,where", [
    ('{"summary": "x",}', "line 1, column"),
    ('{"summary": "x"', "line 1, column"),
    ("{\n  \"a\": 1,\n  \"b\": tru\n}", "line 3, column 8"),
    ('{"a": 1}\n{"b": 2}\n{"c": }\n', "line 3, column 7"),
    ('{"a": 1}\nnot json\n', "line 2, column 1"),
    ("summary=x", "line 1, column 1"),
], ids=["trailing-comma", "unclosed", "multi-line", "ndjson-line-3", "ndjson-text",
        "not-json"])
def test_invalid_json_names_line_and_column_and_sends_nothing(run, server, tmp_path, body,
                                                              where):
    for source, stdin in (("-", body.encode()), ("@" + str(tmp_path / "b.json"), b""),
                          (body, b"")):
        (tmp_path / "b.json").write_text(body)
        line = one_error_line(run("tickets", "create", source, stdin=stdin), 2)
        assert "invalid JSON" in line and where in line, (source, line)
    assert server.log == []                 # no token fetched, no request sent


@pytest.mark.parametrize("body,words", [
    (b"42", "a number"),
    (b'"just a string"', "a string"),
    (b"null", "null"),
    (b"true", "a boolean"),
    (b"[]", "empty"),
    (b'[{"a": 1}, 2]', "element 2"),
    (b'[[{"a": 1}]]', "element 1"),
    (b'{"a": 1}\n[1]\n', "line 2"),
], ids=["number", "string", "null", "bool", "empty-array",
        "array-of-mixed", "nested-array", "ndjson-array-line"])
def test_valid_json_that_is_not_records_is_refused(run, server, body, words):
    line = one_error_line(run("tickets", "create", "-", stdin=body), 2)
    assert words in line
    assert server.log == []


@pytest.mark.parametrize("verb", ["create", "update", "get"])
@pytest.mark.parametrize("body", [b"", b"\n", b"  \n\r\n\t\n"], ids=["empty", "newline", "blank"])
def test_empty_input_is_zero_records_sends_nothing_and_exits_0(run, server, verb, body):
    """A pipeline whose filter matched nothing hands on nothing: that is not an error."""
    result = run("tickets", verb, "-", stdin=body)
    assert (result.code, result.out, result.err) == (0, b"", ""), result
    assert server.log == []                 # not even a token


def test_an_empty_file_is_zero_records_and_empties_failed_file(run, server, tmp_path):
    """The README's retry loop: after a fully successful run retry.ndjson is empty, and
    feeding it back in is a quiet exit 0."""
    retry = tmp_path / "retry.ndjson"
    retry.write_bytes(b"")
    result = run("tickets", "create", f"@{retry}", "--failed", str(retry))
    assert (result.code, result.out, result.err) == (0, b"", ""), result
    assert retry.read_bytes() == b""
    assert server.log == []


def test_empty_input_with_json_output_is_an_empty_array(run, server):
    result = run("-o", "json", "tickets", "create", "-", stdin=b"")
    assert (result.code, result.err) == (0, ""), result
    assert json.loads(result.out) == []


def test_update_of_one_id_still_needs_its_record(run, server):
    line = one_error_line(run("tickets", "update", "5", "-", stdin=b""), 2)
    assert "holds 0" in line
    assert server.log == []


def test_a_missing_body_file_is_exit_2(run, server, tmp_path):
    line = one_error_line(run("tickets", "create", f"@{tmp_path}/absent.json"), 2)
    assert "absent.json" in line
    assert server.log == []


def test_invalid_json_is_caught_before_dry_run_prints(run, server):
    result = run("--dry-run", "tickets", "create", '{"a": }')
    one_error_line(result, 2)


def test_invalid_json_for_request_is_exit_2(run, server):
    line = one_error_line(run("request", "POST", "/Tickets", "{oops"), 2)
    assert "line 1, column" in line
    line = one_error_line(run("request", "POST", "/Tickets", "-", stdin=b""), 2)
    assert "empty" in line
    assert server.log == []


@pytest.mark.parametrize("dry", [[], ["--dry-run"]])
def test_a_field_file_of_invalid_utf8_is_exit_2_naming_it_and_nothing_sent(run, server,
                                                                         tmp_path, dry):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"caf\xe9 au lait\n")
    result = run(*dry, "tickets", "create", "-F", f"summary=@{bad}")
    line = one_error_line(result, 2)
    assert str(bad) in line and "UTF-8" in line and "summary" in line
    assert server.log == []


def test_a_raw_field_takes_an_at_sign_as_text_and_reads_no_file(run, saving, tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"caf\xe9\n")
    result = run("tickets", "create", "-f", f"summary=@{bad}")
    assert result.code == 0, result
    assert posted(saving) == [[{"summary": f"@{bad}"}]]
