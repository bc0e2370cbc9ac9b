"""The shell code of the completions lives in real .bash/.zsh files: shellcheck passes the
bash template and the generated bash script, and zsh parses the zsh ones."""
import shutil
import subprocess

import pytest

from conftest import ROOT

TEMPLATES = ROOT / "halo_lib" / "docs" / "templates"


def _check(argv):
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not shutil.which("shellcheck"), reason="shellcheck is not installed")
def test_shellcheck_passes_the_bash_template():
    # The tables the functions read are written above them by the generator.
    _check(["shellcheck", "--shell=bash", "--exclude=SC2154", str(TEMPLATES / "functions.bash")])


@pytest.mark.skipif(not shutil.which("shellcheck"), reason="shellcheck is not installed")
def test_shellcheck_passes_the_generated_bash_completion():
    _check(["shellcheck", "--shell=bash", str(ROOT / "completions" / "halo.bash")])


@pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed")
@pytest.mark.parametrize("path", [TEMPLATES / "helpers.zsh", ROOT / "completions" / "_halo"],
                         ids=["template", "generated"])
def test_zsh_parses_the_zsh_completion(path):
    _check(["zsh", "-n", str(path)])


def test_every_template_is_used_by_the_generator():
    from halo_lib.docs.completions import bash_script, zsh_script
    from halo_lib.docs.model import tree
    top = tree()
    generated = bash_script(top) + zsh_script(top)
    for template in TEMPLATES.iterdir():
        assert template.read_text() in generated, template.name
