"""Examples that hand halo's output to a program or a file say which format they write.

A profile may set another default (`output = csv`), so an example whose output is read by
jq, by another halo or by a later run must say `-o ndjson` (or another -o), as the README
tells scripts to. Checked over every command line of the README and the man pages.
"""
import re
import shlex

from conftest import ROOT

ROFF = {r"\-": "-", r"\(aq": "'", r"\(ga": "`", r"\(dq": '"', r"\(ti": "~", r"\e": "\\", r"\&": "",
        r"\%": ""}
# Output that -o does not shape: requests, export lines, deliveries, files, help.
FORMAT_FREE = {"--dry-run", "sandbox", "listen", "pdf", "download", "-O", "--output-file",
               "--help", "--version", "configure"}


def example_lines():
    found = []
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("    ") and re.search(r"(^|[\s/|])halo ", line):
            found.append(("README.md", line.strip()))
    for page in sorted((ROOT / "man").glob("*.1")):
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith(r"\&") and "halo " in line:
                for roff, text in ROFF.items():
                    line = line.replace(roff, text)
                found.append((page.name, line.strip()))
    return found


def segments(line):
    """(words of one simple command, whether its stdout goes to a pipe or a file)."""
    lexer = shlex.shlex(line.split(" #")[0], posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words, out = [], []
    tokens = list(lexer)
    for index, token in enumerate(tokens):
        if token in ("|", ";", "&", "&&", "||", "|&"):
            out.append((words, token in ("|", "|&")))
            words = []
        elif token in (">", ">>"):
            previous = tokens[index - 1] if index else ""
            if previous != "2":
                words.append("> STDOUT")
            words.append(token)
        else:
            words.append(token)
    out.append((words, False))
    return [(w, piped or "> STDOUT" in w) for w, piped in out if w]


def halo_words(words):
    for index, word in enumerate(words):
        if word == "halo" or word.endswith("/halo"):
            return words[index + 1:]
    return None


def unnamed_formats():
    bad = []
    for where, line in example_lines():
        if "[OPTIONS]" in line:      # a synopsis, not a command line
            continue
        try:
            parts = segments(line)
        except ValueError:
            continue
        for words, onward in parts:
            args = halo_words(words)
            if args is None or not onward or (words and words[0] == "xargs"):
                continue
            if FORMAT_FREE & set(args):
                continue
            if not any(a in ("-o", "--output") or a.startswith("--output=") for a in args):
                bad.append(f"{where}: {line}")
    return bad


def test_the_checker_finds_a_pipe_a_file_and_a_cron_line_without_a_format():
    assert segments("halo tickets list | jq .")[0][1]
    assert halo_words(segments("*/5 * * * * /usr/local/bin/halo tickets list >> t.ndjson")
                      [0][0])[:2] == ["tickets", "list"]
    assert segments("halo tickets list 2> err.log") == \
        [(["halo", "tickets", "list", "2", ">", "err.log"], False)]


def test_every_example_that_pipes_or_saves_halos_output_names_its_format():
    assert len(example_lines()) > 100
    assert unnamed_formats() == []


def readme_line(fragment):
    (line,) = {text for where, text in example_lines()
               if where == "README.md" and fragment in text}
    return line


def csv_profile_shell(tmp_path):
    """bash with `halo` running against a private sandbox and a profile whose default
    output is csv."""
    import os
    import sys
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "halo"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "halo.py"}" '
                       '--sandbox "$@"\n')
    wrapper.chmod(0o755)
    config = tmp_path / "c" / "halo" / "config"
    config.parent.mkdir(parents=True)
    config.write_text("[default]\noutput = csv\n")
    config.chmod(0o600)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    env.pop("HALO_OUTPUT", None)
    return env


def test_the_readme_delete_pipeline_works_under_a_csv_profile(tmp_path):
    import json
    import subprocess
    env = csv_profile_shell(tmp_path)
    line = readme_line("--query id -r | halo tickets delete -")
    done = subprocess.run(["bash", "-o", "pipefail", "-c", line], cwd=tmp_path, env=env,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-500:]
    # The deleting halo prints csv (its own default): a header, then one row per id;
    # nothing on stderr: the ids were read as the listing halo wrote them.
    rows = done.stdout.decode().splitlines()
    assert rows[0] == "id,deleted" and len(rows) > 10
    assert all(re.fullmatch(r"\d+,true", row) for row in rows[1:]), rows[:3]
    assert done.stderr == b""


def test_the_readme_cron_recipe_appends_ndjson_under_a_csv_profile(tmp_path):
    import json
    import subprocess
    env = csv_profile_shell(tmp_path)
    line = readme_line("--append-to ~/tickets.ndjson")
    command = line.split("/usr/local/bin/", 1)[1]          # the crontab fields left out
    for _ in range(2):
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env,
                              capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()
    lines = (tmp_path / "tickets.ndjson").read_text().splitlines()
    assert lines and all(isinstance(json.loads(x), dict) for x in lines)
    assert (tmp_path / ".local" / "state" / "halo" / "tickets.since").exists()
