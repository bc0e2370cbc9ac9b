"""Exit status exactly as the README's table and as listed in `halo --help`;
and bad inputs: each gives one clear line on stderr and the right status."""
import json
import re
import socket

import pytest

from conftest import SECRET, api_requests, one_error_line, runner_for
from rawserver import token_route

TABLE = {0: "success", 1: "refused", 2: "usage", 3: "authentication", 4: "not found",
         5: "temporary", 6: "output", 130: "interrupted"}


def test_help_lists_every_exit_status(bare):
    result = bare("--help")
    assert (result.code, result.err) == (0, "")
    text = result.out.decode()
    block = text[text.index("exit status:"):]
    listed = {int(m.group(1)): m.group(2) for m in
              re.finditer(r"^\s+(\d+)\s+(.+)$", block, re.M)}
    assert set(listed) == set(TABLE)
    for code, word in TABLE.items():
        assert word in listed[code].lower(), (code, listed[code])
    assert "404" in listed[4] and "429" in listed[5] and "401" in listed[3]


def test_success_is_0_with_nothing_on_stderr(run, server):
    server.expect_request("/api/Tickets/1").respond_with_json({"id": 1})
    result = run("tickets", "get", "1")
    assert (result.code, result.err, result.records) == (0, "", [{"id": 1}])


# ---------------------------------------------------------------- 2: usage, nothing sent

@pytest.mark.parametrize("argv,words", [
    ([], "COMMAND"),
    (["frobnicate"], "unknown command 'frobnicate'"),
    (["tikets", "list"], "did you mean 'tickets'"),
    (["tickets"], "VERB"),
    (["tickets", "frob"], "unknown verb 'frob'"),
    (["tickets", "get", "abc"], "invalid id value: 'abc'"),
    (["tickets", "get", "1.5"], "invalid id value"),
    (["tickets", "get", "-3"], ""),
    (["tickets", "delete", "1", "x"], "invalid id value: 'x'"),
    (["webhooks", "get", "12"], "uuid"),
    (["tickets", "list", "--limit", "0"], "--limit"),
    (["tickets", "list", "--limit", "ten"], "--limit"),
    (["tickets", "list", "--bogus"], "--bogus"),
    (["--timeout", "0", "tickets", "list"], "--timeout"),
    (["--timeout", "soon", "tickets", "list"], "--timeout"),
    (["--retries", "-1", "tickets", "list"], "--retries"),
    (["-o", "yaml", "tickets", "list"], "yaml"),
    (["tickets", "list", "--param", "novalue"], "--param"),
    (["tickets", "create", "{bad json"], "line 1, column"),
    (["tickets", "create", ""], "empty"),
    (["tickets", "create", "[1, 2]"], "not an object"),
    (["tickets", "create", "42"], "got a number"),
    (["request", "GET"], "PATH"),
    (["request", "BREW", "/Coffee"], "BREW"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_usage_errors_are_exit_2_and_send_nothing(run, server, argv, words):
    line = one_error_line(run(*argv), 2)
    assert words in line
    assert server.log == []


def test_usage_errors_come_before_configuration(bare):
    """A command line that does not parse is a usage error even where nothing is set up."""
    one_error_line(bare("tickets", "get", "abc"), 2)
    one_error_line(bare("nope"), 2)


# ---------------------------------------------------------------- 3: configuration, credentials

def test_invalid_input_is_exit_2_even_with_no_configuration(bare):
    one_error_line(bare("tickets", "create", "{bad"), 2)
    one_error_line(bare("tickets", "update", "-", stdin=b'{"summary": "no id"}\n'), 2)


def test_no_configuration_at_all_is_exit_3(bare):
    line = one_error_line(bare("tickets", "list"), 3)
    assert "url" in line and "HALO_URL" in line


def test_a_wrong_secret_is_exit_3(httpserver, tmp_path):
    httpserver.expect_request("/auth/token").respond_with_json(
        {"error": "invalid_client"}, status=401)
    run = runner_for(httpserver.url_for("").rstrip("/"), tmp_path)
    line = one_error_line(run("tickets", "list"), 3)
    assert "invalid_client" in line and SECRET not in line
    assert api_requests(httpserver, "/api/Tickets") == []


@pytest.mark.parametrize("status", [401, 403])
def test_401_and_403_from_the_api_are_exit_3(run, server, status):
    server.expect_request("/api/Tickets/1").respond_with_json({"message": "no"}, status=status)
    one_error_line(run("tickets", "get", "1"), 3)


# ---------------------------------------------------------------- 1 and 4: refusals

def test_a_400_is_exit_1_with_the_servers_words(run, server):
    server.expect_request("/api/Tickets", method="POST").respond_with_data(
        "Summary is required", status=400, content_type="text/plain")
    result = run("request", "POST", "/Tickets", "[{}]")
    line = one_error_line(result, 1)
    assert line.endswith("HTTP 400: Summary is required")


def test_a_404_is_exit_4(run, server):
    server.expect_request("/api/Tickets/9").respond_with_json(
        {"message": "ticket 9 does not exist"}, status=404)
    line = one_error_line(run("tickets", "get", "9"), 4)
    assert "ticket 9 does not exist" in line


def test_an_empty_200_for_one_record_is_not_found(run, server):
    server.expect_request("/api/Tickets/9").respond_with_data("", status=200)
    one_error_line(run("tickets", "get", "9"), 4)


def test_part_of_a_bulk_write_failing_is_exit_1(run, server):
    def save(request):
        from werkzeug import Response
        records = request.get_json()
        if any(r.get("summary") == "bad" for r in records):
            return Response('{"message": "summary not allowed"}', status=400,
                            content_type="application/json")
        return Response(json.dumps([{"id": 1, **r} for r in records]),
                        content_type="application/json")
    server.expect_request("/api/Tickets", method="POST").respond_with_handler(save)
    body = b'{"summary": "ok1"}\n{"summary": "bad"}\n{"summary": "ok2"}\n'
    result = run("tickets", "create", "-", "--batch-size", "1", stdin=body)
    assert result.code == 1
    assert [r["summary"] for r in result.records] == ["ok1", "ok2"]
    failed = [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]
    assert [f["record"] for f in failed] == [{"summary": "bad"}]
    assert "summary not allowed" in failed[0]["error"]
    assert "Traceback" not in result.err


# ---------------------------------------------------------------- 5: temporary failures

def test_a_500_with_an_html_page_is_one_clean_line(run, server):
    page = ("<!DOCTYPE html><html><head><title>Service Unavailable - Zero size object"
            "</title><style>body{color:red}</style></head><body><h1>Oops</h1>\n<p>Try later"
            "</p></body></html>")
    server.expect_request("/api/Tickets/1").respond_with_data(
        page, status=500, content_type="text/html")
    line = one_error_line(run("tickets", "get", "1"), 5)
    assert "HTTP 500" in line and "Service Unavailable - Zero size object" in line
    assert "<" not in line and "color:red" not in line
    assert len(api_requests(server)) == 6                   # the default 5 retries


def test_throttling_that_outlasts_the_retries_is_exit_5(run, server):
    server.expect_request("/api/Tickets/1").respond_with_data(
        "", status=429, headers={"Retry-After": "1"})
    line = one_error_line(run("--retries", "3", "tickets", "get", "1"), 5)
    assert "HTTP 429" in line and "4 tries" in line
    assert run.sleeps == [1.0, 1.0, 1.0]


def test_an_unreachable_host_is_exit_5(bare):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    line = one_error_line(bare("--url", f"http://127.0.0.1:{port}", "--client-id", "c",
                               "--retries", "0", "tickets", "list",
                               env={"HALO_CLIENT_SECRET": "s"}), 5)
    assert "cannot connect" in line and "Connection refused" in line


def test_a_server_that_never_answers_is_exit_5(raw_server, bare):
    server = raw_server(lambda m, p, n: token_route(m, p) or "hang")
    line = one_error_line(bare("--url", server.url, "--client-id", "c", "--timeout", "0.3",
                               "--retries", "0", "tickets", "get", "1",
                               env={"HALO_CLIENT_SECRET": "s"}), 5)
    assert "no answer within the timeout" in line


def test_a_malformed_json_answer_is_one_line(run, server):
    server.expect_request("/api/Tickets/1").respond_with_data(
        '{"id": 1, "summ', content_type="application/json")
    line = one_error_line(run("--retries", "1", "tickets", "get", "1"), 5)
    assert "unreadable answer" in line
