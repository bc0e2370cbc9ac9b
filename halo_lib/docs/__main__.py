"""Man pages and shell completions, generated from the command tree and its facts.

    python -m halo_lib.docs [--out DIR]

writes DIR/man/*.1, DIR/completions/halo.bash, DIR/completions/_halo and the counts of
DIR/halo_lib/cli/counts.py that --help quotes (DIR defaults to the checkout that
holds this package). Everything is read from the command tree of
halo_lib.cli.spec, the same objects the parser is compiled from, so the documentation
cannot drift from it; a test regenerates into a temporary directory and compares byte for
byte.

    model.py        the command tree as the generators read it
    roff.py         roff escaping and the man(7) page writer
    examples.py     the EXAMPLES sections (each verb kind gives its own), parsed to check
    entries.py      the option, argument and exit status entries of every page
    toppage.py      halo(1)
    manpages.py     the pages of the resources and the other commands
    completions.py  the bash and zsh scripts, around the shell code in templates/
    __main__.py     this entry point: writes the files that changed

The output is deterministic: fixed date, table order, no timestamps. Only the standard
library and halo's own light modules are imported (no urllib3, no orjson).
"""
import argparse
import os
import sys

from halo_lib.docs.model import GENERATED, resource_verbs, tree
from halo_lib.docs.completions import bash_script, zsh_script
from halo_lib.docs.manpages import man_pages

# The bash completion file is installed as `halo` (bash-completion looks a command up by
# its name); the checkout keeps it as halo.bash and links that name to it.
BASH_FILE, BASH_LINK, ZSH_FILE = "halo.bash", "halo", "_halo"
COUNTS_FILE = "halo_lib/cli/counts.py"


# ---------------------------------------------------------------------------------------
# Writing

def generate():
    """{relative path: text} of every generated file."""
    top = tree()
    files = {f"man/{name}": text for name, text in man_pages(top).items()}
    files[f"completions/{BASH_FILE}"] = bash_script(top)
    files[f"completions/{ZSH_FILE}"] = zsh_script(top)
    files[COUNTS_FILE] = documented_counts(top)
    return files


def documented_counts(top):
    """halo_lib/cli/counts.py: how many flags of Halo's documented query parameters
    each list and get verb has beyond the curated ones, for its --help (which must not
    read the catalogue to say so)."""
    lines = ['"""How many flags each verb has beyond those its --help shows.', "",
             GENERATED, '"""', "DOCUMENTED = {"]
    for resource, verbs, _ in resource_verbs(top):
        for verb, command in verbs:
            if command.documented:
                lines.append(f"    {resource.name + ' ' + verb.name!r}: "
                             f"{len(command.documented)},")
    return "\n".join(lines + ["}"]) + "\n"


def write(out):
    """Write every file under out, drop generated files that are no longer generated, and
    link completions/halo to the bash script (its installed name)."""
    files = generate()
    for directory in ("man", "completions", os.path.dirname(COUNTS_FILE)):
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
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
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
