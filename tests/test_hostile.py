"""Hostile servers: answers too large, too slow, redirects that would carry credentials
away, unusable tokens, text that would drive the terminal. Each against a real local
server that misbehaves that way."""
import gzip
import os
import socket
import time
import zlib

import pytest
from pytest_httpserver import HTTPServer

from conftest import SECRET, TOKEN, api_requests, one_error_line, runner_for
from rawserver import http_response, token_route


def head(status=200, headers=(), content_type="application/json"):
    lines = [f"HTTP/1.1 {status} X", f"Content-Type: {content_type}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def streaming(status, headers, chunks):
    """An answer that sends its head, then each chunk as it comes (close-delimited)."""
    def answer(conn, stop):
        conn.sendall(head(status, ["Connection: close", *headers]))
        for chunk in chunks():
            if stop.is_set():
                return
            conn.sendall(chunk)
    return answer


def zeros_gzip(total, piece=1 << 20):
    """A gzip body of `total` zero bytes, made and sent a compressed piece at a time."""
    def chunks():
        squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
        block = bytes(piece)
        for _ in range(total // piece):
            yield squeeze.compress(block)
        yield squeeze.flush()
    return chunks


# ---------------------------------------------------------------- size

def test_a_gzip_bomb_stops_at_the_cap_with_exit_5(raw_server, tmp_path):
    # 2 MB on the wire that would inflate to 2 GiB: cut at the 1 MiB cap.
    answer = streaming(200, ["Content-Encoding: gzip"], zeros_gzip(2 << 30))
    server = raw_server(lambda m, p, n: token_route(m, p) or answer)
    started = time.monotonic()
    result = runner_for(server.url, tmp_path)("--max-answer", "1M", "tickets", "get", "1")
    line = one_error_line(result, 5)
    assert "1 MiB" in line and "--max-answer" in line
    assert time.monotonic() - started < 10
    assert server.counts[("GET", "/api/Tickets/1")] == 1   # too large is not retried


def test_a_gzip_answer_under_the_cap_is_inflated(raw_server, tmp_path):
    body = gzip.compress(b'{"id": 1, "summary": "' + b"x" * 300000 + b'"}')
    server = raw_server(lambda m, p, n: token_route(m, p) or http_response(
        200, body, headers=[("Content-Encoding", "gzip")]))
    result = runner_for(server.url, tmp_path)("tickets", "get", "1", "--query", "id")
    assert (result.code, result.out, result.err) == (0, b"1\n", "")


def test_a_huge_content_length_is_refused_before_reading(raw_server, tmp_path):
    answer = head(200, ["Content-Length: 8589934592"]) + b"[" * 1000
    server = raw_server(lambda m, p, n: token_route(m, p) or answer)
    line = one_error_line(runner_for(server.url, tmp_path)("tickets", "list"), 5)
    assert "8 GiB" in line and "64 MiB" in line


def test_a_plain_body_without_length_over_the_cap_is_exit_5(raw_server, tmp_path):
    answer = streaming(200, [], lambda: (b" " * 65536 for _ in range(64)))   # 4 MiB
    server = raw_server(lambda m, p, n: token_route(m, p) or answer)
    result = runner_for(server.url, tmp_path)("--max-answer", "2M", "--unchecked", "request", "GET",
                                                        "/X")
    assert "2 MiB" in one_error_line(result, 5)


def test_the_token_endpoint_answer_is_capped_too(raw_server, tmp_path):
    answer = streaming(200, ["Content-Encoding: gzip"], zeros_gzip(64 << 20))
    server = raw_server(lambda m, p, n: answer if p.startswith("/auth/token")
                        else http_response(404, b""))
    result = runner_for(server.url, tmp_path)("--max-answer", "1M", "tickets", "list")
    assert "token request" in one_error_line(result, 5)
    assert not [r for r in server.requests if r[1].startswith("/api/Tickets")]


def test_a_file_download_is_not_capped_and_streams_to_disk(raw_server, tmp_path):
    data = os.urandom(1 << 20) * 3
    server = raw_server(lambda m, p, n: token_route(m, p) or http_response(
        200, data, content_type="application/pdf"))
    target = tmp_path / "out.pdf"
    result = runner_for(server.url, tmp_path)("--max-answer", "1M", "invoices", "pdf", "1",
                                              "-O", str(target))
    assert (result.code, result.err) == (0, ""), result
    assert target.read_bytes() == data
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".halo-part")]


# ---------------------------------------------------------------- time

def trickle(conn, stop):
    conn.sendall(head(200, ["Content-Length: 1000"]))
    while not stop.wait(0.05):
        conn.sendall(b" ")


def trickle_head(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    while not stop.wait(0.05):
        conn.sendall(b"X: y\r\n")


@pytest.mark.parametrize("answer", [trickle, trickle_head], ids=["body", "headers"])
def test_a_trickling_server_is_cut_off_at_the_timeout(raw_server, tmp_path, answer):
    server = raw_server(lambda m, p, n: token_route(m, p) or answer)
    started = time.monotonic()
    result = runner_for(server.url, tmp_path)("--timeout", "0.5", "--retries", "1",
                                              "tickets", "get", "1")
    elapsed = time.monotonic() - started
    line = one_error_line(result, 5)
    assert "timeout" in line and "2 tries" in line
    assert elapsed < 3.0
    assert server.counts[("GET", "/api/Tickets/1")] == 2


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e9", "86401", "x"])
def test_timeouts_not_positive_finite_and_sane_are_usage_errors(bare, value):
    line = one_error_line(bare("--url", "https://h.example", "--timeout", value,
                               "--dry-run", "tickets", "list"), 2)
    assert "--timeout" in line


@pytest.mark.parametrize("value", ["0", "12", "1T", "-5M", "lots"])
def test_bad_max_answer_values_are_usage_errors(bare, value):
    assert "--max-answer" in one_error_line(
        bare("--url", "https://h.example", "--max-answer", value, "--dry-run", "tickets",
             "list"), 2)


# ---------------------------------------------------------------- redirects

@pytest.fixture
def other():
    server = HTTPServer(host="localhost")   # the host of the `server` fixture, another port
    server.start()
    yield server
    server.clear()
    server.stop()


def test_the_token_request_is_not_redirected_off_its_origin(bare, httpserver, other):
    other.expect_request("/auth/token").respond_with_json({"access_token": TOKEN})
    httpserver.expect_request("/auth/token", method="POST").respond_with_data(
        "", status=307, headers={"Location": other.url_for("/auth/token")})
    httpserver.expect_request("/api/Tickets").respond_with_json([])
    result = bare("--url", httpserver.url_for("").rstrip("/"), "--client-id", "cid",
                  "tickets", "list", env={"HALO_CLIENT_SECRET": SECRET})
    line = one_error_line(result, 3)
    assert "another origin" in line and SECRET not in line
    assert list(other.log) == []


def test_the_token_request_follows_a_redirect_on_its_origin(bare, httpserver):
    httpserver.expect_request("/auth/token", method="POST").respond_with_data(
        "", status=307, headers={"Location": "/auth/token2"})
    httpserver.expect_request("/auth/token2", method="POST").respond_with_json(
        {"access_token": TOKEN, "expires_in": 3600})
    httpserver.expect_request("/api/Tickets").respond_with_json([{"id": 1}])
    result = bare("--url", httpserver.url_for("").rstrip("/"), "--client-id", "cid",
                  "tickets", "list", env={"HALO_CLIENT_SECRET": SECRET})
    assert (result.code, result.records) == (0, [{"id": 1}]), result
    (token2,) = [r for r, _ in httpserver.log if r.path == "/auth/token2"]
    assert SECRET in token2.get_data(as_text=True)


def test_a_redirect_to_another_port_of_the_same_host_drops_authorization(run, server, other):
    other.expect_request("/elsewhere").respond_with_json({"id": 1})
    assert server.host == other.host and server.port != other.port
    server.expect_request("/api/Tickets/1").respond_with_data(
        "", status=302, headers={"Location": other.url_for("/elsewhere")})
    result = run("tickets", "get", "1")
    assert (result.code, result.records) == (0, [{"id": 1}]), result
    (hop,) = [r for r, _ in other.log]
    assert "Authorization" not in hop.headers


def test_a_redirect_on_the_same_origin_keeps_authorization(run, server):
    server.expect_request("/api/Tickets/1").respond_with_data(
        "", status=302, headers={"Location": "/api/Tickets/2"})
    server.expect_request("/api/Tickets/2").respond_with_json({"id": 2})
    assert run("tickets", "get", "1").records == [{"id": 2}]
    (hop,) = [r for r, _ in server.log if r.path == "/api/Tickets/2"]
    assert hop.headers["Authorization"] == f"Bearer {TOKEN}"


# ---------------------------------------------------------------- discovered auth URL

@pytest.fixture
def not_loopback():
    """A server on 127.0.0.2: reachable here, yet not a loopback *name* to halo, so it
    stands for a remote host."""
    try:
        server = HTTPServer(host="127.0.0.2")
        server.start()
    except OSError:
        pytest.skip("127.0.0.2 cannot be bound here")
    yield server
    server.clear()
    server.stop()


def test_a_plain_http_auth_url_elsewhere_never_gets_the_secret(bare, httpserver, not_loopback):
    not_loopback.expect_request("/auth/token").respond_with_json({"access_token": "other"})
    httpserver.expect_request("/api/authinfo").respond_with_json(
        {"auth_url": not_loopback.url_for("/auth").rstrip("/")})
    httpserver.expect_request("/auth/token", method="POST").respond_with_json(
        {"access_token": TOKEN, "expires_in": 3600})
    httpserver.expect_request("/api/Tickets").respond_with_json([])
    result = bare("--url", httpserver.url_for("").rstrip("/"), "--client-id", "cid",
                  "tickets", "list", env={"HALO_CLIENT_SECRET": SECRET})
    assert result.code == 0, result
    assert list(not_loopback.log) == []


def test_insecure_http_allows_a_plain_http_auth_url(bare, httpserver, not_loopback):
    not_loopback.expect_request("/auth/token").respond_with_json(
        {"access_token": TOKEN, "expires_in": 3600})
    httpserver.expect_request("/api/authinfo").respond_with_json(
        {"auth_url": not_loopback.url_for("/auth").rstrip("/")})
    httpserver.expect_request("/api/Tickets").respond_with_json([])
    result = bare("--insecure-http", "--url", httpserver.url_for("").rstrip("/"),
                  "--client-id", "cid", "tickets", "list", env={"HALO_CLIENT_SECRET": SECRET})
    assert result.code == 0, result
    assert len(list(not_loopback.log)) == 1


# ---------------------------------------------------------------- tokens

@pytest.fixture
def strict_auth(httpserver):
    """A token endpoint that accepts SECRET only."""
    from werkzeug.wrappers import Response

    def token(request):
        if request.form.get("client_secret") != SECRET:
            return Response('{"error": "invalid_client"}', 401,
                            content_type="application/json")
        return Response(f'{{"access_token": "{TOKEN}", "expires_in": 3600}}',
                        content_type="application/json")
    httpserver.expect_request("/auth/token", method="POST").respond_with_handler(token)
    httpserver.expect_request("/api/Tickets").respond_with_json([])
    return httpserver


def test_a_cached_token_never_hides_a_wrong_secret(strict_auth, tmp_path):
    run = runner_for(strict_auth.url_for("").rstrip("/"), tmp_path)
    assert run("tickets", "list").code == 0
    wrong = {"HALO_CLIENT_SECRET": "another-secret"}
    result = run("tickets", "list", env=wrong)
    assert "invalid_client" in one_error_line(result, 3)
    assert run("configure", "--test", env=wrong).code == 3
    assert run("tickets", "list").code == 0
    tokens = [r for r, _ in strict_auth.log if r.path == "/auth/token"]
    assert len(tokens) == 3   # the first run's token is reused by the last only


@pytest.mark.parametrize("token", ["tok\r\nX-Evil: 1", "tok\x1b[2J", "tök", "tok en", "t\x00k"])
def test_an_unusable_token_is_refused_never_cached_nor_echoed(bare, httpserver, tmp_path,
                                                              token):
    httpserver.expect_request("/auth/token", method="POST").respond_with_json(
        {"access_token": token, "expires_in": 3600})
    httpserver.expect_request("/api/Tickets").respond_with_json([])
    result = bare("--url", httpserver.url_for("").rstrip("/"), "--client-id", "cid",
                  "tickets", "list", env={"HALO_CLIENT_SECRET": SECRET})
    line = one_error_line(result, 3)
    assert "unusable token" in line and "tok" not in line.split("token")[-1]
    assert api_requests(httpserver) == []
    assert not (tmp_path / "cache" / "halo").exists() or \
        not [n for n in os.listdir(tmp_path / "cache" / "halo") if n.startswith("token-")]


# ---------------------------------------------------------------- redaction

def test_echoed_secret_and_token_are_redacted_in_every_encoding(bare, httpserver):
    import base64
    from urllib.parse import quote, quote_plus
    secret = "s3cret+/value=&x"
    echoes = [secret, quote(secret, safe=""), quote_plus(secret),
              base64.b64encode(secret.encode()).decode(),
              base64.b64encode(f"cid:{secret}".encode()).decode()]
    httpserver.expect_request("/auth/token", method="POST").respond_with_json(
        {"error": "invalid_client", "error_description": " ".join(echoes[:4])}, status=401)
    result = bare("--url", httpserver.url_for("").rstrip("/"), "--client-id", "cid",
                  "tickets", "list", env={"HALO_CLIENT_SECRET": secret})
    line = one_error_line(result, 3)
    assert line.count("<redacted>") == 4
    for echo in echoes[:4]:
        assert echo not in line


def test_an_echoed_token_is_redacted_url_encoded_and_base64(run, server):
    import base64
    server.expect_request("/api/Tickets/1").respond_with_json(
        {"message": f"bad {base64.b64encode(TOKEN.encode()).decode()} and "
                    f"{base64.b64encode(TOKEN.encode()).decode().rstrip('=')}."}, status=400)
    line = one_error_line(run("tickets", "get", "1"), 1)
    assert line.count("<redacted>") == 2


# ---------------------------------------------------------------- terminal safety

def test_escape_sequences_from_the_server_are_shown_escaped(run, server):
    server.expect_request("/api/Tickets/1").respond_with_json(
        {"message": "bad \x1b]0;owned\x07 \x1b[2J\x9b31m \u202eevil"}, status=400)
    line = one_error_line(run("tickets", "get", "1"), 1)
    assert "\x1b" not in line and "\x07" not in line and "\x9b" not in line
    assert "\\x1b]0;owned\\x07" in line and "\\x1b[2J" in line and "\\x9b31m" in line
    assert "\\u202e" in line


def test_verbose_logs_show_server_controlled_urls_escaped(raw_server, tmp_path):
    answer = http_response(302, b"", headers=[("Location", "/api/X\x1b[2J")])
    server = raw_server(lambda m, p, n: token_route(m, p) or answer)
    result = runner_for(server.url, tmp_path)("-v", "tickets", "get", "1")
    assert result.code == 1, result
    assert "\x1b" not in result.err and "\\x1b[2J" in result.err
    assert "Traceback" not in result.err


# ---------------------------------------------------------------- configure writes safely

def test_configure_replaces_a_planted_symlink_and_keeps_0600(bare, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("not halo's\n")
    os.chmod(elsewhere, 0o644)
    path = tmp_path / "config" / "halo" / "config"
    path.parent.mkdir(parents=True)
    path.symlink_to(elsewhere)
    result = bare("--url", "https://h.example", "--client-id", "cid", "configure",
                  stdin=SECRET.encode() + b"\n")
    assert result.code == 0, result
    assert "symlink" in result.err
    assert not path.is_symlink()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert "client_secret = " + SECRET in path.read_text()
    assert elsewhere.read_text() == "not halo's\n"
    assert [p.name for p in path.parent.iterdir()] == ["config"]


@pytest.mark.parametrize("profile", ["a]b", "a\nurl = x", "a\x1bb", " ", "[x"])
def test_configure_refuses_profile_names_that_break_the_file(bare, tmp_path, profile):
    result = bare("--profile", profile, "--url", "https://h.example", "--client-id", "cid",
                  "configure", stdin=b"secret\n")
    assert "profile name" in one_error_line(result, 2)
    assert not (tmp_path / "config" / "halo" / "config").exists()


def test_configure_refuses_a_setting_with_a_line_break(bare, tmp_path):
    result = bare("--url", "https://h.example", "--client-id", "cid", "configure",
                  env={"HALO_CLIENT_SECRET": "x\n[profile evil]\nurl = https://evil"})
    line = one_error_line(result, 2)
    assert "client secret" in line and "evil" not in line
    assert not (tmp_path / "config" / "halo" / "config").exists()


def test_configure_into_an_unwritable_place_is_one_line(bare, tmp_path):
    (tmp_path / "file").write_text("")
    result = bare("--url", "https://h.example", "--client-id", "cid", "configure",
                  stdin=b"secret\n", env={"HALO_CONFIG": str(tmp_path / "file" / "config")})
    line = one_error_line(result, 6)
    assert str(tmp_path / "file" / "config") in line


# ---------------------------------------------------------------- the token cache

def cache_files(tmp_path):
    return sorted(p for p in (tmp_path / "cache" / "halo").iterdir()
                  if p.name.startswith("token-"))


def token_posts(server):
    return len([r for r, _ in server.log if r.path == "/auth/token"])


def plant_fifo(path):
    os.mkfifo(path)


def plant_zero(path):
    path.symlink_to("/dev/zero")


def plant_huge(path):
    with open(path, "wb") as handle:
        handle.truncate(200 << 20)   # sparse: 200 MiB that take no disk


def plant_types(path):
    path.write_text('{"access_token": "planted", "expires_at": "x"}')


def plant_token(path):
    path.write_text('{"access_token": "bad\\r\\ntoken", "expires_at": 99999999999}')


@pytest.mark.parametrize("plant", [plant_fifo, plant_zero, plant_huge, plant_types,
                                   plant_token])
def test_a_planted_cache_file_is_ignored_and_replaced(run, server, tmp_path, plant):
    server.expect_request("/api/Tickets").respond_with_json([])
    assert run("tickets", "list").code == 0
    (entry,) = cache_files(tmp_path)
    entry.unlink()
    plant(entry)
    started = time.monotonic()
    result = run("tickets", "list")
    assert (result.code, result.err) == (0, ""), result
    assert time.monotonic() - started < 5
    assert token_posts(server) == 2
    assert entry.is_file() and not entry.is_symlink() and entry.stat().st_size < 1000
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in api_requests(server))


def test_a_symlinked_cache_dir_is_not_chmodded_through(run, server, tmp_path):
    server.expect_request("/api/Tickets").respond_with_json([])
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "halo").symlink_to(shared)
    assert run("tickets", "list").code == 0
    assert oct(shared.stat().st_mode & 0o777) == "0o755"
    assert not [p for p in shared.iterdir() if p.name.startswith("token-")]   # not ours


# ---------------------------------------------------------------- config files

def test_a_huge_config_file_is_exit_3_naming_it(bare, tmp_path):
    path = tmp_path / "config" / "halo" / "config"
    path.parent.mkdir(parents=True)
    path.write_text("[default]\nurl = https://h.example\n" + "# padding\n" * 200000)
    line = one_error_line(bare("--dry-run", "tickets", "list"), 3)
    assert str(path) in line and "1024 KiB" in line


def test_a_config_path_that_is_a_fifo_is_exit_3_not_a_hang(bare, tmp_path):
    path = tmp_path / "config" / "halo" / "config"
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    line = one_error_line(bare("--dry-run", "tickets", "list"), 3)
    assert str(path) in line and "regular file" in line


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("argv,flag", [
    (["tickets", "create", "--summary", "a\udcffb"], "--summary"),
    (["tickets", "create", "-F", "summary=\udcc3("], "-F"),
    (["tickets", "create", "-f", "summary=\udce9"], "-f"),
    (["tickets", "list", "--search", "caf\udce9"], "--search"),
    (["tickets", "list", "--param", "x=\udcff"], "--param"),
])
def test_invalid_utf8_in_a_flag_is_exit_2_and_nothing_sent(run, server, argv, flag):
    line = one_error_line(run(*argv), 2)
    assert flag in line and "UTF-8" in line and "\\x" in line
    assert api_requests(server) == []


@pytest.mark.parametrize("query", ["[" * 5000 + "]" * 5000, "(" * 5000 + "a" + ")" * 5000,
                                   "!" * 5000 + "a", "a|" * 5000 + "a", "a || " * 5000 + "a"])
def test_a_deeply_nested_query_is_exit_2_and_nothing_sent(run, server, query):
    server.expect_request("/api/Tickets").respond_with_json([{"id": 1}])
    assert "--query" in one_error_line(run("tickets", "list", "--query", query), 2)
    assert api_requests(server) == []


@pytest.mark.parametrize("argv", [
    ["priorities", "get", "."], ["priorities", "get", ".."],
    ["request", "GET", "/Tickets/../Agent"], ["request", "GET", "Tickets/./1"],
    ["--dry-run", "request", "GET", "/Tickets/.."],
])
def test_ids_and_paths_that_normalise_away_are_exit_2(run, server, argv):
    one_error_line(run(*argv), 2)
    assert api_requests(server) == []


def test_dry_run_shows_the_path_that_is_sent(raw_server, tmp_path):
    server = raw_server(lambda m, p, n: token_route(m, p) or http_response(200, {"id": "x"}))
    run = runner_for(server.url, tmp_path)
    shown = run("--dry-run", "priorities", "get", "a é").records[0]["url"]
    assert shown == server.url + "/api/Priority/a%20%C3%A9"
    assert run("priorities", "get", "a é").records == [{"id": "x"}]
    assert server.requests[-1] == ("GET", "/api/Priority/a%20%C3%A9")


def test_an_id_holding_a_slash_is_exit_2_as_a_server_may_decode_it(raw_server, tmp_path):
    server = raw_server(lambda m, p, n: token_route(m, p) or http_response(200, {"id": "x"}))
    run = runner_for(server.url, tmp_path)
    line = one_error_line(run("priorities", "get", "a/.."), 2)
    assert "encoded slash" in line
    assert [r for r in server.requests if r[1].startswith("/api/Priority")] == []


# ---------------------------------------------------------------- -O FILE

@pytest.fixture
def pdf(run, server):
    server.expect_request("/api/Invoice/PDF/1").respond_with_data(
        b"%PDF-1.4 " + b"x" * 100000, content_type="application/pdf")
    return server


@pytest.mark.parametrize("where", ["dir", "missing/out.pdf", "file/out.pdf"])
def test_output_file_that_cannot_be_created_is_one_line_exit_6(run, pdf, tmp_path, where):
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text("")
    target = tmp_path / where
    line = one_error_line(run("invoices", "pdf", "1", "-O", str(target)), 6)
    assert str(target) in line
    assert ("Is a directory" in line or "No such file" in line or "Not a directory" in line)
    assert api_requests(pdf) == []   # found before anything was sent
    assert not [p for p in tmp_path.rglob("*.halo-part")]


def test_output_file_on_a_full_disk_is_one_line_exit_6(pdf, tmp_path):
    """The file system refuses mid-write (a file size limit standing in for a full disk):
    the real process, the real error."""
    import resource
    import signal
    import subprocess
    import sys
    from conftest import ROOT
    target = tmp_path / "out.pdf"

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (50000, 50000))
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "HALO_URL": pdf.url_for("").rstrip("/"),
           "HALO_CLIENT_ID": "cid", "HALO_CLIENT_SECRET": SECRET}
    proc = subprocess.run([sys.executable, str(ROOT / "halo.py"), "invoices", "pdf", "1",
                           "-O", str(target)], env=env, preexec_fn=limit,
                          capture_output=True, timeout=30)
    err = proc.stderr.decode()
    assert proc.returncode == 6, err
    assert err.count("\n") == 1 and str(target) in err and "File too large" in err
    assert "unexpected" not in err and proc.stdout == b""
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cache") == []


def test_an_https_tenant_never_sends_the_secret_to_its_own_host_over_http(tmp_path,
                                                                          not_loopback):
    """https://H names http://H/auth in authinfo: same host, but plain http."""
    import shutil
    import ssl
    import subprocess
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=h",
         "-addext", "subjectAltName=IP:127.0.0.2"], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    tenant = HTTPServer(host="127.0.0.2", ssl_context=context)
    tenant.start()
    try:
        tenant.expect_request("/api/authinfo").respond_with_json(
            {"auth_url": not_loopback.url_for("/auth").rstrip("/")})
        tenant.expect_request("/auth/token", method="POST").respond_with_json(
            {"access_token": TOKEN, "expires_in": 3600})
        tenant.expect_request("/api/Tickets").respond_with_json([])
        not_loopback.expect_request("/auth/token").respond_with_json({"access_token": "x"})
        run = runner_for(tenant.url_for("").rstrip("/"), tmp_path)
        result = run("--ca-bundle", str(cert), "tickets", "list")
        assert result.code == 0, result
        assert list(not_loopback.log) == []
    finally:
        tenant.clear()
        tenant.stop()
