"""The credential `halo webhooks listen` checks: Basic, Bearer or an API-key header, its
secret from HALO_WEBHOOK_SECRET, @FILE or a prompt, never from the command line; and the
warning of a listener open to other machines with no credential at all."""

import os
import re
import subprocess
import time

import pytest

from listenprocess import HALO, answer_of, basic, delivery, send_to, stdout_lines
from test_config import Terminal

SECRET = "HALO_WEBHOOK_SECRET"


def refused(*args, env=None):
    """Run the listener expecting exit 2 before it listens: its one stderr line."""
    environment = {k: v for k, v in os.environ.items() if k != SECRET}
    done = subprocess.run(HALO + ["webhooks", "listen", *args], capture_output=True,
                          stdin=subprocess.DEVNULL, env=dict(environment, **(env or {})),
                          timeout=30)
    err = done.stderr.decode()
    assert done.returncode == 2 and done.stdout == b"", err
    assert err.count("\n") == 1 and err.startswith("halo: ") and "listening" not in err
    return err


@pytest.mark.parametrize("args", [["--basic-auth", "halo:s3cret"],
                                  ["--bearer", "--secret", "s3cret"],
                                  ["--api-key-header", "X-Key", "--secret", "s3cret"]])
def test_a_secret_given_inline_is_refused_with_the_safe_ways(args):
    err = refused(*args, env={SECRET: "from-the-env"})
    assert SECRET in err and "--secret @FILE" in err and "terminal" in err
    assert "s3cret" not in err


@pytest.mark.parametrize("args, said", [
    (["--basic-auth", "halo"], SECRET),                       # no secret anywhere
    (["--bearer", "--basic-auth", "halo"], "one of"),
    (["--secret", "@/nonexistent"], "--secret needs"),
    (["--bearer", "--secret", "@/nonexistent/token"], "cannot read /nonexistent/token"),
    (["--api-key-header", "X Key"], "not a header name"),
])
def test_credential_mistakes_are_usage_errors(args, said):
    assert said in refused(*args)


def status_of(listener, headers=()):
    return status_at(listener.port, headers)


def status_at(port, headers=()):
    return send_to(port, delivery(b'{"ok": 1}', headers=headers))[0]


def test_basic_auth_with_the_password_from_the_environment(listener_factory):
    listener = listener_factory("--basic-auth", "halo", env={SECRET: "s3cret"})
    assert status_of(listener) == 401
    assert status_of(listener, [f"Authorization: {basic('halo', 'wrong')}"]) == 401
    assert status_of(listener, [f"Authorization: {basic('other', 's3cret')}"]) == 401
    assert status_of(listener, ["Authorization: Bearer s3cret"]) == 401
    assert status_of(listener, [f"Authorization: {basic('halo', 's3cret')}"]) == 200
    assert listener.stop() == 130
    assert len(stdout_lines(listener)) == 1


def test_basic_auth_from_a_file_and_a_bearer_token_from_a_file(listener_factory, tmp_path):
    pair, token = tmp_path / "pair", tmp_path / "token"
    pair.write_text("halo:from-file\n")
    token.write_text("tok-123\nignored second line\n")
    with_file = listener_factory("--basic-auth", f"@{pair}")
    assert status_of(with_file, [f"Authorization: {basic('halo', 'from-file')}"]) == 200
    assert status_of(with_file, [f"Authorization: {basic('halo', 'x')}"]) == 401
    bearer = listener_factory("--bearer", "--secret", f"@{token}", env={SECRET: "not-this"})
    status, answer = bearer.send(delivery(b"{}"))
    assert status == 401 and b'WWW-Authenticate: Bearer realm=' in answer
    assert status_of(bearer, ["Authorization: Bearer not-this"]) == 401
    assert status_of(bearer, ["Authorization: bearer tok-123"]) == 200
    assert status_of(bearer, ["Authorization: Bearer tok-123",
                              "Authorization: Bearer tok-123"]) == 401   # two: which one?


def test_an_api_key_in_a_header_of_ones_choosing(listener_factory):
    listener = listener_factory("--api-key-header", "X-Halo-Key", env={SECRET: "k-42"})
    assert status_of(listener) == 401
    assert status_of(listener, ["X-Halo-Key: k-41"]) == 401
    assert status_of(listener, ["Authorization: k-42"]) == 401
    assert status_of(listener, ["x-halo-key: k-42"]) == 200      # header names: any case
    assert listener.stop() == 130
    assert len(stdout_lines(listener)) == 1


def test_credentials_are_checked_as_soon_as_the_headers_are_in(listener_factory):
    listener = listener_factory("--basic-auth", "halo", "--deadline", "20",
                                env={SECRET: "s3cret"})
    head = "POST / HTTP/1.1\r\nContent-Length: 1000\r\n"
    with listener.connect() as sock:          # wrong: 401 without waiting for the body
        sock.sendall(f"{head}Authorization: {basic('halo', 'no')}\r\n\r\n".encode())
        started = time.monotonic()
        status, _ = answer_of(sock)
        assert status == 401 and time.monotonic() - started < 5
    with listener.connect() as sock:          # right, asking first: 100 Continue
        sock.sendall(f"{head}Authorization: {basic('halo', 's3cret')}\r\n"
                     "Expect: 100-continue\r\n\r\n".encode())
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(b"[" + b" " * 998 + b"]")
        assert answer_of(sock)[0] == 200


def test_the_password_is_asked_on_a_terminal(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != SECRET}
    env["HOME"] = str(tmp_path)
    term = Terminal(["webhooks", "listen", "--basic-auth", "halo", "--count", "1"], env)
    try:
        term.expect(b"Password for halo (not shown): ")
        term.type("typed-pw")
        term.expect(b"/ for webhook deliveries")
        port = int(re.search(rb"127\.0\.0\.1:(\d+)/ for webhook", term.seen).group(1))
        assert status_at(port, [f"Authorization: {basic('halo', 'wrong')}"]) == 401
        assert status_at(port, [f"Authorization: {basic('halo', 'typed-pw')}"]) == 200
        term.expect(b'"body":{"ok":1}')
        assert term.finish() == 0
        assert b"typed-pw" not in term.seen                      # never echoed
    finally:
        term.close()


def after_start(listener):
    """What the listener says on stderr after its first line, once it serves."""
    assert listener.send(b"GET / HTTP/1.1\r\n\r\n")[0] == 405   # past its start
    listener.stop()
    return listener.process.stderr.read().decode()


def test_an_open_address_with_no_credential_starts_with_a_warning(listener_factory):
    err = after_start(listener_factory("--host", "0.0.0.0"))
    assert err.startswith("halo: warning: 0.0.0.0 is reachable from other machines")
    assert "--basic-auth" in err and err.count("\n") == 1
    assert after_start(listener_factory("--host", "0.0.0.0", "--bearer",
                                        env={SECRET: "s"})) == ""
    assert after_start(listener_factory()) == ""
