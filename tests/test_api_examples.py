"""Every `halo api` example of the README and the man pages runs as written: exit 0,
something on stdout, nothing on stderr (a --query that gives nothing warns there)."""
import shlex
import subprocess
import sys

import pytest

from conftest import ROOT
from test_example_formats import example_lines


def api_examples():
    found = []
    for where, line in example_lines():
        command = line.split(" #")[0].strip()
        if command.startswith("halo api ") and "[" not in command.split("'")[0] \
                and "|" not in command:
            found.append((where, command))
    return found


def test_there_are_api_examples_to_run():
    assert len({where for where, _ in api_examples()}) >= 2     # README and halo-api(1)


@pytest.mark.parametrize("where,command", api_examples(), ids=lambda v: str(v)[:60])
def test_an_api_example_runs_as_written(where, command, tmp_path):
    argv = shlex.split(command)[1:]
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}    # no settings at all
    result = subprocess.run([sys.executable, str(ROOT / "halo.py"), *argv], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, (where, command, result.stderr)
    assert result.stdout.strip(), (where, command)
    assert result.stderr == "", (where, command, result.stderr)
