"""Start-up stays cheap: the help and version answers import no regular expressions
(`re`, and with it `enum`), no HTTP stack and no JSON engine. Each command line runs in
a real interpreter started with -S, so what this machine's site-packages load at start
(a .pth hook) does not hide what halo itself imports."""
import subprocess
import sys

import pytest

from conftest import ROOT

HEAVY = {"re", "enum", "urllib3", "orjson", "jmespath", "ssl", "argparse", "textwrap"}

PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
from halo_lib.main import main
status = main(sys.argv[2:])
sys.stderr.write(" ".join(sorted(sys.modules)) + "\\n")
sys.stderr.write(f"status {status}\\n")
"""


def modules_after(argv):
    done = subprocess.run([sys.executable, "-S", "-c", PROBE, str(ROOT), *argv],
                          capture_output=True, text=True, timeout=60)
    *_, modules, status = done.stderr.strip().splitlines()
    return set(modules.split()), status, done.stdout


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["--version"], ["tickets", "--help"],
                                  ["tickets", "list", "--help"], ["request", "-h"]],
                         ids=" ".join)
def test_help_and_version_import_nothing_heavy(argv):
    modules, status, out = modules_after(argv)
    assert status == "status 0"
    assert out.startswith("usage: halo") or out.startswith("halo ")
    assert not HEAVY & modules, sorted(HEAVY & modules)


def argparse_help(argv, columns, monkeypatch):
    """What argparse itself prints for argv at this terminal width."""
    from halo_lib.cli import parser
    from halo_lib.errors import Exit
    monkeypatch.setenv("COLUMNS", str(columns))
    printed = []
    with pytest.raises(Exit):
        parser.parse(argv, printed.append)
    return "".join(printed)


def every_help_line():
    from halo_lib.cli.spec import top
    lines = [["--help"], ["-h"]]
    for name, _, build in top().children:
        lines.append([name, "--help"])
        lines += [[name, verb, "-h"] for verb, _, _ in build().children]
    return lines


@pytest.mark.parametrize("columns", [30, 80, 157])
def test_the_quick_help_is_argparse_help_to_the_byte(columns, monkeypatch):
    from halo_lib.cli.helptext import quick_answer
    answered = 0
    for argv in every_help_line():
        quick = quick_answer(argv, columns)
        if quick is not None:
            answered += 1
            assert quick == argparse_help(argv, columns, monkeypatch), argv
    # Only a command whose own usage line argparse would have to wrap is left to it:
    # on a terminal of 80 columns, `halo sandbox --help` alone.
    if columns >= 80:
        assert answered >= len(every_help_line()) - 1


def test_the_quick_version_is_argparse_version(monkeypatch):
    from halo_lib.cli.helptext import quick_answer
    assert quick_answer(["--version"]) == argparse_help(["--version"], 80, monkeypatch)


@pytest.mark.parametrize("argv", [["tickets", "list", "--limit", "3", "--help"],
                                  ["--help", "tickets"], ["tickets", "nosuch", "--help"],
                                  ["tickets", "list", "--version"], ["nosuch", "-h"], []],
                         ids=repr)
def test_any_other_command_line_is_left_to_argparse(argv):
    from halo_lib.cli.helptext import quick_answer
    assert quick_answer(argv) is None


def test_help_lines_break_where_textwrap_breaks_them():
    import random
    import textwrap
    from halo_lib.cli.wrap import wrap
    pieces = ["a", "bc", "-", "--", " ", "  ", "x1", "é", "_", ".", "?", "\xa0", "٣", "--flag",
              "fetch-ahead", "e.g.", "a-b-c", "ÅΩ"]
    rng = random.Random(20)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        width = rng.randint(1, 16)
        assert wrap(text, width) == textwrap.wrap(text, width), (text, width)


def test_a_plain_list_imports_neither_configparser_nor_the_date_patterns(tmp_path):
    """No profile file: nothing to parse, so the settings are read without configparser;
    no date flag: halo_lib.when (which compiles patterns) stays unread. (Run with
    site-packages, where orjson is: a list imports it.)"""
    import os
    env = {**os.environ, "HALO_CONFIG": str(tmp_path / "none"), "HALO_URL": "http://127.0.0.1:9",
           "HALO_CLIENT_ID": "id", "HALO_CLIENT_SECRET": "secret"}
    env.pop("HALO_OUTPUT", None)
    done = subprocess.run([sys.executable, "-c", PROBE, str(ROOT), "tickets", "list",
                           "--dry-run"], capture_output=True, text=True, timeout=60, env=env)
    *_, modules, status = done.stderr.strip().splitlines()
    assert status == "status 0" and '"method":"GET"' in done.stdout
    assert "configparser" not in modules.split()
    assert "halo_lib.when" not in modules.split()
    (tmp_path / "config").write_text("[default]\noutput = json\n")
    env["HALO_CONFIG"] = str(tmp_path / "config")
    done = subprocess.run([sys.executable, "-c", PROBE, str(ROOT), "tickets", "list",
                           "--dry-run"], capture_output=True, text=True, timeout=60, env=env)
    assert "configparser" in done.stderr.split()
