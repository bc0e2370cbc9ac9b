"""Man pages and shell completions, generated from the parser and the resource table.

    python -m halo_lib.docs [--out DIR]

writes DIR/man/*.1, DIR/completions/halo.bash and DIR/completions/_halo (DIR defaults to
the checkout that holds this package). Everything is read from `cli.build_all()` and the
resource table, the same objects that run the commands, so the documentation cannot drift
from them; a test regenerates into a temporary directory and compares byte for byte.

The work is done in four modules, the data flowing one way:

    parsers.py      reads the parser: commands, option groups, options, value kinds
    manpages.py     the man pages (roff), built on parsers.py
    completions.py  the bash and zsh scripts, built on parsers.py
    docs.py         this entry point: builds the parser, asks both generators for their
                    files and writes those that changed

The output is deterministic: fixed date, table order, no timestamps. Only the standard
library, these modules and the cli/resources/errors/config modules are imported (no
urllib3, no orjson).
"""
import argparse
import os
import sys

import halo_lib.cli.parser as cli
from halo_lib.docs.completions import bash_script, zsh_script
from halo_lib.docs.manpages import man_pages

# The bash completion file is installed as `halo` (bash-completion looks a command up by
# its name); the checkout keeps it as halo.bash and links that name to it.
BASH_FILE, BASH_LINK, ZSH_FILE = "halo.bash", "halo", "_halo"


# ---------------------------------------------------------------------------------------
# Writing

def generate():
    """{relative path: text} of every generated file."""
    top = cli.build_all()
    files = {f"man/{name}": text for name, text in man_pages(top).items()}
    files[f"completions/{BASH_FILE}"] = bash_script(top)
    files[f"completions/{ZSH_FILE}"] = zsh_script(top)
    return files


def write(out):
    """Write every file under out, drop generated files that are no longer generated, and
    link completions/halo to the bash script (its installed name)."""
    files = generate()
    for directory in ("man", "completions"):
        os.makedirs(os.path.join(out, directory), exist_ok=True)
    for stale in _stale(out, files):
        os.remove(stale)
    for path, text in sorted(files.items()):
        _write_if_changed(os.path.join(out, path), text)
    link = os.path.join(out, "completions", BASH_LINK)
    if os.path.islink(link) and os.readlink(link) == BASH_FILE:
        return files
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(BASH_FILE, link)
    return files


def _stale(out, files):
    for name in sorted(os.listdir(os.path.join(out, "man"))):
        if name.endswith(".1") and f"man/{name}" not in files:
            yield os.path.join(out, "man", name)


def _write_if_changed(path, text):
    """Leave an unchanged file alone, so that its time stamp says when it last changed."""
    data = text.encode("utf-8")
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                return
    except FileNotFoundError:
        pass
    with open(path, "wb") as handle:
        handle.write(data)


def default_out():
    """The checkout holding this package; None when it is installed (no setup.cfg beside
    it), where writing man/ into site-packages would help no one."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # halo_lib/
    root = os.path.dirname(package)
    return root if os.path.exists(os.path.join(root, "setup.cfg")) else None


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m halo_lib.docs",
        description="Write halo's man pages and shell completions from its parser.")
    parser.add_argument("--out", metavar="DIR", default=default_out(),
                        help="write DIR/man and DIR/completions (default: the checkout)")
    args = parser.parse_args(argv)
    if not args.out:
        parser.error("not run from a checkout of halo: give --out DIR")
    files = write(args.out)
    print(f"wrote {len(files)} files under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
