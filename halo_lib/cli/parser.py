"""The command tree (halo_lib.cli.spec) compiled into argparse, lazily.

Only the sub-parser a command line names is built: `halo --help` builds the top level
alone, `halo tickets list ...` builds tickets, then its list verb.
"""
import argparse
import functools
import re

from halo_lib.cli.helptext import terminal_width
from halo_lib.cli.spec import VERSION_TEXT, top
from halo_lib.values import CONVERTERS, or_stdin
from halo_lib.errors import Exit, UsageError
from halo_lib.options import GLOBAL_TITLE

# argparse looks each of its own words up in gettext's catalogues every time it uses one,
# and each look-up searches the locale directories (stat calls): a plain `halo tickets
# list` made over a hundred of them, a few ms of its start. The answer cannot change
# within one run, so each word is looked up once (the same translation, if any).
argparse._ = functools.cache(argparse._)


class Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter, sized without importing shutil (and bz2, lzma) at start-up."""

    def __init__(self, prog):
        super().__init__(prog, width=terminal_width() - 2)


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing and exiting, so main() keeps control.

    A sub-command's parser starts empty and is filled from its Command when the command
    line reaches it (build: a function returning the Command)."""

    out = None       # a callable taking text; set by parse() for help and version output
    deepest = None   # the last command the command line reached (a halo_lib.options.Command)
    reached = ()     # the parsers the command line reached, top first

    def __init__(self, command=None, build=None, **kwargs):
        # No abbreviated flags: a script's `--client` must not change meaning when a
        # later release adds another flag starting with it.
        kwargs.setdefault("prog", command.prog if command else None)
        super().__init__(add_help=False, allow_abbrev=False, formatter_class=Formatter,
                         **kwargs)
        self.command, self.build = None, build
        if command:
            self._fill(command)

    def _fill(self, command):
        self.command = command
        self.description, self.usage, self.epilog = (command.description, command.usage,
                                                     command.epilog)
        fill(self, command)
        Parser.deepest = command
        Parser.reached = (*Parser.reached, self)

    def parse_known_args(self, args=None, namespace=None):
        if self.build:
            build, self.build = self.build, None
            self._fill(build())
        if self.command and self.command.more and _unknown_flags(self, args):
            # Maybe flags of Halo's other documented parameters: only now is the catalogue
            # read, and the command line parsed again by a parser that has them.
            return self.with_documented().parse_known_args(args, namespace)
        return super().parse_known_args(args, namespace)

    def with_documented(self):
        """This command's parser with every documented flag (halo_lib.catalogue.flags)."""
        return Parser(self.command.more(), prog=self.prog)

    def parse_args(self, args=None, namespace=None):
        namespace, extras = self.parse_known_args(args, namespace)
        extras = _trailing_words(namespace, extras)
        if extras:
            self.error("unrecognized arguments: " + " ".join(extras) + _flag_hint(extras))
        return namespace

    def error(self, message):
        choice = _INVALID_CHOICE.match(message)
        if choice and self.command and self.command.children:
            message = _unknown(choice.group(1).lower(), choice.group(2),
                               [name for name, _, _ in self.command.children])
        # Unknown flags are found by the top parser after the sub-parsers ran: point the
        # user at the help of the command they were typing.
        deepest = Parser.deepest if message.startswith("unrecognized") else self.command
        raise UsageError(f"{message} (see '{(deepest or self.command).prog} --help')")

    def exit(self, status=0, message=None):
        if message:
            raise UsageError(message.strip())
        raise Exit(status)

    def _print_message(self, message, file=None):
        if message and Parser.out:
            Parser.out(message)


def _unknown_flags(parser, args):
    """Whether args hold a --flag this parser does not know (up to a bare --)."""
    for arg in args or ():
        if arg == "--":
            return False
        if arg.startswith("--") and arg.split("=", 1)[0] not in parser._option_string_actions:
            return True
    return False


class HelpAll(argparse.Action):
    """--help-all: the help of the parser with every documented flag."""

    def __init__(self, option_strings, dest, help=None):
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                         nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        full = parser.with_documented() if parser.command.more else parser
        full.print_help()
        parser.exit()


_INVALID_CHOICE = re.compile(r"argument (COMMAND|VERB): invalid choice: '([^']*)'")


def _unknown(kind, word, choices):
    import difflib
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        close = [c for c in choices if c.startswith(word[:2])][:1] if len(word) >= 2 else []
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown {kind} '{word}'{hint}"


def _trailing_words(namespace, extras):
    """argparse takes a `WORD ...` argument in one piece: words after an option
    (`halo api list -o table invoice`) come back unparsed. They join that argument; what
    remains is unrecognized."""
    command = Parser.deepest
    last = command.positionals[-1] if command and command.positionals else None
    if last is None or last.nargs != "*":
        return extras
    words = [w for w in extras if not w.startswith("-")]
    setattr(namespace, last.dest, list(getattr(namespace, last.dest, None) or ()) + words)
    return [w for w in extras if w.startswith("-")]


def _flag_hint(extras):
    """'; did you mean --status-id?' for the first unknown long flag close to a known one
    of the commands the line reached: the flags their parsers hold now, however and
    whenever they were added."""
    import difflib
    known = sorted({f for parser in Parser.reached for f in parser._option_string_actions
                    if f.startswith("--")})
    for word in extras:
        if word.startswith("--") and len(word) > 2:
            close = difflib.get_close_matches(word.split("=", 1)[0], known, n=1, cutoff=0.6)
            if close:
                return f"; did you mean {close[0]}?"
    return ""


def fill(parser, command):
    """Compile a command's facts into parser."""
    for positional in command.positionals:
        parser.add_argument(positional.dest, **_value_facts(positional), nargs=positional.nargs,
                            help=positional.help_line)
    for group in command.groups:
        section = parser.add_argument_group(group.title)
        for option in group.options:
            _add_option(section, option, after_command=group.title == GLOBAL_TITLE
                        and bool(command.words))
    if command.children:
        title = command.child_title
        sub = parser.add_subparsers(dest=title.lower(), metavar=title, required=True,
                                    title="commands" if title == "COMMAND" else "verbs",
                                    prog=command.prog, parser_class=Parser)
        for name, help, build in command.children:
            sub.add_parser(name, help=help, build=build)


def _add_option(section, option, after_command):
    facts = {"dest": option.dest, "help": option.help_line}
    if option.dest == "help":
        facts = {"action": "help", "help": option.help}
    elif option.dest == "help_all":
        facts = {"action": HelpAll, "help": option.help}
    elif option.dest == "version":
        facts = {"action": "version", "version": VERSION_TEXT, "help": option.help}
    elif not option.takes_value:
        facts["action"] = "store_true"
    else:
        facts.update(_value_facts(option))
        if option.repeat:
            facts.update(action="append", default=[])
        elif option.default is not None:
            facts["default"] = option.default
    if after_command:     # given before the command, the top parser's value stands
        facts["default"] = argparse.SUPPRESS
    section.add_argument(*option.flags, **facts)


def _value_facts(option):
    facts = {"type": CONVERTERS[option.value]} if option.value != "str" else {}
    if option.dash:
        facts["type"] = or_stdin(CONVERTERS[option.value])
    if option.choices:
        facts["choices"] = option.choices
    if option.metavar:
        facts["metavar"] = option.metavar
    return facts


def parse(argv, out):
    """argv -> (the deepest Command reached, argparse namespace); raises UsageError or Exit."""
    Parser.out, Parser.deepest, Parser.reached = out, None, ()
    namespace = Parser(top(), prog="halo").parse_args(argv)
    return Parser.deepest, namespace
