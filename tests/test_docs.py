"""The generated man pages: up to date with the table, clean under mandoc, complete."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import halo_lib.docs.__main__ as docs
from halo_lib.docs import examples, model
from halo_lib.options import GLOBAL_OPTIONS
from halo_lib.resources import RESOURCES

ROOT = Path(__file__).resolve().parent.parent
MAN = ROOT / "man"
REGENERATE = "regenerate them with: python -m halo_lib.docs"


def run_generator(out, *python_flags):
    return subprocess.run(
        [sys.executable, *python_flags, "-m", "halo_lib.docs", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=60)


def tree(directory):
    """{relative path: bytes} of every file under directory (links followed)."""
    return {p.relative_to(directory).as_posix(): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    result = run_generator(out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("directory", ["man", "completions"])
def test_committed_files_match_the_generator(generated, directory):
    want, have = tree(generated / directory), tree(ROOT / directory)
    assert sorted(have) == sorted(want), f"{directory}/ has other files than generated; " \
                                         + REGENERATE
    stale = [name for name in want if have[name] != want[name]]
    assert not stale, f"{directory}/ differs from the table in {stale}; {REGENERATE}"


def test_committed_counts_of_documented_flags_match_the_generator(generated):
    """--help quotes how many more flags --help-all shows from this generated file."""
    path = docs.COUNTS_FILE
    assert (generated / path).read_bytes() == (ROOT / path).read_bytes(), \
        f"{path} differs from the table and the catalogue; {REGENERATE}"


def test_bash_completion_is_linked_under_its_installed_name():
    link = ROOT / "completions" / docs.BASH_LINK
    assert link.is_symlink() and os.readlink(link) == docs.BASH_FILE


def test_generating_twice_gives_the_same_bytes(generated, tmp_path):
    assert run_generator(tmp_path).returncode == 0
    assert tree(tmp_path) == tree(generated)


def test_generator_needs_no_third_party_module(tmp_path):
    """`python -m halo_lib.docs` must run where only the standard library is installed."""
    blocker = tmp_path / "block" / "sitecustomize.py"
    blocker.parent.mkdir()
    blocker.write_text("import sys\n"
                       "for name in ('urllib3', 'orjson', 'jmespath'):\n"
                       "    sys.modules[name] = None\n")
    env = dict(os.environ, PYTHONPATH=f"{blocker.parent}{os.pathsep}{ROOT}")
    result = subprocess.run([sys.executable, "-m", "halo_lib.docs", "--out", str(tmp_path)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_every_command_has_a_page(generated):
    pages = {p.name for p in (generated / "man").glob("*.1")}
    names = [name for name, _, _ in model.subcommands(model.tree())]
    assert {"request", "configure", "sandbox"} <= set(names)
    assert pages == {"halo.1"} | {f"halo-{name}.1" for name in names}


@pytest.mark.skipif(not shutil.which("mandoc"),
                    reason="mandoc is not installed (CI installs it: apt-get install mandoc)")
def test_mandoc_lint_reports_nothing():
    pages = sorted(str(p) for p in MAN.glob("*.1"))
    commands = model.subcommands(model.tree())
    assert len(pages) == 1 + len(commands) >= len(RESOURCES) + 4
    result = subprocess.run(["mandoc", "-T", "lint", "-W", "warning", *pages],
                            capture_output=True, text=True, timeout=60)
    assert result.stdout + result.stderr == ""
    assert result.returncode == 0


def plain(roff):
    """roff source as the words a reader sees (fonts, escapes and \\& dropped)."""
    roff = re.sub(r"\\f[BIRP]", "", roff)
    roff = roff.replace("\\%", "").replace("\\&", "").replace("\\-", "-")
    return roff.replace("\\(aq", "'").replace("\\e", "\\")


def verb_sections(page):
    """{verb: its part of the VERBS section}, from the .SS headings."""
    body = page.split("\n.SH VERBS\n", 1)[1].split("\n.SH ", 1)[0]
    parts = re.split(r"^\.SS (\S+)\n", body, flags=re.M)[1:]
    return dict(zip(parts[::2], parts[1::2]))


def entries(section):
    """[(tag, description)] of the .TP items of a piece of a page, as plain text."""
    found = re.findall(r"^\.TP\n(.*)\n(.*)$", section, flags=re.M)
    return [(plain(tag), plain(text)) for tag, text in found]


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_resource_page_names_every_verb_flag_and_halo_parameter(resource):
    page = (MAN / f"halo-{resource.name}.1").read_text()
    sections = verb_sections(page)
    assert list(sections) == [verb.name for verb in resource.verbs()]
    for verb in resource.verbs():
        section = sections[verb.name]
        assert f"{verb.method} {verb.path}" in plain(section), verb.name
        items = entries(section)
        for opt, where in [(o, "query parameter") for o in verb.filters] + \
                          [(o, "body field") for o in verb.fields]:
            flag = "--" + opt.flag
            assert any(tag.split()[0] == flag and f"sets the Halo {where} {opt.name}." in text
                       for tag, text in items), f"{resource.name} {verb.name} {flag}"


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_resource_page_has_examples_and_the_common_sections(resource):
    page = (MAN / f"halo-{resource.name}.1").read_text()
    for heading in ("NAME", "SYNOPSIS", "DESCRIPTION", "VERBS", "OPTIONS",
                    '"GLOBAL OPTIONS"', "EXAMPLES", '"EXIT STATUS"', '"SEE ALSO"'):
        assert f"\n.SH {heading}\n" in page
    assert f"halo {resource.name} " in plain(page.split("\n.SH EXAMPLES\n")[1])


def test_top_page_covers_configuration_exit_status_and_pipelines():
    page = (MAN / "halo.1").read_text()
    for heading in ("SYNOPSIS", "DESCRIPTION", '"GLOBAL OPTIONS"', "CONFIGURATION",
                    "ENVIRONMENT", "FILES", '"EXIT STATUS"', "EXAMPLES"):
        assert f"\n.SH {heading}\n" in page
    text = plain(page)
    for option in GLOBAL_OPTIONS:
        assert all(flag in text for flag in option.flags)
    for variable in ("HALO_URL", "HALO_CLIENT_SECRET", "HALO_PROFILE", "HALO_CONFIG"):
        assert variable in text
    status = page.split('\n.SH "EXIT STATUS"\n')[1]
    from halo_lib.errors import EXIT_STATUS
    assert [int(tag) for tag, _ in entries(status)] == [code for code, _ in EXIT_STATUS]
    shown = plain(page.split("\n.SH EXAMPLES\n")[1])
    assert "| jq " in shown and "| xargs halo" in shown and "0 6 * * 1-5" in shown


def test_examples_are_checked_against_the_parser():
    examples.check_examples(["halo tickets list --open-only | xargs halo tickets delete"])
    with pytest.raises(SystemExit, match="does not parse"):
        examples.check_examples(["halo tickets list --no-such-flag | jq ."])
    assert examples.halo_invocations("0 6 * * * /usr/bin/halo -o json clients list > x") == \
        [["-o", "json", "clients", "list"]]


def test_the_readme_exit_status_table_is_exit_status():
    from halo_lib.errors import EXIT_STATUS
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| code | meaning |\n| --- | --- |\n")[1].split("\n\n")[0]
    rows = [line.strip("|").split("|", 1) for line in table.splitlines()]
    assert [(int(code), text.strip()) for code, text in rows] == list(EXIT_STATUS)
