"""The answer to the plain help and version command lines, without argparse.

argparse imports `re`, `enum`, gettext and locale, and compiles patterns when a parser
is made: about half of what `halo --help` costs. So `halo --help`, `halo --version`,
`halo COMMAND --help` and `halo RESOURCE VERB --help` are answered here from the command
tree, laid out exactly as argparse's RawDescriptionHelpFormatter lays it out (in Python
3.11 to 3.13; tests/test_startup.py compares every command at several widths). Any other
command line, and any text this does not lay out itself, goes to argparse (None).
"""
import os
import sys

HELP_FLAGS = ("-h", "--help")
_SAME_AS_ARGPARSE = (3, 11) <= sys.version_info[:2] < (3, 14)
# From 3.13 argparse writes an option's value once: `-o, --output FORMAT`.
_VALUE_ONCE = sys.version_info[:2] >= (3, 13)


def terminal_width():
    """Columns of the terminal on stdout (COLUMNS first), 80 elsewhere: as argparse."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(1).columns or 80
    except OSError:
        return 80


def quick_answer(argv, width=None):
    """The help or version text for a plain help command line, or None."""
    if not _SAME_AS_ARGPARSE or not argv or argv[-1] not in HELP_FLAGS + ("--version",):
        return None
    from halo_lib.cli.spec import VERSION_TEXT, top
    if argv == ["--version"]:
        return VERSION_TEXT + "\n"
    if argv[-1] == "--version":
        return None
    command = top()
    for word in argv[:-1]:
        command = _child(command, word)
        if command is None:
            return None
    return help_text(command, (width or terminal_width()) - 2)


def _child(command, word):
    for name, _, build in command.children:
        if name == word:
            return build()
    return None


def help_text(command, width):
    """argparse's format_help() for the parser made from command, or None."""
    usage = _usage(command, width)
    if usage is None:
        return None
    sections = _sections(command)
    if any(_needs_percent(t) for t in _texts(command, sections)):
        return None
    # argparse measures a sub-command's name at its parent's indent, not its own
    widest = max((len(inv) + 2 for _, items in sections for inv, _, _ in _flat(items)),
                 default=0)
    help_at = min(widest + 2, min(24, max(width - 20, 4)))
    parts = ["usage: " + usage + "\n\n", command.description + "\n\n"]
    for title, items in sections:
        body = "".join(_item(item, 2, help_at, width) for item in items)
        parts.append(f"\n{title}:\n{body}\n")
    if command.epilog:
        parts.append(command.epilog + "\n\n")
    text = "\n" + "".join(parts) + "\n"
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip("\n") + "\n"


def _texts(command, sections):
    yield from (command.description, command.epilog or "")
    for _, items in sections:
        for _, help, _ in _flat(items):
            yield help or ""


def _needs_percent(text):
    """argparse formats help with %: such a text is left to it."""
    return "%" in text


def _sections(command):
    """[(title, [(invocation, help, sub-items)])] in argparse's order of groups."""
    sections = []
    if command.positionals:
        sections.append(("positional arguments",
                         [(_invocation(p), p.help_line, []) for p in command.positionals]))
    for group in command.groups:
        items = [(_invocation(o), o.help_line, []) for o in group.options]
        if items:
            sections.append((group.title, items))
    if command.children:
        title = "commands" if command.child_title == "COMMAND" else "verbs"
        sections.append((title, [(command.child_title, None,
                                  [(name, help, []) for name, help, _ in command.children])]))
    return sections


def _flat(items, indent=2):
    for invocation, help, subitems in items:
        yield invocation, help, indent
        yield from _flat(subitems, indent + 2)


def _item(item, indent, help_at, width):
    """argparse's _format_action: the invocation, its help beside or under it."""
    from halo_lib.cli.wrap import wrap     # only help needs it (argparse imports this module)
    invocation, help, subitems = item
    room = help_at - indent - 2
    if not help:
        parts = [" " * indent + invocation + "\n"]
    else:
        lines = wrap(_one_line(help), max(width - help_at, 11))
        if len(invocation) <= room:
            parts = [" " * indent + invocation.ljust(room) + "  " + lines[0] + "\n"]
        else:
            parts = [" " * indent + invocation + "\n", " " * help_at + lines[0] + "\n"]
        parts += [" " * help_at + line + "\n" for line in lines[1:]]
    parts += [_item(sub, indent + 2, help_at, width) for sub in subitems]
    return "".join(parts)


def _one_line(text):
    """argparse's whitespace rule: each run of ASCII whitespace becomes one space."""
    return " ".join(p for p in text.translate(_ASCII_SPACE).split(" ") if p).strip()


_ASCII_SPACE = {ord(c): " " for c in "\t\n\r\x0b\x0c"}


def _invocation(option):
    """How argparse names an argument in the help: `-o {a,b}, --output {a,b}`, `ID [ID ...]`."""
    if option.positional:
        return _name(option, option.dest)
    if not option.takes_value:
        return ", ".join(option.flags)
    args = _args(option, option.dest.upper())
    if _VALUE_ONCE:
        return ", ".join(option.flags) + " " + args
    return ", ".join(f"{flag} {args}" for flag in option.flags)


def _name(option, default):
    return option.metavar or ("{" + ",".join(option.choices) + "}" if option.choices
                              else default)


def _args(option, default):
    name = _name(option, default)
    return {None: name, "?": f"[{name}]", "+": f"{name} [{name} ...]",
            "*": f"[{name} ...]"}[option.nargs]


def _usage(command, width):
    """The usage line given, or argparse's own when it fits on one line (else None)."""
    if command.usage is not None:
        return None if "%" in command.usage else command.usage
    parts = [f"[{o.flags[0]}]" if not o.takes_value
             else f"[{o.flags[0]} {_args(o, o.dest.upper())}]" for o in command.options()]
    parts += [_args(p, p.dest) for p in command.positionals]
    if command.children:
        parts.append(f"{command.child_title} ...")
    usage = " ".join([command.prog] + parts)
    if len("usage: ") + len(usage) > width or any(
            mark in usage for mark in ("[ ", "( ", " ]", " )", "[]", "()")):
        return None
    return usage
