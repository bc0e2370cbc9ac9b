"""Credentials stay secret and stay home."""
import json
import os
import stat

import pytest
from pytest_httpserver import HTTPServer

from conftest import TOKEN, api_requests

SECRET = "s3cret-value"


def leaks(result):
    text = result.out.decode("utf-8", "replace") + result.err
    return [s for s in (TOKEN, SECRET) if s in text]


@pytest.mark.parametrize("argv", [
    ["-v", "tickets", "list"],
    ["-v", "tickets", "get", "1"],
    ["--dry-run", "tickets", "create", '{"a": 1}'],
    ["--dry-run", "-v", "request", "GET", "/Tickets"],
    ["-v", "tickets", "get", "404"],
    ["-v", "tickets", "get", "500"],
])
def test_token_and_secret_never_printed(run, server, argv):
    server.expect_request("/api/Tickets").respond_with_json([{"id": 1}])
    server.expect_request("/api/Tickets/1").respond_with_json({"id": 1})
    server.expect_request("/api/Tickets/404").respond_with_data("gone", status=404)
    server.expect_request("/api/Tickets/500").respond_with_data(
        f"<html>echo {TOKEN}</html>", status=400)
    result = run(*argv)
    assert leaks(result) == []


def test_wrong_secret_error_does_not_echo_the_secret(bare, httpserver):
    httpserver.expect_request("/auth/token", method="POST").respond_with_json(
        {"error": "invalid_client"}, status=401)
    result = bare("--url", httpserver.url_for("").rstrip("/"), "--client-id", "cid", "-v",
                  "tickets", "list", env={"HALO_CLIENT_SECRET": SECRET})
    assert result.code == 3
    assert SECRET not in result.err and "invalid_client" in result.err


def test_redirect_to_another_host_drops_the_token(run, server):
    other = HTTPServer(host="127.0.0.1")
    other.start()
    try:
        other.expect_request("/elsewhere").respond_with_json({"id": 1})
        # localhost and 127.0.0.1 are different hosts to the client.
        server.expect_request("/api/Tickets/1").respond_with_data(
            "", status=302, headers={"Location": other.url_for("/elsewhere")})
        result = run("tickets", "get", "1")
        assert result.code == 0, result
        (hop,) = [r for r, _ in other.log]
        assert "Authorization" not in hop.headers
    finally:
        other.clear()
        other.stop()


def test_plain_http_to_a_remote_host_is_refused(bare):
    result = bare("--url", "http://halo.example.com", "--client-id", "c", "tickets", "list",
                  env={"HALO_CLIENT_SECRET": "x"})
    assert result.code == 3
    assert "--insecure-http" in result.err


def test_a_readable_config_holding_a_secret_draws_a_warning(bare, tmp_path):
    path = tmp_path / "config" / "halo" / "config"
    path.parent.mkdir(parents=True)
    path.write_text("[default]\nurl = https://h.example\nclient_id = c\nclient_secret = x\n")
    os.chmod(path, 0o644)
    result = bare("--dry-run", "tickets", "list")
    assert result.code == 0
    assert "warning" in result.err and "chmod 600" in result.err
    os.chmod(path, 0o600)
    assert bare("--dry-run", "tickets", "list").err == ""


def test_token_cache_is_private_from_the_first_byte(run, server, tmp_path):
    server.expect_request("/api/Tickets").respond_with_json([])
    old = os.umask(0)
    try:
        assert run("tickets", "list").code == 0
    finally:
        os.umask(old)
    cache = tmp_path / "cache" / "halo"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    (entry,) = list(cache.glob("token-*"))
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert json.loads(entry.read_text())["access_token"] == TOKEN


def test_request_refuses_a_url_on_another_host(run, server):
    result = run("request", "GET", "https://evil.example.com/api/Tickets")
    assert result.code == 2
    assert api_requests(server) == []


def test_authinfo_pointing_to_plain_http_elsewhere_is_ignored(bare, httpserver):
    httpserver.expect_request("/api/authinfo").respond_with_json(
        {"auth_url": "http://evil.example.com/auth"})
    httpserver.expect_request("/auth/token", method="POST").respond_with_json(
        {"access_token": TOKEN, "expires_in": 3600})
    httpserver.expect_request("/api/Tickets").respond_with_json([])
    url = httpserver.url_for("").rstrip("/")
    result = bare("--url", url, "--client-id", "c", "tickets", "list",
                  env={"HALO_CLIENT_SECRET": SECRET})
    assert result.code == 0, result
    assert any(r.path == "/auth/token" for r, _ in httpserver.log)
