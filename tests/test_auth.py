"""Authentication: OAuth 2.0 client credentials with /api/authinfo discovery,
the tenant and the scope; the token cached on disk (0700 directory, 0600 file, atomic,
keyed by URL, client id and scope, reused until 60 s before expiry); a 401 on an API call
fetches a new token once and repeats the request."""
import itertools
import json
import os
import stat
import time
from urllib.parse import parse_qsl

import pytest
from werkzeug import Response

from conftest import SECRET, TOKEN, api_requests, one_error_line, runner_for


def token_requests(server, path="/auth/token"):
    return [r for r, _ in server.log if r.path == path]


def form(request):
    return dict(parse_qsl(request.get_data(as_text=True)))


@pytest.fixture
def own(httpserver, tmp_path):
    """halo pointed at the test server, whose token endpoint the test defines itself."""
    return runner_for(httpserver.url_for("").rstrip("/"), tmp_path)


@pytest.fixture
def ticket(server):
    server.expect_request("/api/Tickets/1").respond_with_json({"id": 1})
    return server


# ---------------------------------------------------------------- the token request

def test_client_credentials_request_and_bearer_header(run, ticket):
    result = run("tickets", "get", "1")
    assert (result.code, result.records, result.err) == (0, [{"id": 1}], ""), result
    (request,) = token_requests(ticket)
    assert request.method == "POST"
    assert request.query_string == b""                     # no tenant configured
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form(request) == {"grant_type": "client_credentials", "client_id": "cid",
                             "client_secret": SECRET, "scope": "all"}
    (call,) = api_requests(ticket)
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"
    assert call.headers["Accept"] == "application/json"


@pytest.mark.parametrize("how", ["flag", "env"])
def test_tenant_goes_in_the_token_url(run, ticket, how):
    argv = ["--tenant", "acme corp"] if how == "flag" else []
    env = {"HALO_TENANT": "acme corp"} if how == "env" else {}
    result = run(*argv, "tickets", "get", "1", env=env)
    assert result.code == 0, result
    (request,) = token_requests(ticket)
    assert dict(parse_qsl(request.query_string.decode())) == {"tenant": "acme corp"}


def test_scope_is_sent_as_given(run, ticket):
    result = run("--scope", "read:tickets edit:tickets", "tickets", "get", "1")
    assert result.code == 0, result
    assert form(token_requests(ticket)[0])["scope"] == "read:tickets edit:tickets"


def test_authinfo_auth_url_is_honoured(run, httpserver):
    httpserver.expect_request("/api/authinfo").respond_with_json(
        {"auth_url": httpserver.url_for("/identity/"), "tenant_id": "x"})
    httpserver.expect_request("/identity/token", method="POST").respond_with_json(
        {"access_token": "from-idp", "expires_in": 3600})
    httpserver.expect_request("/api/Tickets/1").respond_with_json({"id": 1})
    result = run("--tenant", "acme", "tickets", "get", "1")
    assert result.code == 0, result
    assert token_requests(httpserver) == []
    (request,) = token_requests(httpserver, "/identity/token")
    assert request.args["tenant"] == "acme"
    assert api_requests(httpserver)[0].headers["Authorization"] == "Bearer from-idp"


@pytest.mark.parametrize("answer", [
    Response("oops", status=500),
    Response("", status=200),
    Response("<html>not json</html>", status=200, content_type="text/html"),
    Response(json.dumps({"auth_url": 5}), content_type="application/json"),
    Response(json.dumps({"auth_url": "http://elsewhere.example/auth"}),
             content_type="application/json"),
    Response(json.dumps({"auth_url": "https://[broken/auth"}), content_type="application/json"),
], ids=["500", "empty", "html", "not-a-url", "plain-http-elsewhere", "unparsable-url"])
def test_failed_or_unusable_authinfo_falls_back_to_url_auth(run, ticket, answer):
    ticket.expect_request("/api/authinfo").respond_with_response(answer)
    result = run("tickets", "get", "1")
    assert result.code == 0, result
    assert len(token_requests(ticket)) == 1
    assert run.sleeps == []                       # discovery is one try, never a wait
    assert len([r for r, _ in ticket.log if r.path == "/api/authinfo"]) == 1


# ---------------------------------------------------------------- refused credentials

def test_wrong_secret_gives_exit_3_with_the_servers_reason(own, httpserver):
    httpserver.expect_request("/auth/token").respond_with_json(
        {"error": "invalid_client", "error_description": "The client secret is not valid"},
        status=401)
    line = one_error_line(own("tickets", "get", "1"), 3)
    assert "The client secret is not valid" in line
    assert SECRET not in line
    assert api_requests(httpserver) == []


def test_token_endpoint_400_is_exit_3(own, httpserver):
    httpserver.expect_request("/auth/token").respond_with_json(
        {"error": "invalid_scope"}, status=400)
    line = one_error_line(own("tickets", "get", "1"), 3)
    assert "invalid_scope" in line


def test_token_answer_without_access_token_is_exit_3(own, httpserver):
    httpserver.expect_request("/auth/token").respond_with_json({"token_type": "Bearer"})
    line = one_error_line(own("tickets", "get", "1"), 3)
    assert "access_token" in line


# ---------------------------------------------------------------- the disk cache

def cache_files(tmp_path):
    return sorted((tmp_path / "cache" / "halo").glob("token-*"))   # the token cache, not the rate state


def test_token_cache_modes_and_reuse_across_runs(run, ticket, tmp_path):
    assert run("tickets", "get", "1").code == 0
    directory = tmp_path / "cache" / "halo"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    (entry,) = cache_files(tmp_path)                        # no temporary file left behind
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert SECRET not in entry.read_text()
    for _ in range(3):
        result = run("tickets", "get", "1")
        assert result.code == 0, result
    assert len(token_requests(ticket)) == 1                 # one token for four runs
    assert len(api_requests(ticket)) == 4
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in api_requests(ticket))


def test_a_loose_cache_directory_is_tightened(run, ticket, tmp_path):
    (tmp_path / "cache" / "halo").mkdir(parents=True, mode=0o755)
    os.chmod(tmp_path / "cache" / "halo", 0o755)
    assert run("tickets", "get", "1").code == 0
    assert stat.S_IMODE((tmp_path / "cache" / "halo").stat().st_mode) == 0o700


def test_cache_is_keyed_by_url_client_id_and_scope(run, ticket, tmp_path):
    assert run("tickets", "get", "1").code == 0
    assert run("tickets", "get", "1").code == 0
    assert len(token_requests(ticket)) == 1
    assert run("--scope", "read:tickets", "tickets", "get", "1").code == 0
    assert len(token_requests(ticket)) == 2
    assert run("--client-id", "other", "tickets", "get", "1").code == 0
    assert len(token_requests(ticket)) == 3
    url = ticket.url_for("").rstrip("/").replace("localhost", "127.0.0.1")
    assert run("--url", url, "tickets", "get", "1").code == 0
    assert len(token_requests(ticket)) == 4
    assert len(cache_files(tmp_path)) == 4
    # each of them is reused
    assert run("--scope", "read:tickets", "tickets", "get", "1").code == 0
    assert run("--client-id", "other", "tickets", "get", "1").code == 0
    assert len(token_requests(ticket)) == 4


@pytest.mark.parametrize("expires_in,fetches", [(30, 3), (60, 3), (90, 1), (3600, 1)])
def test_token_is_reused_until_60_seconds_before_expiry(own, httpserver, expires_in,
                                                        fetches):
    httpserver.expect_request("/auth/token").respond_with_json(
        {"access_token": TOKEN, "expires_in": expires_in})
    httpserver.expect_request("/api/Tickets/1").respond_with_json({"id": 1})
    for _ in range(3):
        assert own("tickets", "get", "1").code == 0
    assert len(token_requests(httpserver)) == fetches


@pytest.mark.parametrize("left,fetches", [(3000, 1), (120, 1), (65, 1), (55, 2), (0, 2),
                                         (-600, 2)])
def test_a_cached_token_is_used_until_its_last_minute(run, ticket, tmp_path, left, fetches):
    """As if the runs of a cron job had gone on until `left` seconds of the token remain."""
    assert run("tickets", "get", "1").code == 0
    (entry,) = cache_files(tmp_path)
    doc = json.loads(entry.read_bytes())
    doc["expires_at"] = time.time() + left
    entry.write_text(json.dumps(doc))
    assert run("tickets", "get", "1").code == 0
    assert len(token_requests(ticket)) == fetches
    if fetches == 2:                                         # the fresh token was stored
        assert json.loads(entry.read_bytes())["expires_at"] > time.time() + 3000


def test_a_corrupt_cache_file_is_ignored(run, ticket, tmp_path):
    assert run("tickets", "get", "1").code == 0
    for entry in cache_files(tmp_path):
        entry.write_bytes(b"\x00garbage{")
    result = run("tickets", "get", "1")
    assert (result.code, result.err) == (0, ""), result
    assert len(token_requests(ticket)) == 2


def test_an_unwritable_cache_only_costs_a_fetch(run, ticket, tmp_path):
    (tmp_path / "cache").write_text("a file where the directory would go")
    for _ in range(2):
        # (the rate budget, which says on stderr that it cannot be shared, is left out)
        result = run("--rate", "off", "tickets", "get", "1")
        assert (result.code, result.err) == (0, ""), result
    assert len(token_requests(ticket)) == 2


# ---------------------------------------------------------------- 401: refresh once

def rotating_tokens(server):
    """The token endpoint hands out tok-1, tok-2, ... on successive requests."""
    numbers = itertools.count(1)

    def issue(request):
        return Response(json.dumps({"access_token": f"tok-{next(numbers)}",
                                    "expires_in": 3600}), content_type="application/json")
    server.expect_request("/auth/token", method="POST").respond_with_handler(issue)


def test_401_fetches_a_new_token_once_and_repeats(httpserver, tmp_path):
    rotating_tokens(httpserver)

    def ticket(request):
        if request.headers.get("Authorization") != "Bearer tok-2":
            return Response('{"message": "token revoked"}', status=401)
        return Response('{"id": 1}', content_type="application/json")
    httpserver.expect_request("/api/Tickets/1").respond_with_handler(ticket)
    run = runner_for(httpserver.url_for("").rstrip("/"), tmp_path)
    result = run("tickets", "get", "1")
    assert (result.code, result.records, result.err) == (0, [{"id": 1}], ""), result
    assert [r.headers["Authorization"] for r in api_requests(httpserver)] == [
        "Bearer tok-1", "Bearer tok-2"]
    assert len(token_requests(httpserver)) == 2
    # the fresh token replaced the revoked one in the cache
    assert run("tickets", "get", "1").code == 0
    assert len(token_requests(httpserver)) == 2
    assert api_requests(httpserver)[-1].headers["Authorization"] == "Bearer tok-2"


def test_401_again_after_the_refresh_is_exit_3(httpserver, tmp_path):
    rotating_tokens(httpserver)
    httpserver.expect_request("/api/Tickets/1").respond_with_json(
        {"message": "not allowed"}, status=401)
    run = runner_for(httpserver.url_for("").rstrip("/"), tmp_path)
    line = one_error_line(run("tickets", "get", "1"), 3)
    assert "401" in line and "tok-" not in line
    assert len(api_requests(httpserver)) == 2
    assert len(token_requests(httpserver)) == 2


def test_403_is_exit_3_without_a_refresh(run, server):
    server.expect_request("/api/Tickets/1").respond_with_json(
        {"message": "scope does not allow this"}, status=403)
    line = one_error_line(run("tickets", "get", "1"), 3)
    assert "scope does not allow this" in line
    assert len(api_requests(server)) == 1
    assert len(token_requests(server)) == 1


def test_401_on_a_create_repeats_the_create_once(httpserver, tmp_path):
    rotating_tokens(httpserver)

    def create(request):
        if request.headers.get("Authorization") != "Bearer tok-2":
            return Response("", status=401)
        return Response(json.dumps({"id": 5, **request.get_json()[0]}),
                        content_type="application/json")
    httpserver.expect_request("/api/Tickets", method="POST").respond_with_handler(create)
    run = runner_for(httpserver.url_for("").rstrip("/"), tmp_path)
    result = run("tickets", "create", '{"summary": "s"}')
    assert (result.code, result.records) == (0, [{"id": 5, "summary": "s"}]), result
    assert len(api_requests(httpserver)) == 2
