"""Edges of what halo sends and where: paths exactly as sent (no dot segments, no encoded
slashes, non-ASCII encoded as UTF-8), settings that cannot be sent, scheme-relative
redirects without Python warnings, proxy failures in one clean line, configure saving
every key it documents, and NO_PROXY matching IP addresses exactly."""
import configparser
import json
import os
import socket
import subprocess
import sys
import threading

import pytest

from conftest import ROOT, SECRET, one_error_line, runner_for
from halo_lib.http.proxy import bypassed
from rawserver import http_response, token_route


def api_route(method, path, n):
    return token_route(method, path) or http_response(200, {"id": 1})


# ---------------------------------------------------------------- 1. the path as sent

@pytest.mark.parametrize("path", [
    "/api/tickets/%2e%2e/x", "/api/tickets/%2E%2E/x", "/api/tickets/.%2e/x",
    "/api/tickets/%2e/x", "/api/tickets/%2E", "/api/tickets/a%2Fb", "/api/tickets/a%2fb",
    "/api/tickets/..", "/api/tickets/./x"])
def test_dot_segments_and_encoded_slashes_are_refused_and_nothing_is_sent(
        raw_server, tmp_path, path):
    server = raw_server(api_route)
    run = runner_for(server.url, tmp_path)
    line = one_error_line(run("request", "GET", path), 2)
    assert "nothing was sent" in line
    assert server.requests == []


@pytest.mark.parametrize("path, sent", [
    ("/api/tickets/%7e", "/api/tickets/%7E"),
    ("/api/tickets/é", "/api/tickets/%C3%A9"),
    ("/api/tickets/a b", "/api/tickets/a%20b"),
    ("/api/tickets/50%", "/api/tickets/50%25"),
])
def test_dry_run_shows_the_request_line_byte_for_byte_as_sent(raw_server, tmp_path, path, sent):
    server = raw_server(api_route)
    run = runner_for(server.url, tmp_path)
    shown = run("--dry-run", "request", "GET", path)
    assert shown.code == 0, shown
    assert json.loads(shown.lines[0])["url"] == server.url + sent
    assert server.requests == []
    result = run("request", "GET", path)
    assert result.code == 0, result
    assert [p for m, p in server.requests if p.startswith("/api/tickets")] == [sent]


# ---------------------------------------------------------------- 2. settings not sendable

@pytest.mark.parametrize("name", ["HALO_CLIENT_SECRET", "HALO_CLIENT_ID", "HALO_SCOPE",
                                  "HALO_URL", "HALO_TENANT"])
def test_a_setting_that_is_not_utf8_is_a_config_error_before_anything_is_sent(
        raw_server, tmp_path, name):
    server = raw_server(api_route)
    bad = "s\udcff" if name != "HALO_URL" else server.url + "/\udcff"
    run = runner_for(server.url, tmp_path, **{name: bad})
    line = one_error_line(run("tickets", "list"), 3)
    assert name in line and "unexpected" not in line
    assert server.requests == []


def test_a_setting_that_is_not_utf8_in_a_real_process(raw_server, tmp_path):
    server = raw_server(api_route)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "c"), "XDG_CACHE_HOME": str(tmp_path / "k"),
           "HALO_URL": server.url, "HALO_CLIENT_ID": "cid"}
    env = {k.encode(): v.encode() for k, v in env.items()}
    env[b"HALO_CLIENT_SECRET"] = b"s\xff"
    done = subprocess.run([sys.executable, str(ROOT / "halo.py"), "tickets", "list"],
                          env=env, capture_output=True, timeout=60)
    assert done.returncode == 3, done
    assert done.stderr.count(b"\n") == 1 and b"HALO_CLIENT_SECRET" in done.stderr, done
    assert server.requests == []


# ---------------------------------------------------------------- 3. redirects, warnings

def test_a_scheme_relative_redirect_is_followed_without_a_python_warning(raw_server, tmp_path):
    target = raw_server(api_route)

    def route(method, path, n):
        if path.startswith("/api/Tickets/1"):
            return http_response(302, b"", headers=[
                ("Location", f"//127.0.0.1:{target.port}/api/Tickets/1")])
        return api_route(method, path, n)
    server = raw_server(route)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "c"), "XDG_CACHE_HOME": str(tmp_path / "k"),
           "HALO_URL": server.url, "HALO_CLIENT_ID": "cid", "HALO_CLIENT_SECRET": SECRET,
           "PYTHONWARNINGS": "default"}
    done = subprocess.run([sys.executable, str(ROOT / "halo.py"), "tickets", "get", "1"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, ""), done
    assert json.loads(done.stdout) == {"id": 1}
    assert ("GET", "/api/Tickets/1") in target.requests
    # another port is another origin: the token does not follow
    head = [h for h in target.heads if h.startswith("GET /api/Tickets/1")][0]
    assert "authorization" not in head.lower()


def test_a_relative_redirect_resolves_against_the_request_url(raw_server, tmp_path):
    def route(method, path, n):
        if path.startswith("/api/Tickets/1"):
            return http_response(302, b"", headers=[("Location", "../Tickets/2?x=1")])
        return api_route(method, path, n)
    server = raw_server(route)
    run = runner_for(server.url, tmp_path)
    result = run("tickets", "get", "1")
    assert result.code == 0, result
    assert ("GET", "/api/Tickets/2?x=1") in server.requests


# ---------------------------------------------------------------- 4. proxy failures

def _connect_refusing_proxy(raw_server, status):
    return raw_server(lambda method, path, n: (
        f"HTTP/1.1 {status} Unable to connect\r\nContent-Length: 0\r\n\r\n".encode()))


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_proxy_answering_connect_with_500_is_one_clean_line_exit_5(raw_server, tmp_path):
    proxy = _connect_refusing_proxy(raw_server, 500)
    run = runner_for("https://halo.example", tmp_path)
    line = one_error_line(run("--retries", "0", "--proxy",
                              f"http://user:pw@127.0.0.1:{proxy.port}", "tickets", "list"), 5)
    assert f"the proxy http://127.0.0.1:{proxy.port} refused the tunnel: 500 Unable to " \
           "connect" in line, line
    assert "OSError" not in line and "pw@" not in line and "'" not in line


def test_an_unreachable_proxy_is_one_clean_line_exit_5(tmp_path):
    port = _free_port()
    run = runner_for("https://halo.example", tmp_path)
    line = one_error_line(run("--retries", "0", "--proxy", f"http://u:pw@127.0.0.1:{port}",
                              "tickets", "list"), 5)
    assert f"cannot connect to the proxy http://127.0.0.1:{port}: connection refused" in line
    assert '"' not in line and "pw" not in line


def test_an_https_proxy_uses_the_timeout_given(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)   # accepts, never answers the TLS handshake
    try:
        run = runner_for("https://halo.example", tmp_path)
        result = run("--retries", "0", "--timeout", "2", "--proxy",
                     f"https://127.0.0.1:{listener.getsockname()[1]}", "tickets", "list")
        line = one_error_line(result, 5)
        assert "10.0" not in line and "2 s" in line, line
    finally:
        listener.close()


# ---------------------------------------------------------------- 5, 6. configure

def _config(tmp_path):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(tmp_path / "config" / "halo" / "config")
    return {s: dict(parser.items(s)) for s in parser.sections()}


def test_configure_saves_proxy_rate_and_output(bare, tmp_path):
    result = bare("--url", "https://acme.halopsa.com", "--client-id", "app",
                  "--proxy", "http://proxy.example:3128", "--rate", "500/3m",
                  "-o", "csv", "configure", env={"HALO_CLIENT_SECRET": "x"})
    assert result.code == 0, result
    saved = _config(tmp_path)["default"]
    assert (saved["proxy"], saved["rate"], saved["output"]) == \
        ("http://proxy.example:3128", "500/3m", "csv")


def test_configure_saves_rate_and_output_from_the_environment(bare, tmp_path):
    result = bare("--url", "https://acme.halopsa.com", "--client-id", "app", "configure",
                  env={"HALO_CLIENT_SECRET": "x", "HALO_RATE": "off", "HALO_OUTPUT": "tsv"})
    assert result.code == 0, result
    saved = _config(tmp_path)["default"]
    assert (saved["rate"], saved["output"]) == ("off", "tsv")


@pytest.mark.parametrize("url", ["https://acme.halo\npsa.com", "https://acme halopsa.com"])
def test_configure_with_an_invalid_url_is_a_usage_error_and_writes_nothing(bare, tmp_path, url):
    result = bare("--url", url, "--client-id", "app", "configure",
                  env={"HALO_CLIENT_SECRET": "x"})
    one_error_line(result, 2)
    assert not (tmp_path / "config" / "halo" / "config").exists()


# ---------------------------------------------------------------- 7. NO_PROXY and IPs

@pytest.mark.parametrize("rule, host, direct", [
    (".2.2", "192.0.2.2", False),
    ("2.2", "192.0.2.2", False),
    ("0.2.2", "192.0.2.2", False),
    ("192.0.2.2", "192.0.2.2", True),
    ("192.0.2.0/24", "192.0.2.2", True),
    (".example.com", "a.example.com", True),
])
def test_no_proxy_suffixes_match_host_names_only(rule, host, direct):
    assert bypassed(rule, host, 443) is direct


@pytest.fixture
def tls_squid():
    """A real squid whose listening port speaks TLS (an https:// proxy URL)."""
    import shutil
    import time
    if not shutil.which("squid") or not shutil.which("openssl"):
        pytest.skip("squid and openssl are needed for an https proxy")
    import tempfile
    from pathlib import Path
    where = Path(tempfile.mkdtemp(prefix="halo-squid-"))   # pytest's tmp is 0700 to root
    os.chmod(where, 0o777)   # squid drops to its own user for its logs
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"], check=True, capture_output=True)
    os.chmod(key, 0o644)
    port = _free_port()
    (where / "squid.conf").write_text(
        f"https_port 127.0.0.1:{port} tls-cert={cert} tls-key={key}\nhttp_access allow all\n"
        f"pid_filename {where}/squid.pid\naccess_log {where}/access.log\n"
        f"cache_log {where}/cache.log\ncache deny all\ncoredump_dir {where}\n"
        "shutdown_lifetime 0 seconds\n")
    process = subprocess.Popen(["squid", "-N", "-f", str(where / "squid.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                process.wait()
                shutil.rmtree(where, ignore_errors=True)
                pytest.skip("squid did not start with an https_port")
            time.sleep(0.1)
    yield port, cert, where / "access.log"
    process.terminate()
    process.wait(timeout=15)
    shutil.rmtree(where, ignore_errors=True)


def test_an_https_proxy_url_works_through_a_real_tls_proxy(tls_squid, tmp_path):
    from halo_lib.sandbox import Sandbox
    port, cert, log = tls_squid
    with Sandbox(records=3) as sandbox:
        run = runner_for(sandbox.url, tmp_path, HALO_CLIENT_ID=sandbox.client_id,
                         HALO_CLIENT_SECRET=sandbox.client_secret)
        result = run("--retries", "0", "--proxy", f"https://localhost:{port}",
                     "--ca-bundle", str(cert), "tickets", "list", "--limit", "2")
    assert (result.code, result.err) == (0, ""), result
    assert [r["id"] for r in result.records] == [1, 2]
    import time
    for _ in range(50):   # squid writes its access log a moment after the answer
        if log.exists() and "/api/Tickets" in log.read_text():
            break
        time.sleep(0.1)
    seen = log.read_text()
    assert "POST http://127.0.0.1" in seen and "/auth/token" in seen and "/api/Tickets" in seen
