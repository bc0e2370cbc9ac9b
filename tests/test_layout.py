"""The layout keeps the stages apart: only the CLI layer reads argparse, the stages after it
never import it, the docs read the command tree rather than argparse, and modules stay
small enough to have one job."""
import re

import pytest

from conftest import ROOT, imported_modules

PACKAGE = ROOT / "halo_lib"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def name(path):
    return str(path.relative_to(PACKAGE))


# The catalogue's generator is a developer's tool with its own command line, like docs.
AFTER_THE_CLI = [p for p in MODULES if not p.relative_to(PACKAGE).parts[0] in ("cli", "docs")
                 and p.name != "main.py" and name(p) != "catalogue/generate.py"]
# Tables of data rather than code.
DATA_TABLES = {"resources.py"}


@pytest.mark.parametrize("path", AFTER_THE_CLI, ids=name)
def test_no_stage_after_the_command_line_imports_it_or_argparse(path):
    imported = set(imported_modules(path))
    assert not {m for m in imported if m == "halo_lib.cli" or m.startswith("halo_lib.cli.")}
    assert "argparse" not in imported


@pytest.mark.parametrize("path", [p for p in MODULES if "cli" not in p.parts], ids=name)
def test_nothing_outside_the_cli_reads_parsed_arguments(path):
    text = path.read_text()
    assert not re.search(r"getattr\((args|namespace|argv_opts)\b", text)
    assert not re.search(r"""["'](q|b)\.""", text)   # no dest-name protocol


@pytest.mark.parametrize("path", [p for p in MODULES if "docs" in p.parts], ids=name)
def test_the_docs_read_facts_not_argparse(path):
    if path.name != "__main__.py":      # its own command line
        assert "argparse" not in set(imported_modules(path))
    assert "_actions" not in path.read_text()


@pytest.mark.parametrize("path", MODULES, ids=name)
def test_modules_stay_under_about_400_lines(path):
    if name(path) in DATA_TABLES:
        return
    assert len(path.read_text().splitlines()) <= 420
