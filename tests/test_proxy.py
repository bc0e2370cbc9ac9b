"""Proxies, through a real tinyproxy on a loopback port: CONNECT for https (verified end to
end), forwarding for plain http, NO_PROXY, proxy authentication, and credentials never shown.

The Halo stand-ins listen on 127.0.0.1 but are addressed by this machine's host name, which
is not a loopback name, so the proxy settings from the environment apply to them.
"""
import shutil
import socket
import ssl
import subprocess
import time

import pytest
from pytest_httpserver import HTTPServer

from conftest import TOKEN, one_error_line, runner_for
from halo_lib.http.proxy import bypassed

pytestmark = pytest.mark.skipif(not shutil.which("tinyproxy"), reason="tinyproxy is not installed")
USER, PASSWORD = "halo-user", "pr0xy-pa55word"


def _host_name():
    name = socket.gethostname()
    try:
        if socket.gethostbyname(name).startswith("127."):
            return name.lower()
    except OSError:
        pass
    pytest.skip("this machine's host name does not resolve to a loopback address")


class Tinyproxy:
    def __init__(self, where, auth=False):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log = where / f"tinyproxy-{self.port}.log"
        conf = where / f"tinyproxy-{self.port}.conf"
        conf.write_text(f'Port {self.port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 40\n'
                        f'LogFile "{self.log}"\nLogLevel Connect\n'
                        + (f"BasicAuth {USER} {PASSWORD}\n" if auth else ""))
        self.process = subprocess.Popen(["tinyproxy", "-d", "-c", str(conf)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("tinyproxy did not start")
                time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}"

    def requests(self):
        """The request lines the proxy received ("CONNECT host:port HTTP/1.1", "GET url ...")."""
        text = self.log.read_text() if self.log.exists() else ""
        return [line.split("): ", 1)[1] for line in text.splitlines() if "Request (file" in line]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def proxy(tmp_path):
    server = Tinyproxy(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def auth_proxy(tmp_path):
    server = Tinyproxy(tmp_path, auth=True)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    name = _host_name()
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name},DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True)
    return cert, key


def _https(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server = HTTPServer(host="127.0.0.1", ssl_context=context)
    server.start()
    return server


@pytest.fixture
def halo_https(certificate):
    """An https Halo whose token endpoint is on a second https host (its own CONNECT)."""
    cert, key = certificate
    api, auth = _https(cert, key), _https(cert, key)
    name = _host_name()
    api.expect_request("/api/authinfo").respond_with_json(
        {"auth_url": f"https://{name}:{auth.port}/auth"})
    auth.expect_request("/auth/token", method="POST").respond_with_json(
        {"access_token": TOKEN, "expires_in": 3600})
    api.expect_request("/api/Tickets/1").respond_with_json({"id": 1, "summary": "via proxy"})
    api.url = f"https://{name}:{api.port}"
    api.auth_port = auth.port
    yield api
    for server in (api, auth):
        server.clear()
        server.stop()


@pytest.fixture
def halo_http():
    """A plain-http Halo addressed by host name (needs --insecure-http)."""
    server = HTTPServer(host="127.0.0.1")
    server.start()
    server.expect_request("/auth/token", method="POST").respond_with_json(
        {"access_token": TOKEN, "expires_in": 3600})
    server.expect_request("/api/Tickets/1").respond_with_json({"id": 1})
    server.url = f"http://{_host_name()}:{server.port}"
    yield server
    server.clear()
    server.stop()


def test_https_goes_through_a_connect_tunnel_token_request_included(proxy, halo_https,
                                                                    certificate, tmp_path):
    run = runner_for(halo_https.url, tmp_path, HTTPS_PROXY=proxy.url,
                     HALO_CA_BUNDLE=str(certificate[0]))
    result = run("tickets", "get", "1")
    assert (result.code, result.records) == (0, [{"id": 1, "summary": "via proxy"}]), result
    name = _host_name()
    tunnels = [line for line in proxy.requests() if line.startswith("CONNECT ")]
    assert f"CONNECT {name}:{halo_https.port} HTTP/1.0" in tunnels
    assert f"CONNECT {name}:{halo_https.auth_port} HTTP/1.0" in tunnels   # the token request
    assert [r.path for r, _ in halo_https.log][-1] == "/api/Tickets/1"


def test_the_tunnel_is_still_verified_end_to_end(proxy, halo_https, tmp_path):
    run = runner_for(halo_https.url, tmp_path, https_proxy=proxy.url)
    line = one_error_line(run("tickets", "get", "1"), 3)   # no --ca-bundle: not trusted
    assert "TLS" in line and "certificate" in line.lower()
    assert any(r.startswith("CONNECT ") for r in proxy.requests())


def test_plain_http_is_forwarded_through_http_proxy(proxy, halo_http, tmp_path):
    run = runner_for(halo_http.url, tmp_path, http_proxy=proxy.url)
    result = run("--insecure-http", "tickets", "get", "1")
    assert result.code == 0, result
    assert f"GET {halo_http.url}/api/Tickets/1 HTTP/1.1" in proxy.requests()
    request = [r for r, _ in halo_http.log if r.path == "/api/Tickets/1"][0]
    assert "tinyproxy" in request.headers.get("Via", "")   # the server saw the proxy


@pytest.mark.parametrize("no_proxy", ["{name}", ".{name}", "{name}:{port}", "*",
                                      "example.com, {name}", "127.0.0.1,{name}"])
def test_no_proxy_sends_the_request_direct(proxy, halo_https, certificate, tmp_path, no_proxy):
    rule = no_proxy.format(name=_host_name(), port=halo_https.port)
    run = runner_for(halo_https.url, tmp_path, HTTPS_PROXY=proxy.url, NO_PROXY=rule,
                     HALO_CA_BUNDLE=str(certificate[0]))
    result = run("tickets", "get", "1")
    assert result.code == 0, result
    assert not any(f":{halo_https.port} " in line for line in proxy.requests())


def test_no_proxy_with_another_port_still_goes_through_the_proxy(proxy, halo_https,
                                                                 certificate, tmp_path):
    run = runner_for(halo_https.url, tmp_path, HTTPS_PROXY=proxy.url,
                     no_proxy=f"{_host_name()}:1", HALO_CA_BUNDLE=str(certificate[0]))
    assert run("tickets", "get", "1").code == 0
    assert f"CONNECT {_host_name()}:{halo_https.port} HTTP/1.0" in proxy.requests()


def test_loopback_is_not_proxied_unless_named_with_the_flag(proxy, server, tmp_path):
    url = server.url_for("").rstrip("/")             # http://localhost:PORT
    server.expect_request("/api/Tickets/1").respond_with_json({"id": 1})
    run = runner_for(url, tmp_path, HTTP_PROXY=proxy.url, HTTPS_PROXY=proxy.url)
    assert run("tickets", "get", "1").code == 0
    assert proxy.requests() == []
    assert run("--proxy", proxy.url, "tickets", "get", "1").code == 0
    assert f"GET {url}/api/Tickets/1 HTTP/1.1" in proxy.requests()


def test_flag_beats_environment_beats_profile(proxy, tmp_path, halo_http):
    dead = "http://127.0.0.1:9"    # nothing listens there
    config = tmp_path / "config" / "halo"
    config.mkdir(parents=True)
    (config / "config").write_text(f"[default]\nproxy = {dead}\n")
    run = runner_for(halo_http.url, tmp_path, HALO_RETRIES="0")
    failed = one_error_line(run("--insecure-http", "--retries", "0", "tickets", "get", "1"), 5)
    assert "proxy" in failed                               # the profile's proxy was used
    env_run = runner_for(halo_http.url, tmp_path, HTTP_PROXY=proxy.url)
    assert env_run("--insecure-http", "tickets", "get", "1").code == 0
    assert env_run("--insecure-http", "--proxy", dead, "--retries", "0",
                   "tickets", "get", "1").code == 5       # the flag beats the environment


def test_proxy_credentials_are_used_and_never_shown(auth_proxy, halo_https, certificate,
                                                    tmp_path):
    with_credentials = f"http://{USER}:{PASSWORD}@127.0.0.1:{auth_proxy.port}"
    run = runner_for(halo_https.url, tmp_path, HTTPS_PROXY=with_credentials,
                     HALO_CA_BUNDLE=str(certificate[0]))
    result = run("-v", "tickets", "get", "1")
    assert result.code == 0, result
    assert PASSWORD not in result.err and PASSWORD.encode() not in result.out
    assert f"CONNECT {_host_name()}:{halo_https.port} HTTP/1.0" in auth_proxy.requests()
    dry = run("--dry-run", "--proxy", with_credentials, "tickets", "list")
    assert dry.code == 0 and PASSWORD.encode() not in dry.out and PASSWORD not in dry.err


@pytest.mark.parametrize("given", ["", f"{USER}:wrong-password@"])
def test_a_proxy_refusing_the_tunnel_is_exit_3_naming_it_without_credentials(
        auth_proxy, halo_https, certificate, tmp_path, given):
    run = runner_for(halo_https.url, tmp_path, HALO_CA_BUNDLE=str(certificate[0]))
    result = run("--proxy", f"http://{given}127.0.0.1:{auth_proxy.port}", "tickets", "get", "1")
    line = one_error_line(result, 3)
    assert f"proxy http://127.0.0.1:{auth_proxy.port} refused: HTTP 40" in line   # 407 or 401
    assert "wrong-password" not in line and USER not in line
    assert [r for r, _ in halo_https.log] == []             # nothing reached the server


def test_a_forwarding_proxy_answering_407_is_exit_3(auth_proxy, halo_http, tmp_path):
    run = runner_for(halo_http.url, tmp_path, HTTP_PROXY=auth_proxy.url)
    line = one_error_line(run("--insecure-http", "tickets", "get", "1"), 3)
    assert f"proxy http://127.0.0.1:{auth_proxy.port} refused: HTTP 407" in line


def test_a_presigned_upload_goes_through_the_proxy(proxy, tmp_path):
    from halo_lib.sandbox import Sandbox
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * (5 * 1024 * 1024))
    with Sandbox(records=5) as sandbox:
        run = runner_for(sandbox.url, tmp_path, HALO_CLIENT_ID=sandbox.client_id,
                         HALO_CLIENT_SECRET=sandbox.client_secret)
        result = run("--proxy", proxy.url, "attachments", "upload", str(big), "--ticket-id", "1")
        assert result.code == 0, result
    lines = proxy.requests()
    assert any(line.startswith("POST ") and "/auth/token" in line for line in lines)
    assert any(line.startswith("PUT ") and "/s3/" in line for line in lines), lines


def test_a_bad_proxy_url_is_exit_3_without_credentials(tmp_path, halo_http):
    run = runner_for(halo_http.url, tmp_path)
    line = one_error_line(run("--insecure-http", "--proxy", "ftp://u:secretpw@host:21",
                              "tickets", "get", "1"), 3)
    assert "invalid proxy URL" in line and "secretpw" not in line


@pytest.mark.parametrize("scheme, flag, env, named", [
    ("http", ("--proxy", "http://[::1"), {}, "--proxy"),
    ("https", (), {"HTTPS_PROXY": "http://[::1"}, "HTTPS_PROXY"),
    ("https", (), {"https_proxy": "http://u:secretpw@[::1:3128"}, "https_proxy"),
    ("http", (), {"HTTP_PROXY": "[::1]:99999"}, "HTTP_PROXY"),
    ("http", (), {"ALL_PROXY": "http://[::1"}, "ALL_PROXY"),
])
def test_a_malformed_proxy_url_is_exit_3_naming_the_setting(tmp_path, scheme, flag, env, named):
    """An IPv6 address without its closing bracket is no URL urlsplit can read: a clean
    exit 3 naming where the value came from, nothing sent, never a ValueError."""
    from rawserver import RawServer
    server = RawServer(lambda method, path, n: None)
    try:
        url = f"{scheme}://halo.invalid:{server.port}"
        run = runner_for(url, tmp_path, **env)
        line = one_error_line(run(*flag, "--insecure-http", "tickets", "get", "1"), 3)
    finally:
        server.close()
    assert "invalid proxy URL" in line and f"in {named}" in line, line
    assert "ValueError" not in line and "secretpw" not in line, line
    assert server.requests == [] and server.connections == 0


@pytest.mark.parametrize("rule, host, port, direct", [
    ("example.com", "example.com", 443, True),
    ("example.com", "api.example.com", 443, True),
    (".example.com", "api.example.com", 443, True),
    (".example.com", "example.com", 443, True),
    ("example.com", "badexample.com", 443, False),
    ("example.com:8443", "example.com", 443, False),
    ("example.com:8443", "example.com", 8443, True),
    ("10.0.0.5", "10.0.0.5", 443, True),
    ("10.0.0.0/8", "10.1.2.3", 443, True),
    ("::1", "[::1]", 443, True),
    ("*", "anything.at.all", 443, True),
    ("", "example.com", 443, False),
])
def test_no_proxy_rules(rule, host, port, direct):
    assert bypassed(rule, host, port) is direct
