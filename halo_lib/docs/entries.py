"""Entries shared by every man page: options and arguments as roff items, a command's
usage line and the exit status table, all from the facts of the command tree."""
from halo_lib.errors import EXIT_STATUS
from halo_lib.docs.model import positionals
from halo_lib.docs.roff import bold, italic, roff


def option_tag(action):
    """`\\fB\\-o\\fR, \\fB\\-\\-output\\fR \\fIndjson|json\\fR`"""
    tag = ", ".join(bold(flag) for flag in action.flags)
    if action.takes_value:
        tag += " " + italic(action.value_name)
    return tag


def option_body(parser, action):
    """The help of an option as prose, with the Halo name it sets or its variable."""
    if action.halo:
        where = "query parameter" if action.halo[0] == "query" else "body field"
        return f"{roff(action.help)}; sets the Halo {where} {bold(action.halo[1])}."
    if action.env:
        return f"{roff(action.help)}; environment: {bold(action.env)}."
    return roff(action.help) + "."


def add_options(page, parser, actions):
    for action in actions:
        page.item(option_tag(action), option_body(parser, action))


def add_positionals(page, parser):
    for action in positionals(parser):
        page.item(italic(action.metavar or action.dest), roff(action.help) + ".")


def usage_words(command, parser, with_global=True):
    """`\\fBhalo\\fR [\\fIGLOBAL\\fR] \\fBtickets get\\fR \\fIID\\fR [\\fIOPTIONS\\fR]`"""
    words = [bold("halo")]
    if with_global:
        words.append(f"[{italic('GLOBAL')}]")
    words.append(bold(command))
    for action in positionals(parser):
        name = italic(action.metavar or action.dest)
        words.append({"?": f"[{name}]", "+": f"{name} ...", "*": f"[{name} ...]"}
                     .get(action.nargs, name))
    words.append(f"[{italic('OPTIONS')}]")
    return " ".join(words)


def add_exit_status(page):
    page.section("EXIT STATUS")
    for code_, meaning in EXIT_STATUS:
        page.item(bold(str(code_)), roff(meaning) + ".")


# ---------------------------------------------------------------------------------------
# Examples. Every halo command line in them is parsed by the real parser when the pages are
# generated, so an example that names a flag the parser lacks stops the generator.
