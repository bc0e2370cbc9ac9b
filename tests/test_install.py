"""Packaging: pyproject.toml and setup.cfg; `pip install .` into a fresh virtual environment
gives the `halo` command (entry point halo_lib.main:entry, main(argv) -> int with injectable
streams), depending on urllib3, orjson and jmespath only, and installs no top-level `halo`
module (PyPI's `halo` spinner package owns that name)."""
import configparser
import inspect
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

import halo
import halo_lib
from conftest import ROOT, imported_modules
from halo_lib.io.streams import Streams

RUNTIME = {"urllib3", "orjson", "jmespath"}


def _name(requirement):
    return re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0].lower()


def test_setup_cfg_declares_the_command_and_three_dependencies():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    requires = [r for r in cfg["options"]["install_requires"].splitlines() if r.strip()]
    assert {_name(r) for r in requires} == RUNTIME
    scripts = [s.strip() for s in cfg["options.entry_points"]["console_scripts"].splitlines()
               if s.strip()]
    assert scripts == ["halo = halo_lib.main:entry"]
    assert "py_modules" not in cfg["options"]
    assert cfg["options.packages.find"]["include"].split() == ["halo_lib*"]
    # halo-cli is taken on PyPI; halopsa-shell was free when checked with pip download.
    assert cfg["metadata"]["name"] == "halopsa-shell"


def test_pyproject_builds_with_setuptools():
    with open(ROOT / "pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)
    assert project["build-system"]["build-backend"] == "setuptools.build_meta"
    assert any(r.startswith("setuptools") for r in project["build-system"]["requires"])


def test_the_code_imports_only_the_stdlib_and_the_three_dependencies():
    files = [ROOT / "halo.py", *sorted((ROOT / "halo_lib").rglob("*.py"))]
    allowed = set(sys.stdlib_module_names) | RUNTIME | {"halo", "halo_lib"}
    for path in files:
        for name in imported_modules(path):
            assert name.split(".")[0] in allowed, f"{path.name} imports {name}"


def test_main_takes_argv_and_injected_streams_and_returns_the_status():
    params = list(inspect.signature(halo.main).parameters)
    assert params[:2] == ["argv", "streams"]
    out, err = io.BytesIO(), io.StringIO()
    streams = Streams(stdin=io.BytesIO(), stdout=out, stderr=err, env={},
                      stdin_tty=False, stdout_tty=False, stderr_tty=False)
    assert halo.main(["--version"], streams) == 0
    assert out.getvalue() == f"halo {halo_lib.__version__}\n".encode()
    assert err.getvalue() == ""
    assert callable(halo.entry)


def test_version(bare):
    result = bare("--version")
    assert (result.code, result.lines, result.err) == (0, [f"halo {halo_lib.__version__}"], "")


def test_help_goes_to_stdout_and_names_the_commands(bare):
    for flag in ("--help", "-h"):
        result = bare(flag)
        assert (result.code, result.err) == (0, "")
        text = result.out.decode()
        assert text.startswith("usage: halo")
        for word in ("tickets", "request", "configure", "exit status:", "--dry-run",
                     "--query", "--profile", "--retries", "--timeout", "--ca-bundle"):
            assert word in text, word


def test_help_of_a_command(bare):
    result = bare("request", "--help")
    assert result.code == 0
    assert "--paginate" in result.out.decode() and "--param" in result.out.decode()
    result = bare("tickets", "list", "--help")
    assert result.code == 0 and "--limit" in result.out.decode()


def test_running_the_file_as_a_script(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "halo.py"), "--version"],
                          capture_output=True, timeout=30, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (
        0, f"halo {halo_lib.__version__}\n".encode(), b"")


# ---------------------------------------------------------------- a real install

def _source_copy(target):
    """The files `pip install .` needs, away from the working tree (no build/ left here)."""
    ignore = shutil.ignore_patterns(".git", "tests", "build", "dist", "*.egg-info",
                                    "__pycache__", ".pytest_cache", ".hypothesis", ".venv")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def test_pip_install_into_a_fresh_venv(tmp_path):
    """`python -m venv` + `pip install .`: the `halo` command, three dependencies only."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python, halo_bin = venv / "bin" / "python", venv / "bin" / "halo"
    source = _source_copy(tmp_path / "src")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(source)],
                          capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    if done.returncode and re.search(r"No matching distribution|Could not find a version|"
                                     r"Failed to establish a new connection", done.stderr):
        pytest.skip("no package index reachable: " + done.stderr.strip().splitlines()[-1])
    assert done.returncode == 0, done.stderr

    installed = subprocess.run([str(python), "-m", "pip", "list", "--format", "json"],
                               capture_output=True, text=True, check=True, env=env)
    names = {p["name"].lower() for p in json.loads(installed.stdout)}
    assert names - {"pip", "setuptools", "wheel"} == RUNTIME | {"halopsa-shell"}

    probe = ("import importlib.metadata as m, json; print(json.dumps({"
             "'requires': m.requires('halopsa-shell'), 'scripts': [e.value for e in "
             "m.entry_points(group='console_scripts') if e.name == 'halo']}))")
    meta = json.loads(subprocess.run([str(python), "-c", probe], capture_output=True,
                                     text=True, check=True, env=env, cwd=tmp_path).stdout)
    runtime = [r for r in meta["requires"] if "extra ==" not in r]
    assert {_name(r) for r in runtime} == RUNTIME
    assert meta["scripts"] == ["halo_lib.main:entry"]
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True, env=env).stdout.strip()
    top_level = {p.name for p in __import__("pathlib").Path(site).iterdir()}
    assert "halo.py" not in top_level and "halo" not in top_level
    assert "halo_lib" in top_level

    version = subprocess.run([str(halo_bin), "--version"], capture_output=True, env=env,
                             cwd=tmp_path, timeout=30)
    assert (version.returncode, version.stdout) == (0, f"halo {halo_lib.__version__}\n".encode())
    helped = subprocess.run([str(halo_bin), "--help"], capture_output=True, env=env,
                            cwd=tmp_path, timeout=30)
    assert helped.returncode == 0 and b"exit status:" in helped.stdout
    # the installed command works away from the source tree
    dry = subprocess.run([str(halo_bin), "--url", "https://acme.halopsa.com", "--dry-run",
                          "tickets", "get", "7"], capture_output=True, env=env, cwd=tmp_path,
                         timeout=30)
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["url"] == "https://acme.halopsa.com/api/Tickets/7"
    # the catalogue of Halo's API is installed with it: operations and body schemas
    shown = subprocess.run([str(halo_bin), "api", "show", "/Tickets", "POST"],
                           capture_output=True, env=env, cwd=tmp_path, timeout=30)
    assert shown.returncode == 0, shown.stderr
    assert "summary" in {f["name"] for f in json.loads(shown.stdout)["body"]["fields"]}
    bad = subprocess.run([str(halo_bin), "tickets", "get", "x"], capture_output=True, env=env,
                         cwd=tmp_path, timeout=30)
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr
