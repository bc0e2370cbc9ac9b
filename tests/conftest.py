"""Shared fixtures: run `halo` in-process with injected streams against a test server."""
import io
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import halo  # noqa: E402
from halo_lib.io.streams import Streams  # noqa: E402


class Result:
    def __init__(self, code, out, err):
        self.code = code
        self.out = out          # bytes
        self.err = err          # text

    @property
    def lines(self):
        return [line for line in self.out.decode().split("\n") if line]

    @property
    def records(self):
        return [json.loads(line) for line in self.lines]

    def __repr__(self):
        return f"Result(code={self.code}, out={self.out[:500]!r}, err={self.err[:500]!r})"


class Runner:
    """Calls halo.main(argv) with fake stdin/stdout/stderr, environment and sleep."""

    def __init__(self, env):
        self.env = env
        self.sleeps = []

    def __call__(self, *argv, stdin=b"", stdout_tty=False, stderr_tty=False, stdin_tty=False,
                 env=None, columns=None):
        out, err = io.BytesIO(), io.StringIO()
        streams = Streams(stdin=io.BytesIO(stdin), stdout=out, stderr=err,
                          env={**self.env, **(env or {})}, sleep=self.sleeps.append,
                          stdin_tty=stdin_tty, stdout_tty=stdout_tty, stderr_tty=stderr_tty,
                          columns=columns)
        code = halo.main(list(argv), streams)
        return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def home(tmp_path):
    return tmp_path


@pytest.fixture
def bare(tmp_path):
    """halo with no configuration at all."""
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    return Runner(env)


TOKEN = "tok-123"
SECRET = "s3cret-value"


@pytest.fixture
def server(httpserver):
    """A Halo stand-in: authinfo absent (default /auth), a token endpoint."""
    httpserver.expect_request("/auth/token", method="POST").respond_with_json(
        {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600})
    return httpserver


@pytest.fixture
def run(server, tmp_path):
    """halo configured through the environment to talk to the test server."""
    return runner_for(server.url_for("").rstrip("/"), tmp_path)


def imported_modules(path):
    """The absolute module names a source file imports (relative imports left out)."""
    import ast
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def api_requests(server, path_prefix="/api/"):
    """The requests the server received under /api (authinfo left out)."""
    return [r for r, _ in server.log
            if r.path.startswith(path_prefix) and r.path != "/api/authinfo"]


def one_error_line(result, code):
    """The command failed with `code`, one line on stderr, nothing on stdout."""
    assert result.code == code, result
    assert result.out == b"", result
    assert "Traceback" not in result.err, result
    lines = result.err.splitlines()
    assert len(lines) == 1, result
    assert lines[0].startswith("halo: "), result
    return lines[0]


def runner_for(url, tmp_path, **env):
    base = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"), "HALO_URL": url,
            "HALO_CLIENT_ID": "cid", "HALO_CLIENT_SECRET": SECRET}
    base.update(env)
    return Runner(base)


@pytest.fixture
def raw_server():
    servers = []

    def start(route, port=0):
        from rawserver import RawServer   # imported here: rawserver imports conftest
        server = RawServer(route, port)
        servers.append(server)
        return server
    yield start
    for server in servers:
        server.close()


@pytest.fixture()
def listener_factory():
    """Start `halo webhooks listen` processes (listenprocess.Listener); all killed after."""
    from listenprocess import Listener   # imported here: listenprocess imports conftest
    made = []

    def make(*args, **kwargs):
        listener = Listener(*args, **kwargs)
        made.append(listener)
        return listener
    yield make
    for listener in made:
        if listener.process.poll() is None:
            listener.process.kill()
        listener.process.wait(timeout=10)
        for stream in (listener.process.stdout, listener.process.stderr):
            if stream is not None:
                stream.close()
