"""Transport: one keep-alive pool, TLS verification, timeouts, retries with
capped backoff (a create only when the server cannot have acted on it), the -v request
log with secrets redacted, and --dry-run sending nothing.
"""
import email.utils
import json
import shutil
import socket
import ssl
import subprocess
import time
from urllib.parse import parse_qsl

import pytest
from pytest_httpserver import HTTPServer

from conftest import SECRET, TOKEN, api_requests, one_error_line, runner_for
from rawserver import DROP, HANG, http_response, token_route


# ---------------------------------------------------------------- keep-alive

def test_one_connection_carries_discovery_token_and_every_page(raw_server, tmp_path):
    def route(method, path, n):
        if path.startswith("/api/Tickets?"):
            number = int(dict(parse_qsl(path.split("?", 1)[1]))["page_no"])
            return http_response(200, {"record_count": 6, "tickets": [
                {"id": number * 10 + i} for i in (1, 2)]})
        return token_route(method, path)
    server = raw_server(route)
    run = runner_for(server.url, tmp_path)
    result = run("tickets", "list", "--page-size", "2", "--concurrency", "1")
    assert result.code == 0, result
    assert [r["id"] for r in result.records] == [11, 12, 21, 22, 31, 32]
    assert len(server.requests) == 5          # authinfo, token, three pages
    assert server.connections == 1            # all on one kept-alive connection


def test_keep_alive_over_a_raw_socket(raw_server, tmp_path):
    server = raw_server(lambda m, p, n: token_route(m, p) or http_response(200, {"id": 7}))
    run = runner_for(server.url, tmp_path)
    result = run("request", "GET", "/Tickets/7")
    assert result.code == 0, result
    assert len(server.requests) == 3
    assert server.connections == 1


# ---------------------------------------------------------------- TLS

@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True)
    return cert, key


@pytest.fixture
def https_server(certificate):
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server = HTTPServer(host="localhost", ssl_context=context)
    server.start()
    server.expect_request("/auth/token", method="POST").respond_with_json(
        {"access_token": TOKEN, "expires_in": 3600})
    server.expect_request("/api/Tickets/1").respond_with_json({"id": 1})
    yield server
    server.clear()
    server.stop()


def test_tls_is_verified_by_default(https_server, tmp_path):
    run = runner_for(https_server.url_for("").rstrip("/"), tmp_path)
    assert run.env["HALO_URL"].startswith("https://")
    line = one_error_line(run("tickets", "get", "1"), 3)
    assert "TLS" in line and "--ca-bundle" in line
    assert not [r for r, _ in https_server.log if r.path == "/api/Tickets/1"]


def test_ca_bundle_flag_and_environment_make_tls_work(https_server, certificate, tmp_path):
    cert, _ = certificate
    run = runner_for(https_server.url_for("").rstrip("/"), tmp_path / "a")
    result = run("--ca-bundle", str(cert), "tickets", "get", "1")
    assert (result.code, result.records) == (0, [{"id": 1}]), result
    run = runner_for(https_server.url_for("").rstrip("/"), tmp_path / "b",
                     HALO_CA_BUNDLE=str(cert))
    result = run("tickets", "get", "1")
    assert (result.code, result.records) == (0, [{"id": 1}]), result


# ---------------------------------------------------------------- timeouts and the network

def test_a_server_that_never_answers_times_out(raw_server, tmp_path):
    server = raw_server(lambda m, p, n: token_route(m, p) or HANG)
    run = runner_for(server.url, tmp_path)
    started = time.monotonic()
    result = run("--timeout", "0.4", "--retries", "1", "tickets", "get", "1")
    elapsed = time.monotonic() - started
    line = one_error_line(result, 5)
    assert "no answer within the timeout" in line and "2 tries" in line
    assert server.requests.count(("GET", "/api/Tickets/1")) == 2
    assert len(run.sleeps) == 1
    assert elapsed < 5


def test_a_server_that_accepts_and_never_answers_anything(raw_server, tmp_path):
    server = raw_server(lambda m, p, n: HANG)
    run = runner_for(server.url, tmp_path)
    result = run("--timeout", "0.3", "--retries", "0", "tickets", "get", "1")
    line = one_error_line(result, 5)
    assert "timeout" in line
    assert ("GET", "/api/Tickets/1") not in server.requests


def test_connection_refused_is_a_temporary_failure(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]      # closed once the block ends: nothing listens
    run = runner_for(f"http://127.0.0.1:{port}", tmp_path)
    line = one_error_line(run("--retries", "2", "tickets", "get", "1"), 5)
    assert "cannot connect" in line
    assert "urllib3" not in line and "HTTPConnection" not in line
    assert len(run.sleeps) == 2           # the token request, retried twice


def test_unreachable_host_ends_quickly_with_one_line(tmp_path):
    # 192.0.2.0/24 is TEST-NET-1: never routed, so the connect fails or times out.
    run = runner_for("https://192.0.2.1", tmp_path)
    started = time.monotonic()
    line = one_error_line(run("--timeout", "0.5", "--retries", "0", "tickets", "get", "1"), 5)
    assert "connect" in line
    assert time.monotonic() - started < 10


def test_a_dropped_connection_is_retried_for_a_read(raw_server, tmp_path):
    def route(method, path, n):
        if path.startswith("/api/Tickets/3"):
            return DROP if n == 1 else http_response(200, {"id": 3})
        return token_route(method, path)
    server = raw_server(route)
    run = runner_for(server.url, tmp_path)
    result = run("tickets", "get", "3")
    assert (result.code, result.records, result.err) == (0, [{"id": 3}], ""), result
    assert server.requests.count(("GET", "/api/Tickets/3")) == 2
    assert len(run.sleeps) == 1


def test_a_dropped_connection_is_not_retried_for_a_create(raw_server, tmp_path):
    def route(method, path, n):
        return token_route(method, path) or DROP
    server = raw_server(route)
    run = runner_for(server.url, tmp_path)
    result = run("tickets", "create", '{"summary": "once"}')
    assert result.code == 5, result
    assert server.requests.count(("POST", "/api/Tickets")) == 1
    assert run.sleeps == []
    assert "Traceback" not in result.err
    report = [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]
    assert report[0]["record"] == {"summary": "once"}
    assert report[0]["outcome"] == "unknown"


def test_a_create_that_timed_out_is_not_repeated(raw_server, tmp_path):
    server = raw_server(lambda m, p, n: token_route(m, p) or HANG)
    run = runner_for(server.url, tmp_path)
    result = run("--timeout", "0.3", "tickets", "create", '{"summary": "maybe saved"}')
    assert result.code == 5, result
    assert server.requests.count(("POST", "/api/Tickets")) == 1
    assert run.sleeps == []
    assert "server may have acted on it" in result.err
    report = [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]
    assert [(r["outcome"], r["record"]) for r in report] == [
        ("unknown", {"summary": "maybe saved"})]


def test_a_create_is_repeated_when_the_connection_was_refused(raw_server, tmp_path):
    """Nothing listened, so nothing can have been created: the create is sent again."""
    first = raw_server(lambda m, p, n: token_route(m, p) or http_response(200, {}))
    run = runner_for(first.url, tmp_path)
    assert run("request", "GET", "/Ping").code == 0     # the token is now cached
    port = first.port
    first.close()
    servers = []

    class StartOnSleep(list):
        def append(self, seconds):
            super().append(seconds)
            if not servers:
                servers.append(raw_server(lambda m, p, n: http_response(
                    200, {"id": 12, "summary": "s"}), port))
    run.sleeps = StartOnSleep()
    result = run("tickets", "create", '{"summary": "s"}')
    assert (result.code, result.records) == (0, [{"id": 12, "summary": "s"}]), result
    assert len(run.sleeps) == 1
    assert servers[0].requests == [("POST", "/api/Tickets")]


# ---------------------------------------------------------------- retries

def _ticket_after(server, failures):
    """GET /api/Tickets/1 answers each of `failures` (status, headers) once, then 200."""
    for status, headers in failures:
        server.expect_oneshot_request("/api/Tickets/1").respond_with_data(
            "busy", status=status, headers=headers)
    server.expect_request("/api/Tickets/1").respond_with_json({"id": 1})


def test_429_waits_exactly_retry_after(run, server):
    _ticket_after(server, [(429, {"Retry-After": "7"})])
    result = run("tickets", "get", "1")
    assert (result.code, result.records) == (0, [{"id": 1}]), result
    assert run.sleeps == [7.0]
    assert len(api_requests(server)) == 2


def test_retry_after_as_an_http_date(run, server):
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    _ticket_after(server, [(503, {"Retry-After": when})])
    result = run("tickets", "get", "1")
    assert result.code == 0, result
    assert len(run.sleeps) == 1 and 3 <= run.sleeps[0] <= 5


def test_5xx_is_retried_with_growing_jittered_backoff(run, server):
    _ticket_after(server, [(500, {}), (502, {}), (504, {})])
    result = run("tickets", "get", "1")
    assert (result.code, result.records) == (0, [{"id": 1}]), result
    assert len(api_requests(server)) == 4
    assert len(run.sleeps) == 3
    for attempt, wait in enumerate(run.sleeps, 1):
        ceiling = 0.5 * 2 ** (attempt - 1)
        assert ceiling / 2 <= wait <= ceiling


def test_backoff_is_capped_and_gives_up_with_exit_5(run, server):
    server.expect_request("/api/Tickets/1").respond_with_data("down", status=503)
    result = run("--retries", "12", "tickets", "get", "1")
    line = one_error_line(result, 5)
    assert "HTTP 503" in line and "13 tries" in line
    assert len(api_requests(server)) == 13
    assert len(run.sleeps) == 12
    assert max(run.sleeps) <= 20.0
    assert run.sleeps[-1] >= 10.0          # the cap, not a growth without end


@pytest.mark.parametrize("retries", [0, 2])
def test_retries_flag_sets_the_number_of_tries(run, server, retries):
    server.expect_request("/api/Tickets/1").respond_with_data("oops", status=500)
    result = run("--retries", str(retries), "tickets", "get", "1")
    one_error_line(result, 5)
    assert len(api_requests(server)) == retries + 1
    assert len(run.sleeps) == retries


def test_a_create_answered_500_is_not_repeated(run, server):
    server.expect_request("/api/Tickets", method="POST").respond_with_data("boom", status=500)
    result = run("tickets", "create", '{"summary": "only once"}')
    assert result.code == 5, result
    assert len(api_requests(server)) == 1
    assert run.sleeps == []
    assert "only once" in result.err        # the record is in the failure report


def test_a_create_answered_429_is_repeated(run, server):
    server.expect_oneshot_request("/api/Tickets", method="POST").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "2"})
    server.expect_request("/api/Tickets", method="POST").respond_with_json(
        {"id": 9, "summary": "s"})
    result = run("tickets", "create", '{"summary": "s"}')
    assert (result.code, result.records) == (0, [{"id": 9, "summary": "s"}]), result
    posts = api_requests(server)
    assert len(posts) == 2 and posts[0].get_json() == posts[1].get_json() == [{"summary": "s"}]
    assert run.sleeps == [2.0]


def test_a_create_answered_503_with_retry_after_is_repeated(run, server):
    server.expect_oneshot_request("/api/Tickets", method="POST").respond_with_data(
        "maintenance", status=503, headers={"Retry-After": "1"})
    server.expect_request("/api/Tickets", method="POST").respond_with_json({"id": 9})
    result = run("tickets", "create", '{"summary": "s"}')
    assert result.code == 0, result
    assert len(api_requests(server)) == 2


def test_request_post_answered_500_is_not_repeated_but_delete_is(run, server):
    server.expect_request("/api/Thing", method="POST").respond_with_data("boom", status=500)
    one_error_line(run("--unchecked", "request", "POST", "/Thing", "{}"), 5)
    assert len(api_requests(server)) == 1
    server.expect_request("/api/Thing/4", method="DELETE").respond_with_data("boom", status=500)
    one_error_line(run("--retries", "1", "--unchecked", "request", "DELETE", "/Thing/4"), 5)
    assert len(api_requests(server, "/api/Thing/4")) == 2


# ---------------------------------------------------------------- -v and --dry-run

def test_verbose_logs_requests_and_statuses_without_secrets(run, server):
    server.expect_request("/api/Tickets/1").respond_with_json({"id": 1})
    result = run("-v", "--tenant", "acme", "tickets", "get", "1")
    assert result.code == 0, result
    assert result.records == [{"id": 1}]
    log = result.err.splitlines()
    base = server.url_for("").rstrip("/")
    assert f"> POST {base}/auth/token?tenant=acme" in log
    assert f"> GET {base}/api/Tickets/1" in log
    assert any(line.startswith(f"< 200 {base}/api/Tickets/1") for line in log)
    assert TOKEN not in result.err and SECRET not in result.err
    assert TOKEN.encode() not in result.out and SECRET.encode() not in result.out


def test_verbose_logs_retries(run, server):
    _ticket_after(server, [(502, {})])
    result = run("-v", "tickets", "get", "1")
    assert result.code == 0
    assert any(line.startswith("* retrying after: HTTP 502") for line in result.err.splitlines())


def test_dry_run_prints_the_request_and_sends_nothing(run, server):
    result = run("--dry-run", "--unchecked", "tickets", "create", '{"summary": "x"}',
                 "--param", "a=b")
    assert result.code == 0, result
    assert server.log == []                       # not even a token request
    (shown,) = result.records
    base = server.url_for("").rstrip("/")
    assert shown["method"] == "POST"
    assert shown["url"] == f"{base}/api/Tickets?a=b"
    assert shown["body"] == [{"summary": "x"}]
    assert shown["headers"]["Authorization"] == "Bearer <redacted>"
    assert shown["headers"]["Content-Type"] == "application/json"
    assert TOKEN not in result.out.decode() and SECRET not in result.out.decode()
    assert SECRET not in result.err


def test_dry_run_needs_only_the_url(bare):
    result = bare("--url", "https://acme.halopsa.com", "--dry-run", "tickets", "get", "5",
                  "--param", "includedetails=true")
    assert result.code == 0, result
    assert result.records == [{
        "method": "GET", "url": "https://acme.halopsa.com/api/Tickets/5?includedetails=true",
        "headers": {"Authorization": "Bearer <redacted>", "Accept": "application/json"},
        "body": None}]


def test_dry_run_of_a_list_shows_the_first_page(run, server):
    result = run("--dry-run", "tickets", "list", "--page-size", "10", "--client-id", "4")
    assert result.code == 0, result
    assert server.log == []
    url = result.records[0]["url"]
    query = dict(parse_qsl(url.split("?", 1)[1]))
    assert query == {"client_id": "4", "pageinate": "true", "page_size": "10", "page_no": "1"}


# ---------------------------------------------------------------- redirects

def test_a_list_whose_pages_hop_over_more_hosts_than_the_pool_keeps_still_ends(
        raw_server, tmp_path):
    """Each page is redirected through four other hosts: five origins in all, one more
    than halo's pool manager keeps, so the manager lets the first host's pool go on each
    page. halo keeps its own pool for each host it sends to; the next page goes to the
    first host again and must find a pool that works."""
    hops = []

    def hop(index):
        def route(method, path, _n):
            if index == 0 and token_route(method, path):
                return token_route(method, path)
            query = path.split("?", 1)[1]
            if index < 4:
                return http_response(302, b"", headers=[
                    ("Location", f"{hops[index + 1].url}/hop?{query}")])
            page = int(dict(parse_qsl(query))["page_no"])
            return http_response(200, {"record_count": 4,
                                       "tickets": [{"id": page * 2 - 1}, {"id": page * 2}]})
        return route
    hops.extend(raw_server(hop(i)) for i in range(5))
    run = runner_for(hops[0].url, tmp_path)
    result = run("tickets", "list", "--page-size", "2", "--concurrency", "1")
    assert (result.code, result.records) == (0, [{"id": n} for n in (1, 2, 3, 4)]), result
    assert [p for _, p in hops[4].requests] == [
        "/hop?pageinate=true&page_size=2&page_no=1", "/hop?pageinate=true&page_size=2&page_no=2"]


def test_redirect_to_another_host_drops_the_token(run, server):
    other = HTTPServer(host="127.0.0.1")
    other.start()
    try:
        other.expect_request("/elsewhere").respond_with_json({"moved": True})
        server.expect_request("/api/Thing").respond_with_data(
            "", status=302, headers={"Location": other.url_for("/elsewhere")})
        result = run("request", "GET", "/Thing")
        assert (result.code, result.records) == (0, [{"moved": True}]), result
        (request, _), = other.log
        assert "Authorization" not in request.headers
        (first,) = api_requests(server)
        assert first.headers["Authorization"] == f"Bearer {TOKEN}"
    finally:
        other.clear()
        other.stop()
