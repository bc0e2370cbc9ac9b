"""Names checked against the catalogue of Halo's API before anything is sent: --param on
named verbs and on request, a query string in request's PATH, -F/-f fields of a named
create or update; request's unknown paths warned about; --unchecked sends all of it."""
from urllib.parse import parse_qsl

import pytest

from conftest import api_requests, one_error_line

WHY = "Halo ignores a query parameter it does not know and would answer with every record"


def query(request):
    return parse_qsl(request.query_string.decode(), keep_blank_values=True)


@pytest.mark.parametrize("argv", [
    ("tickets", "list", "--param", "clinet_id=12"),
    ("request", "GET", "/Tickets", "--param", "clinet_id=12"),
    ("request", "GET", "/Tickets?clinet_id=12"),
    ("request", "GET", "/api/tickets?count=5&clinet_id=12"),
])
def test_an_unknown_query_parameter_is_refused_and_nothing_is_sent(run, server, argv):
    line = one_error_line(run(*argv), 2)
    assert "'clinet_id'" in line and "GET /Tickets" in line, line
    assert "did you mean client_id" in line and WHY in line and "--unchecked" in line, line
    assert server.log == []


def test_every_named_verb_kind_checks_its_params(run, server):
    for argv in (("tickets", "get", "5", "--param", "includedetail=true"),
                 ("tickets", "delete", "5", "--param", "x=1"),
                 ("tickets", "create", "-F", "summary=a", "--param", "x=1"),
                 ("reports", "run", "3", "--param", "x=1")):
        line = one_error_line(run(*argv), 2)
        assert "unknown query parameter" in line, (argv, line)
    assert "did you mean includedetails" in one_error_line(
        run("tickets", "get", "5", "--param", "includedetail=true"), 2)
    assert server.log == []


def test_a_parameter_with_no_close_name_points_at_api_show(run, server):
    line = one_error_line(run("tickets", "list", "--param", "zzqqxx=1"), 2)
    assert "see 'halo api show /Tickets GET'" in line, line
    line = one_error_line(run("request", "GET", "/AWS/Get", "--param", "x=1"), 2)
    assert "GET /AWS/Get; it documents no query parameters." in line, line


def test_documented_names_in_any_case_and_paging_names_are_sent(run, server):
    server.expect_request("/api/Tickets").respond_with_json({"record_count": 0, "tickets": []})
    result = run("tickets", "list", "--param", "Client_ID=3", "--param", "count=5")
    assert result.code == 0, result
    assert ("Client_ID", "3") in query(api_requests(server)[0])
    server.clear_log()
    server.expect_request("/api/Invoice").respond_with_json([])
    assert run("request", "GET", "/Invoice?pageinate=true&page_no=1&page_size=5").code == 0


def test_unchecked_sends_the_unknown_parameter(run, server):
    server.expect_request("/api/Tickets").respond_with_json({"record_count": 0, "tickets": []})
    result = run("--unchecked", "tickets", "list", "--param", "clinet_id=12")
    assert (result.code, result.err) == (0, ""), result
    assert ("clinet_id", "12") in query(api_requests(server)[0])
    server.clear_log()
    result = run("request", "GET", "/Tickets?clinet_id=12", "--unchecked")
    assert (result.code, result.err) == (0, ""), result
    assert query(api_requests(server)[0]) == [("clinet_id", "12")]


def test_operations_known_from_elsewhere_are_not_checked(run, server):
    server.expect_request("/api/Expense").respond_with_json([])
    result = run("expenses", "list", "--param", "anything_at_all=1")
    assert (result.code, result.err) == (0, ""), result
    assert ("anything_at_all", "1") in query(api_requests(server)[0])


def test_request_to_an_unknown_path_warns_once_and_sends(run, server):
    server.expect_request("/api/Tickts/5").respond_with_json({"id": 5})
    result = run("request", "GET", "/Tickts/5")
    assert result.code == 0, result
    (line,) = result.err.splitlines()
    assert line.startswith("halo: warning: ") and "/Tickets/{id}" in line, line
    assert [r.path for r in api_requests(server)] == ["/api/Tickts/5"]
    server.clear_log()
    server.expect_request("/api/Tickets", method="PUT").respond_with_json({})
    result = run("request", "PUT", "/Tickets")
    assert result.code == 0 and "no PUT /Tickets (it offers GET, POST)" in result.err, result
    assert run("request", "GET", "/Tickts/5", "--unchecked").err == ""
    server.expect_request("/api/Tickets/5").respond_with_json({"id": 5})
    assert run("request", "GET", "/Tickets/5").err == ""


@pytest.mark.parametrize("flag", ["-F", "-f"])
def test_an_unknown_field_on_create_or_update_is_refused(run, server, flag):
    for argv in (("tickets", "create", flag, "summry=x"),
                 ("tickets", "update", "5", flag, "summry.deep=x"),
                 ("tickets", "update", "-", flag, "summry=x")):
        line = one_error_line(run(*argv, stdin=b'{"id": 5}\n'), 2)
        assert "unknown field 'summry' for POST /Tickets" in line, line
        assert "did you mean summary" in line and "--unchecked" in line, line
    assert server.log == []


def test_fields_unchecked_and_records_from_stdin_are_sent(run, server):
    server.expect_request("/api/Tickets", method="POST").respond_with_json([{"id": 7}])
    result = run("--unchecked", "tickets", "create", "-F", "summry=x")
    assert result.code == 0, result
    assert api_requests(server)[0].get_json() == [{"summry": "x"}]
    server.clear_log()
    # Records piped in are often a list's output, with read-only fields: not checked.
    result = run("tickets", "update", "-", "-F", "summary=y", "-F", "customfields:=[]",
                 "--cf", "CFNotInTheSchema=1", stdin=b'{"id": 5, "status_name": "x"}\n')
    assert result.code == 0, result
    (sent,) = api_requests(server)[0].get_json()
    assert sent["status_name"] == "x" and sent["summary"] == "y"
    assert sent["customfields"] == [{"name": "CFNotInTheSchema", "value": "1"}]


def test_dry_run_refuses_too(run, server):
    line = one_error_line(run("--dry-run", "tickets", "list", "--param", "clinet_id=1"), 2)
    assert "did you mean client_id" in line


# A mistyped flag -------------------------------------------------------------------

@pytest.mark.parametrize("argv, flag", [
    (("tickets", "list", "--stauts-id", "1"), "--status-id"),
    (("tickets", "list", "--stauts-id=1"), "--status-id"),
    (("request", "GET", "/Tickets", "--parm", "x=1"), "--param"),
    (("tickets", "get", "5", "--dry-runn"), "--dry-run"),
    (("--unchekced", "tickets", "list"), "--unchecked"),
])
def test_a_mistyped_flag_gets_the_closest_flag_of_its_command(run, server, argv, flag):
    line = one_error_line(run(*argv), 2)
    typed = next(word for word in argv if word.startswith("--"))
    assert "unrecognized arguments: " + typed in line, line
    assert f"did you mean {flag}?" in line, line
    assert server.log == []


def test_a_flag_like_nothing_gets_no_guess(run, server):
    line = one_error_line(run("tickets", "list", "--zzzzzz"), 2)
    assert "did you mean" not in line and "halo tickets list --help" in line, line
