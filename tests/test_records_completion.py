"""Bash completion of @FILE in a plain `bash --norc` (no bash-completion package): the
line readline leaves, read from a real interactive bash on a pseudo-terminal."""
import os
import pty
import select
import shutil
import time
from pathlib import Path

import pytest

COMPLETION = Path(__file__).resolve().parent.parent / "completions" / "halo.bash"

pytestmark = pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")


def typed_then_tab(cwd, line, expected):
    """What the terminal shows after typing `line` and one TAB (read until it shows
    `expected`, a bell, or two seconds pass)."""
    pid, fd = pty.fork()
    if pid == 0:   # the child: a plain interactive bash, nothing but halo.bash sourced
        os.chdir(cwd)
        os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"],
                   {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "dumb",
                    "PS1": "$ ", "HOME": str(cwd), "HISTFILE": "/dev/null"})

    def read(until, seconds=5.0):
        out, end = b"", time.monotonic() + seconds
        while time.monotonic() < end and until not in out:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    break
        return out

    try:
        read(b"$ ")
        os.write(fd, f"source '{COMPLETION}'; echo loaded\n".encode())
        read(b"loaded\r\n$ ")
        os.write(fd, line.encode() + b"\t")
        shown, end = b"", time.monotonic() + 2.0
        while time.monotonic() < end and b"\x07" not in shown \
                and not _edited(shown).startswith(expected):
            shown += read(b"\x07", 0.1)
        os.write(fd, b"\x15exit\n")
        read(b"never", 1.0)
    finally:
        os.close(fd)
        os.waitpid(pid, 0)
    return _edited(shown)


def _edited(shown):
    """The echo of the typed line, then readline's edits: backspaces over the word it
    replaces and the completion."""
    text = ""
    for char in shown.decode("utf-8", "replace"):
        text = text[:-1] if char == "\b" else text + char
    return text.replace("\x07", "").strip()


@pytest.mark.parametrize("line,expected", [
    ("halo tickets create @FI", "halo tickets create @FILE.json"),
    ("halo tickets create -F details=@FI", "halo tickets create -F details=@FILE.json"),
    ("halo tickets create @su", "halo tickets create @sub/"),
])
def test_at_file_completes_and_keeps_the_at_in_plain_bash(tmp_path, line, expected):
    (tmp_path / "FILE.json").write_text("{}\n")
    (tmp_path / "sub").mkdir()
    assert typed_then_tab(tmp_path, line, expected) == expected
