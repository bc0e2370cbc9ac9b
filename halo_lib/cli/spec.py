"""The command tree: every command's arguments and options, as facts (halo_lib.options).

Made from the resource table and the verb kinds. The parser compiles it into argparse
(halo_lib.cli.parser); the man pages and completions read it (halo_lib.docs). A command's
sub-commands are built only when asked for, so `halo --help` builds the top alone.
"""
from halo_lib import __version__
from halo_lib.errors import EXIT_STATUS
from halo_lib.options import GLOBAL_OPTIONS, GLOBAL_TITLE, Command, Group, switch, typed_option
from halo_lib.resources import RESOURCES

HELP = switch(("-h", "--help"), "help", "show this help message and exit")
HELP_ALL = switch(("--help-all",), "help_all",
                  "show the help with every flag, Halo's other query parameters too, and exit")
VERSION = switch(("--version",), "version", "show program's version number and exit")
VERSION_TEXT = f"halo {__version__}"

USAGE = ("halo [GLOBAL] RESOURCE VERB [ARGS] [OPTIONS]\n"
         "       halo [GLOBAL] request METHOD PATH [BODY] [OPTIONS]\n"
         "       halo [GLOBAL] sql QUERY|-|@FILE [OPTIONS]\n"
         "       halo [GLOBAL] configure [--test]\n"
         "       halo api list [WORD...]\n"
         "       halo api show PATH [METHOD]\n"
         "       halo sandbox [--port N] [--records N]")

# (name, help, description) of the commands that are not resources.
OTHER_COMMANDS = (
    ("request", "send any request to the API",
     "Send one request to any endpoint under /api and print the answer. Query parameter "
     "names (--param, and the query string of PATH) must be ones Halo's API documents for "
     "METHOD and PATH (see 'halo api show PATH'), or it is exit 2 and nothing is sent; a "
     "METHOD and PATH halo's catalogue does not know is sent after one warning line. "
     "--unchecked sends either without a word."),
    ("sql", "run an SQL query as a report, rows as NDJSON",
     "Run an ad-hoc SQL query through Halo's reporting (POST /Report with _loadreportonly; "
     "nothing is saved) and write each row as one JSON line. One request instead of many "
     "pages: the cheap way to read a lot under the rate limit. The API application needs "
     "reporting permission in Halo."),
    ("api", "list and show Halo's API offline: paths, parameters, fields",
     "Search and show the catalogue of Halo's API that halo carries, offline: no URL, no "
     "credentials, nothing sent. 'api list' writes one record per operation (method, path, "
     "group, the named halo verb that covers it or null, and known: \"document\" when "
     "Halo's API document describes it, \"elsewhere\" for the operations halo reaches "
     "that the document leaves out); WORDs keep the operations whose path or a "
     "parameter's name holds every WORD, in any case. 'api show PATH [METHOD]' writes each "
     "operation on PATH (a template such as /Tickets/{id}, or a concrete path such as "
     "/Tickets/12) with its parameters (name, in, type, enum) and its body (shape, schema "
     "and fields: name, type, enum). These are the names halo checks --param, a query "
     "string of request's PATH and -F/-f fields against before sending."),
    ("configure", "write a profile to the config file",
     "Write the [default] or [profile NAME] section of the config file from the global flags "
     "and the environment, prompting on a terminal for what is missing."),
    ("sandbox", "serve a local Halo-compatible API",
     "Serve a Halo-compatible API with generated records on 127.0.0.1 until interrupted, "
     "after printing the environment lines that point halo at it. It applies every filter "
     "the resources declare, keeps names in step with ids, refuses with 400 a body field "
     "of a type Halo's API document does not allow, runs report SQL over its "
     "tickets, keeps any other group path as an in-memory collection, and POSTs ticket and "
     "action events to webhooks on loopback."),
)


def top():
    children = [(r.name, r.summary, _resource_builder(r)) for r in RESOURCES]
    children += [(name, help, _other_builder(name, help, description))
                 for name, help, description in OTHER_COMMANDS]
    return Command(
        (), "a shell-native client for the HaloPSA REST API",
        description="A shell-native client for the HaloPSA REST API: records in and out as "
                    "JSON lines.",
        usage=USAGE, groups=[Group("options", [HELP, VERSION]),
                             Group(GLOBAL_TITLE, GLOBAL_OPTIONS)],
        children=children, child_title="COMMAND",
        epilog=_exit_status() + "\n\nSee 'halo RESOURCE --help' and man halo(1).")


def _exit_status():
    return "\n".join(["exit status:"] + [f"  {code:<4} {meaning}"
                                         for code, meaning in EXIT_STATUS])


def _resource_builder(resource):
    return lambda: resource_command(resource)


def _other_builder(name, help, description):
    return lambda: other_command(name, help, description)


def resource_command(resource):
    children = [(verb.name, verb.help, _verb_builder(resource, verb))
                for verb in resource.verbs()]
    return Command((resource.name,), resource.summary, groups=[Group("options", [HELP])],
                   children=children, child_title="VERB", resource=resource,
                   globals_after=False)


def _verb_builder(resource, verb):
    return lambda: verb_command(resource, verb)


# The verbs whose endpoint's every documented query parameter is a flag; the flags the
# table does not curate are made from the catalogue (halo_lib.catalogue.flags) only when
# a command line needs them, and shown in a group of their own.
DOCUMENTED_KINDS = ("list", "get")
DOCUMENTED_TITLE = "other query parameters Halo documents"


def verb_command(resource, verb, documented=False):
    """The command of a verb; with documented, also the flags of every query parameter
    Halo documents for it (reads the catalogue)."""
    from halo_lib.run.kinds import kind_named
    kind = kind_named(verb.kind)
    groups = []
    if verb.filters:
        groups.append(Group(kind.filter_title, [typed_option(o, "query") for o in verb.filters]))
    if verb.fields:
        groups.append(Group("fields", [typed_option(o, "field") for o in verb.fields]))
    more = verb.kind in DOCUMENTED_KINDS
    helps = [HELP, HELP_ALL] if more else [HELP]
    groups.append(Group("options", helps + kind.options(resource, verb)))
    command = Command((resource.name, verb.name), verb.help,
                      description=f"halo {resource.name} {verb.name}: {verb.help}.",
                      positionals=kind.positionals(resource, verb), groups=groups, kind=kind,
                      resource=resource, verb=verb)
    if more and documented:
        _add_documented(command, resource, verb)
    elif more:
        command.more = lambda: verb_command(resource, verb, documented=True)
        command.epilog = _more_note(resource, verb)
    return _with_globals(command)


def _add_documented(command, resource, verb):
    """The documented flags, after the curated ones. None takes a flag of the command or
    a global one (halo_lib.catalogue.flags says how a clash is renamed)."""
    from halo_lib.catalogue.flags import documented
    taken = {f for o in (*command.options(), *GLOBAL_OPTIONS) for f in o.flags}
    command.documented = documented(resource, verb, taken)
    if command.documented:
        at = 1 if verb.filters else 0
        command.groups.insert(at, Group(DOCUMENTED_TITLE, [typed_option(o, "query")
                                                           for o in command.documented]))


def _more_note(resource, verb):
    """What --help says of the flags it does not show (their count is generated with the
    man pages, so that --help does not read the catalogue)."""
    from halo_lib.cli.counts import DOCUMENTED
    count = DOCUMENTED.get(f"{resource.name} {verb.name}", 0)
    if not count:
        return None
    flags = "1 more flag" if count == 1 else f"{count} more flags"
    return _wrapped(f"--help-all shows {flags}, for the other query parameters Halo "
                    f"documents on {verb.method} {verb.path} (also in man "
                    f"halo-{resource.name}).")


def _wrapped(text, width=79):
    """Text in lines of at most width (an epilog is printed as it is; textwrap would
    import re on the way to --help)."""
    lines = [""]
    for word in text.split():
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width:
            lines.append("")
        lines[-1] += (" " if lines[-1] else "") + word
    return "\n".join(lines)


def other_command(name, help, description):
    from halo_lib.run.kinds import kind_named
    kind = kind_named(name)
    command = Command((name,), help, description=description,
                      positionals=kind.positionals(None, None),
                      groups=[Group("options", [HELP] + kind.options(None, None))], kind=kind,
                      globals_after=name != "sandbox")
    return _with_globals(command) if command.globals_after else command


def _with_globals(command):
    """The global options after the command too, except where it has a flag of the same
    name (`halo --client-id APP tickets list --client-id 12`: the app, then the client)."""
    own = {flag for option in command.options() for flag in option.flags}
    command.groups.append(Group(GLOBAL_TITLE, [o for o in GLOBAL_OPTIONS
                                               if not own.intersection(o.flags)]))
    command.usage = " ".join([command.prog, *map(usage_word, command.positionals),
                              "[OPTIONS]"])
    return command


def usage_word(positional):
    name = positional.metavar or positional.dest
    return {"?": f"[{name}]", "+": f"{name} [{name} ...]",
            "*": f"[{name} ...]"}.get(positional.nargs, name)
