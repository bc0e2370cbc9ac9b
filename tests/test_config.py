"""Configuration: the profile file ($HALO_CONFIG or the XDG path, [default]
and [profile NAME]), the HALO_* environment and the global flags, flags > environment >
file; `halo configure` interactive (a real terminal) and not; `configure --test`; a missing
setting is exit 3 naming the setting and the ways to set it."""
import configparser
import os
import pty
import select
import stat
import subprocess
import sys
import time
from urllib.parse import parse_qsl

import pytest

from conftest import ROOT, SECRET, TOKEN, api_requests, one_error_line, Runner


def base_env(tmp_path, **extra):
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.update(extra)
    return env


def write_config(path, text, mode=0o600):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(path, mode)
    return path


def read_config(path):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path)
    return {s: dict(parser.items(s)) for s in parser.sections()}


def token_form(server):
    (request,) = [r for r, _ in server.log if r.path == "/auth/token"]
    return dict(parse_qsl(request.get_data(as_text=True))), request


@pytest.fixture
def url(server):
    server.expect_request("/api/Tickets/1").respond_with_json({"id": 1})
    return server.url_for("").rstrip("/")


# ---------------------------------------------------------------- the profile file

def test_default_section_of_the_xdg_config_file(server, url, tmp_path):
    write_config(tmp_path / "config" / "halo" / "config",
                 f"[default]\nurl = {url}\nclient_id = file-id\nclient_secret = file-secret\n"
                 "scope = read:tickets\ntenant = filetenant\n")
    result = Runner(base_env(tmp_path))("tickets", "get", "1")
    assert (result.code, result.records, result.err) == (0, [{"id": 1}], ""), result
    form, request = token_form(server)
    assert form["client_id"] == "file-id" and form["client_secret"] == "file-secret"
    assert form["scope"] == "read:tickets"
    assert request.args["tenant"] == "filetenant"


def test_xdg_default_is_under_home(server, url, tmp_path):
    write_config(tmp_path / ".config" / "halo" / "config",
                 f"[default]\nurl = {url}\nclient_id = home-id\nclient_secret = x\n")
    env = {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = Runner(env)("tickets", "get", "1")
    assert result.code == 0, result
    assert token_form(server)[0]["client_id"] == "home-id"


def test_halo_config_names_the_file(server, url, tmp_path):
    write_config(tmp_path / "config" / "halo" / "config",
                 f"[default]\nurl = {url}\nclient_id = xdg-id\nclient_secret = x\n")
    other = write_config(tmp_path / "elsewhere.ini",
                         f"[default]\nurl = {url}\nclient_id = named-id\nclient_secret = x\n")
    result = Runner(base_env(tmp_path, HALO_CONFIG=str(other)))("tickets", "get", "1")
    assert result.code == 0, result
    assert token_form(server)[0]["client_id"] == "named-id"


PROFILES = ("[default]\nurl = {url}\nclient_id = default-id\nclient_secret = d\n\n"
            "[profile work]\nurl = {url}\nclient_id = work-id\nclient_secret = w\n\n"
            "[profile home]\nurl = {url}\nclient_id = home-id\nclient_secret = h\n")


@pytest.mark.parametrize("argv,env,expected", [
    ([], {}, "default-id"),
    (["--profile", "work"], {}, "work-id"),
    ([], {"HALO_PROFILE": "work"}, "work-id"),
    (["--profile", "home"], {"HALO_PROFILE": "work"}, "home-id"),
    (["--profile", "default"], {"HALO_PROFILE": "work"}, "default-id"),
])
def test_profile_chosen_by_flag_then_environment(server, url, tmp_path, argv, env, expected):
    write_config(tmp_path / "config" / "halo" / "config", PROFILES.format(url=url))
    result = Runner(base_env(tmp_path, **env))(*argv, "tickets", "get", "1")
    assert result.code == 0, result
    assert token_form(server)[0]["client_id"] == expected


def test_global_flags_are_accepted_after_the_command_too(server, url, tmp_path):
    write_config(tmp_path / "config" / "halo" / "config", PROFILES.format(url=url))
    result = Runner(base_env(tmp_path))("tickets", "get", "1", "--profile", "work")
    assert result.code == 0, result
    assert token_form(server)[0]["client_id"] == "work-id"


def test_an_unknown_profile_is_exit_3(tmp_path, server):
    write_config(tmp_path / "config" / "halo" / "config", "[default]\nurl = https://x.example\n")
    line = one_error_line(Runner(base_env(tmp_path))("--profile", "nope", "tickets", "list"), 3)
    assert "'nope'" in line and "halo --profile nope configure" in line
    assert server.log == []


def test_flags_beat_environment_beat_file(server, url, tmp_path):
    write_config(tmp_path / "config" / "halo" / "config",
                 "[default]\nurl = https://wrong.example\nclient_id = file-id\n"
                 "client_secret = file-secret\nscope = file-scope\ntenant = file-tenant\n")
    env = base_env(tmp_path, HALO_URL=url, HALO_CLIENT_ID="env-id",
                   HALO_CLIENT_SECRET="env-secret", HALO_SCOPE="env-scope",
                   HALO_TENANT="env-tenant")
    run = Runner(env)
    assert run("tickets", "get", "1").code == 0
    form, request = token_form(server)
    assert (form["client_id"], form["client_secret"], form["scope"]) == (
        "env-id", "env-secret", "env-scope")
    assert request.args["tenant"] == "env-tenant"
    server.log.clear()
    result = run("--client-id", "flag-id", "--scope", "flag-scope", "--tenant", "flag-tenant",
                 "tickets", "get", "1")
    assert result.code == 0, result
    form, request = token_form(server)
    assert (form["client_id"], form["client_secret"], form["scope"]) == (
        "flag-id", "env-secret", "flag-scope")
    assert request.args["tenant"] == "flag-tenant"


def test_url_flag_beats_environment_and_file(server, url, tmp_path):
    write_config(tmp_path / "config" / "halo" / "config",
                 "[default]\nurl = https://file.example\nclient_id = c\nclient_secret = s\n")
    run = Runner(base_env(tmp_path, HALO_URL="https://env.example"))
    result = run("--url", url + "/api/", "tickets", "get", "1")   # the /api suffix is dropped
    assert result.code == 0, result
    assert [r.path for r in api_requests(server)] == ["/api/Tickets/1"]


def test_a_readable_secret_draws_a_warning(server, url, tmp_path):
    path = write_config(tmp_path / "config" / "halo" / "config",
                        f"[default]\nurl = {url}\nclient_id = c\nclient_secret = s\n", 0o644)
    result = Runner(base_env(tmp_path))("tickets", "get", "1")
    assert result.code == 0
    assert result.records == [{"id": 1}]
    (line,) = result.err.splitlines()
    assert "warning" in line and f"chmod 600 {path}" in line
    os.chmod(path, 0o600)
    assert Runner(base_env(tmp_path))("tickets", "get", "1").err == ""


def test_a_broken_config_file_is_exit_3(tmp_path):
    write_config(tmp_path / "config" / "halo" / "config", "url = no section header\n")
    line = one_error_line(Runner(base_env(tmp_path))("tickets", "list"), 3)
    assert "config" in line


def test_plain_http_to_a_remote_host_is_refused(bare):
    line = one_error_line(bare("--url", "http://acme.example", "--client-id", "c",
                               "tickets", "list", env={"HALO_CLIENT_SECRET": "s"}), 3)
    assert "--insecure-http" in line
    result = bare("--url", "http://acme.example", "--insecure-http", "--dry-run",
                  "tickets", "get", "1")
    assert result.code == 0
    assert result.records[0]["url"] == "http://acme.example/api/Tickets/1"


@pytest.mark.parametrize("url,words", [
    ("https://", "no host"),
    ("https://exa mple.com", "space"),
    ("https://acme.example:notaport", "Port"),
    ("https://acme.example:99999", "Port"),
    ("https://[::1", "IPv6"),
    ("ftp://acme.example", "scheme"),
])
def test_an_unusable_url_is_exit_3_at_once(bare, url, words):
    for argv in (["tickets", "get", "1"], ["--dry-run", "tickets", "get", "1"]):
        result = bare("--url", url, "--client-id", "c", *argv,
                      env={"HALO_CLIENT_SECRET": "secret-value"})
        line = one_error_line(result, 3)
        assert words in line
    assert bare.sleeps == []                # refused, not retried as a network failure


@pytest.mark.parametrize("given,used", [
    ("https://acme.halopsa.com/", "https://acme.halopsa.com"),
    ("https://acme.halopsa.com/api", "https://acme.halopsa.com"),
    ("https://acme.halopsa.com/API/", "https://acme.halopsa.com"),
    ("  https://halo.example.org/helpdesk/  ", "https://halo.example.org/helpdesk"),
])
def test_the_url_is_normalised(bare, given, used):
    result = bare("--url", given, "--dry-run", "tickets", "get", "1")
    assert result.records[0]["url"] == used + "/api/Tickets/1"


@pytest.mark.parametrize("where", ["HALO_URL", "--url", "profile"])
def test_a_url_without_a_scheme_is_exit_3_naming_it_and_nothing_is_sent(bare, server,
                                                                        tmp_path, where):
    """`127.0.0.1:8080` against a plain-http server must not end in a TLS error such as
    WRONG_VERSION_NUMBER: it is refused before anything is sent, and says what to write."""
    given = f"127.0.0.1:{server.port}"
    env = {"HALO_CLIENT_ID": "cid", "HALO_CLIENT_SECRET": SECRET}
    flags = []
    if where == "HALO_URL":
        env["HALO_URL"] = given
    elif where == "--url":
        flags = ["--url", given]
    else:
        write_config(tmp_path / "config" / "halo" / "config", f"[default]\nurl = {given}\n")
    for argv in (["tickets", "list"], ["--dry-run", "tickets", "get", "1"]):
        line = one_error_line(bare(*flags, *argv, env=env), 3)
        assert "no scheme" in line and f"https://{given}" in line, line
        assert (where if where != "profile" else "'url' in ") in line, line
        assert "SSL" not in line and "WRONG_VERSION" not in line
    assert server.log == []


def test_configure_refuses_a_url_without_a_scheme(bare, tmp_path):
    line = one_error_line(bare("--url", "acme.halopsa.com", "--client-id", "app", "configure",
                               env={"HALO_CLIENT_SECRET": "x"}), 2)
    assert "no scheme" in line and "https://acme.halopsa.com" in line
    assert not (tmp_path / "config" / "halo" / "config").exists()


# ---------------------------------------------------------------- missing settings

@pytest.mark.parametrize("env,setting,ways", [
    ({}, "url", ("--url", "HALO_URL", "halo configure")),
    ({"HALO_URL": "https://acme.example"}, "client_id",
     ("--client-id", "HALO_CLIENT_ID", "halo configure")),
    ({"HALO_URL": "https://acme.example", "HALO_CLIENT_ID": "c"}, "client_secret",
     ("HALO_CLIENT_SECRET", "halo configure")),
])
def test_a_missing_setting_is_named_with_the_ways_to_set_it(bare, env, setting, ways):
    line = one_error_line(bare("tickets", "list", env=env), 3)
    assert f"no {setting} configured" in line
    for way in ways:
        assert way in line
    assert "config" in line


def test_no_configuration_at_all_sends_nothing(bare, httpserver):
    one_error_line(bare("request", "GET", "/Tickets"), 3)
    assert httpserver.log == []


# ---------------------------------------------------------------- configure, not interactive

def test_configure_from_flags_and_environment(bare, tmp_path):
    result = bare("--profile", "work", "--url", "https://acme.halopsa.com/", "--tenant", "acme",
                  "--client-id", "app-1", "configure",
                  env={"HALO_CLIENT_SECRET": "from-env", "HALO_SCOPE": "read:tickets"})
    assert result.code == 0, result
    assert result.out == b""
    assert SECRET not in result.err and "from-env" not in result.err
    path = tmp_path / "config" / "halo" / "config"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_config(path) == {"profile work": {
        "url": "https://acme.halopsa.com", "tenant": "acme", "client_id": "app-1",
        "client_secret": "from-env", "scope": "read:tickets"}}
    assert str(path) in result.err


def test_configure_reads_the_secret_from_the_first_line_of_stdin(bare, tmp_path):
    result = bare("--url", "https://acme.halopsa.com", "--client-id", "app", "configure",
                  stdin=b"piped-secret\nsecond line is not read\n")
    assert result.code == 0, result
    conf = read_config(tmp_path / "config" / "halo" / "config")
    assert conf == {"default": {"url": "https://acme.halopsa.com", "client_id": "app",
                                "client_secret": "piped-secret"}}
    assert "piped-secret" not in result.err


def test_configure_keeps_other_profiles_and_updates_its_own(bare, tmp_path):
    path = write_config(tmp_path / "config" / "halo" / "config",
                        "[default]\nurl = https://a.example\nclient_id = a\nclient_secret = a\n\n"
                        "[profile work]\nurl = https://w.example\nclient_id = w\n"
                        "client_secret = old\n", mode=0o644)
    result = bare("--profile", "work", "--client-id", "w2", "configure",
                  env={"HALO_CLIENT_SECRET": "new"})
    assert result.code == 0, result
    assert read_config(path) == {
        "default": {"url": "https://a.example", "client_id": "a", "client_secret": "a"},
        "profile work": {"url": "https://w.example", "client_id": "w2",
                         "client_secret": "new"}}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(os.listdir(path.parent)) == ["config"]      # no temporary file left


def test_configure_with_halo_config_and_halo_profile(bare, tmp_path):
    target = tmp_path / "deep" / "dir" / "halo.ini"
    result = bare("configure", stdin=b"s\n", env={
        "HALO_CONFIG": str(target), "HALO_PROFILE": "ci", "HALO_URL": "https://ci.example",
        "HALO_CLIENT_ID": "ci-app"})
    assert result.code == 0, result
    assert read_config(target) == {"profile ci": {
        "url": "https://ci.example", "client_id": "ci-app", "client_secret": "s"}}
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_configure_without_a_secret_is_exit_3(bare, tmp_path):
    line = one_error_line(bare("--url", "https://a.example", "--client-id", "a", "configure"), 3)
    assert "client_secret" in line and "HALO_CLIENT_SECRET" in line and "stdin" in line
    assert not (tmp_path / "config" / "halo" / "config").exists()


def test_configure_keeps_the_saved_secret_when_none_is_given(bare, tmp_path):
    path = write_config(tmp_path / "config" / "halo" / "config",
                        "[default]\nurl = https://a.example\nclient_id = a\n"
                        "client_secret = saved\n")
    result = bare("--tenant", "t", "configure", stdin=b"")
    assert result.code == 0, result
    assert read_config(path) == {"default": {"url": "https://a.example", "client_id": "a",
                                             "client_secret": "saved", "tenant": "t"}}


def test_configure_refuses_an_unusable_url_as_a_usage_error(bare, tmp_path):
    line = one_error_line(bare("--url", "https://", "--client-id", "a", "configure",
                               stdin=b"s\n"), 2)
    assert "invalid URL" in line
    assert not (tmp_path / "config" / "halo" / "config").exists()


def test_configure_without_a_url_is_exit_3(bare):
    line = one_error_line(bare("--client-id", "a", "configure", stdin=b"s\n"), 3)
    assert "url" in line and "--url" in line and "HALO_URL" in line


def test_the_secret_is_never_a_command_line_option(bare, tmp_path):
    result = bare("--url", "https://a.example", "--client-id", "a", "configure",
                  "--client-secret", "visible-in-ps")
    assert result.code == 2
    assert not (tmp_path / "config" / "halo" / "config").exists()


def test_configured_profile_is_then_used(server, url, tmp_path):
    run = Runner(base_env(tmp_path))
    result = run("--profile", "work", "--url", url, "--client-id", "app", "configure",
                 stdin=b"the-secret\n")
    assert result.code == 0, result
    result = run("--profile", "work", "tickets", "get", "1")
    assert (result.code, result.records) == (0, [{"id": 1}]), result
    form, _ = token_form(server)
    assert (form["client_id"], form["client_secret"]) == ("app", "the-secret")


# ---------------------------------------------------------------- configure --test

def test_configure_test_reports_success(run, server):
    result = run("configure", "--test")
    assert result.code == 0, result
    assert result.out == b""
    (line,) = result.err.splitlines()
    assert line.startswith("halo: OK") and "cid" in line
    assert TOKEN not in result.err and SECRET not in result.err
    assert len([r for r, _ in server.log if r.path == "/auth/token"]) == 1
    # --test always asks the server, whatever is cached
    assert run("configure", "--test").code == 0
    assert len([r for r, _ in server.log if r.path == "/auth/token"]) == 2


def test_configure_test_reports_the_servers_reason(httpserver, tmp_path):
    httpserver.expect_request("/auth/token").respond_with_json(
        {"error": "invalid_client", "error_description": "Unknown client or wrong secret"},
        status=400)
    run = Runner(base_env(tmp_path, HALO_URL=httpserver.url_for("").rstrip("/"),
                          HALO_CLIENT_ID="cid", HALO_CLIENT_SECRET="wrong-secret"))
    line = one_error_line(run("configure", "--test"), 3)
    assert "Unknown client or wrong secret" in line
    assert "wrong-secret" not in line


def test_configure_test_without_settings_is_exit_3(bare):
    line = one_error_line(bare("configure", "--test"), 3)
    assert "url" in line


# ---------------------------------------------------------------- configure on a terminal

class Terminal:
    """`python halo.py ARGS` on a pseudo-terminal: expect a prompt, type an answer."""

    def __init__(self, args, env):
        self.controller, terminal = pty.openpty()
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "halo.py"), *args],
                                     stdin=terminal, stdout=terminal, stderr=terminal,
                                     env=env, start_new_session=True, close_fds=True)
        os.close(terminal)
        self.seen = b""
        self.position = 0

    def expect(self, wanted, timeout=10.0):
        deadline = time.monotonic() + timeout
        while wanted not in self.seen[self.position:]:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {wanted!r} in {self.seen!r}")
            ready, _, _ = select.select([self.controller], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.controller, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"output ended before {wanted!r}: {self.seen!r}")
                self.seen += chunk
        self.position = self.seen.index(wanted, self.position) + len(wanted)

    def type(self, text):
        os.write(self.controller, text.encode() + b"\n")

    def finish(self):
        return self.proc.wait(timeout=10)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.controller is not None:
            os.close(self.controller)
            self.controller = None


def terminal_env(tmp_path, target):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALO_")}
    env.update(HOME=str(tmp_path), HALO_CONFIG=str(target), PYTHONUNBUFFERED="1")
    return env


def test_configure_prompts_on_a_terminal_and_hides_the_secret(tmp_path):
    target = tmp_path / "conf" / "config"
    term = Terminal(["--profile", "t", "configure"], terminal_env(tmp_path, target))
    try:
        for prompt, answer in (("Halo URL", "https://acme.halopsa.com"), ("Tenant", "acme"),
                               ("Client ID", "my-app"), ("Scope", ""),
                               ("Client secret", "hidden-value-42")):
            term.expect(prompt.encode())
            term.expect(b": ")
            term.type(answer)
        term.expect(b"saved profile 't'")
        assert term.finish() == 0
    finally:
        term.close()
    text = term.seen.decode()
    assert "my-app" in text                      # an ordinary answer is echoed
    assert "hidden-value-42" not in text         # the secret is not
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert read_config(target) == {"profile t": {
        "url": "https://acme.halopsa.com", "tenant": "acme", "client_id": "my-app",
        "client_secret": "hidden-value-42"}}


def test_configure_on_a_terminal_offers_the_saved_values(tmp_path):
    target = write_config(tmp_path / "config",
                          "[default]\nurl = https://old.example\nclient_id = old-app\n"
                          "client_secret = old-secret\n")
    term = Terminal(["configure"], terminal_env(tmp_path, target))
    try:
        for prompt in (b"[https://old.example]: ", b"Tenant", b"[old-app]: ", b"Scope",
                       b"Client secret"):
            term.expect(prompt)
            if not prompt.endswith(b": "):
                term.expect(b": ")
            term.type("")                       # keep every saved value
        term.expect(b"saved profile 'default'")
        assert term.finish() == 0
    finally:
        term.close()
    assert b"old-secret" not in term.seen
    assert read_config(target) == {"default": {
        "url": "https://old.example", "client_id": "old-app", "client_secret": "old-secret"}}
