"""halo's bash and zsh completions, generated from the parser: `bash_script(top)` and
`zsh_script(top)` return the text of completions/halo.bash and completions/_halo. Each
script carries tables of the commands, verbs, flags and value kinds, and its own shell
functions (the templates below) that complete from them, so no Python runs at
completion time.
"""
import os
import re
import shlex

from halo_lib.docs.model import (GENERATED, GLOBAL_GROUP, api_catalogue, api_params,
                                 api_paths, global_flags, groups, options, positionals,
                                 subcommands, verb_operations)
from halo_lib.resources import BY_NAME

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


def template(name):
    """The shell code of a completion script, kept in a real .bash or .zsh file (checked
    by shellcheck and zsh -n in the test suite), and copied into the script as it is."""
    with open(os.path.join(TEMPLATES, name), encoding="utf-8") as handle:
        return handle.read()


# ---------------------------------------------------------------------------------------
# Completion data shared by both shells

def command_parsers(top):
    """[(words, parser)] of every command that takes options: each resource, each verb,
    request, configure, sandbox."""
    found = []
    for name, _, parser in subcommands(top):
        found.append(((name,), parser))
        for verb, _, verb_parser in subcommands(parser):
            found.append(((name, verb), verb_parser))
    return found


def value_flags(top):
    """{flag: value kind} of every flag that takes a value, anywhere. A flag's value
    completes the same way everywhere it takes one."""
    kinds = {}
    for _, parser in [((), top)] + command_parsers(top):
        for action in options(parser):
            for flag in action.flags:
                if action.takes_value:
                    kind = kinds.setdefault(flag, action.complete)
                    if {kind, action.complete} == {"names", "none"}:
                        # --client-id: the API app's before a command, a client after
                        # one; the names are found through the command (_halo_refs).
                        kinds[flag] = kind = "names"
                    if kind != action.complete and kind != "names":
                        raise SystemExit(f"halo_lib.docs: {flag} completes as both {kind} "
                                         f"and {action.complete}")
    return kinds


def switches_here(top, kinds):
    """[(command words, flags)] of the commands where a flag that takes a value elsewhere
    is a switch: Halo documents includechildren as text on /Tickets and as a boolean on
    /Asset. The bash scan asks, so that it does not take the next word for its value."""
    entries = []
    for words, parser in command_parsers(top):
        flags = sorted(f for a in options(parser) if not a.takes_value for f in a.flags
                       if f in kinds)
        if flags:
            entries.append((" ".join(words), " ".join(flags)))
    return entries


def first_positional(parser):
    """How the first positional argument completes: ("files",), ("choices", A, B...), None."""
    found = positionals(parser)
    if not found:
        return None
    kind = found[0].complete
    if kind == "files":
        return ("files",)
    if kind == "choices":
        return ("choices", *found[0].choices)
    return None


# ---------------------------------------------------------------------------------------
# bash

def bash_script(top):
    kinds = value_flags(top)
    resources = [name for name, _, _ in subcommands(top) if name in BY_NAME]
    lines = [
        "# bash completion for halo                                 -*- shell-script -*-",
        f"# {GENERATED}",
        "#",
        "# Enable it by sourcing this file from ~/.bashrc. `pip install` puts it in",
        "# share/bash-completion/completions/halo of its prefix, where bash-completion loads",
        "# it by itself when that share directory is ~/.local/share or on $XDG_DATA_DIRS",
        "# (/usr/local/share is, by default).",
        "",
        "_halo_commands=" + shlex.quote(" ".join(n for n, _, _ in subcommands(top))),
        "_halo_resources=" + shlex.quote(" ".join(resources)),
        "_halo_global_flags=" + shlex.quote(" ".join(
            f for a in options(top) for f in a.flags)),
        "# Flags followed by a value; the scan below skips the value with the flag.",
        "_halo_value_flags=" + shlex.quote(" " + " ".join(sorted(kinds)) + " "),
        "",
    ]
    lines += _bash_case("_halo_verbs", "The verbs of a resource.",
                        [(name, " ".join(v for v, _, _ in subcommands(parser)))
                         for name, _, parser in subcommands(top) if name in BY_NAME])
    lines += _bash_case("_halo_flags", "The flags of a command; @globals stands for the "
                        "global flags it accepts\n# after it (less those it has a flag of "
                        "the same name for).", _bash_flags(top))
    lines += _bash_case("_halo_positional", "How the first positional argument of a "
                        "command completes.", _bash_positionals(top))
    lines += _bash_case("_halo_value_kind", "How the value of a flag completes.",
                        _bash_kinds(kinds, top))
    lines += _bash_case("_halo_switches", "The flags of a command that take no value there "
                        "though they take one elsewhere.", switches_here(top, kinds))
    lines += _bash_case("_halo_columns", "The default field names of a resource (--fields).",
                        [(r.name, " ".join(r.columns)) for r in BY_NAME.values()])
    lines += api_tables()
    lines += _bash_case("_halo_refs", "The resource whose names a flag of a command "
                        "takes (its records' ids,\n# or their names from the lookup cache).",
                        _bash_refs(top))
    lines.append(template("functions.bash"))
    return "\n".join(lines) + "\n"


def api_tables():
    """The catalogue of Halo's API as case functions both shells read (the syntax is
    common to bash and zsh): the paths offering each method, the query parameters of each
    operation, and the operation of each named verb. Written into the scripts, so a TAB
    after `request GET` or `--param` starts no Python."""
    catalogue = api_catalogue()
    words = {w for table in (api_paths(catalogue), api_params(catalogue))
             for _, value in table for w in value.split()}
    globbing = sorted(w for w in words if set(w) & set("*?[]\\'\"$`"))
    if globbing:     # the shell functions split these words unquoted
        raise SystemExit(f"halo_lib.docs: API names the completions cannot hold: {globbing}")
    if any(path.startswith("/{") for path in catalogue.paths()):
        # _halo_template skips templates whose first segment differs from the path's
        raise SystemExit("halo_lib.docs: a path of Halo's API starts with a placeholder")
    return (_bash_case("_halo_api_paths", "The paths of Halo's API offering a method "
                       "(all: every path), from halo's catalogue.", api_paths(catalogue))
            + _bash_case("_halo_api_params", "The query parameters of an operation, "
                         "'METHOD /Template'.", api_params(catalogue))
            + _bash_case("_halo_operation", "The operation a named verb sends.",
                         verb_operations(catalogue)))


def _bash_case(function, comment, entries):
    """A function setting REPLY from its argument through a case statement; an entry's
    key is one word or a list of alternatives."""
    lines = [f"# {comment}", f"{function}() {{", "    case $1 in"]
    for key, value in entries:
        keys = [key] if isinstance(key, str) else key
        pattern = "|".join(shlex.quote(k) for k in keys)
        lines.append(f"        {pattern}) REPLY={_single_quoted(value)} ;;")
    lines += ["        *) REPLY= ;;", "    esac", "}", ""]
    return lines


def _single_quoted(text):
    """Always quoted: REPLY=type would read as a command to shellcheck (SC2209)."""
    return "'" + text.replace("'", "'\\''") + "'"


def _bash_flags(top):
    entries = []
    for words, parser in command_parsers(top):
        flags = [f for a in options(parser, exclude_globals=True) for f in a.flags]
        if GLOBAL_GROUP in groups(parser):
            flags.append("@globals")
        entries.append((" ".join(words), " ".join(flags)))
    return entries


def _bash_positionals(top):
    entries = []
    for words, parser in command_parsers(top):
        first = first_positional(parser)
        if first:
            entries.append((" ".join(words), " ".join([first[0], *first[1:]])))
    return entries


def _bash_kinds(kinds, top):
    """(case pattern, kind): files, profiles, or "choices A B"."""
    by_kind = {}
    for flag, kind in kinds.items():
        if kind == "choices":
            kind = "choices " + " ".join(_choices_of(top, flag))
        if kind in ("files", "profiles", "fields", "api-params", "names") or \
                kind.startswith("choices "):
            by_kind.setdefault(kind, []).append(flag)
    return [(sorted(flags), kind) for kind, flags in sorted(by_kind.items())]


def _bash_refs(top):
    """("resource verb --flag" keys, referenced resource) of every flag that takes names."""
    by_ref = {}
    for words, parser in command_parsers(top):
        for action in options(parser, exclude_globals=True):
            if action.ref:
                # "R list": comma-separated ids, so a name completes after the last comma.
                kind = action.ref + (" list" if action.value == "refs" else "")
                for flag in action.flags:
                    by_ref.setdefault(kind, []).append(" ".join(words + (flag,)))
    return [(keys, ref) for ref, keys in sorted(by_ref.items())]


def _choices_of(top, flag):
    for _, parser in [((), top)] + command_parsers(top):
        for action in options(parser):
            if flag in action.flags:
                return list(action.choices)
    return []





# ---------------------------------------------------------------------------------------
# zsh

def zsh_script(top):
    shared = zsh_shared_specs(top)
    lines = [
        "#compdef halo",
        f"# zsh completion for halo. {GENERATED}",
        "#",
        "# `pip install` puts this file in share/zsh/site-functions of its prefix; add that",
        "# directory to $fpath before compinit runs (see the README).",
        "",
        template("helpers.zsh"),
        *api_tables(),
        *_zsh_fields(),
        "_halo() {",
        "  local curcontext=$curcontext state state_descr line ret=1",
        "  local -A opt_args",
        "  # The global options, also accepted after each verb (minus the verb's own names).",
        "  local -a _halo_globals",
        "  _halo_globals=(",
    ]
    lines += [f"    {spec}" for a in groups(top).get(GLOBAL_GROUP, [])
              for _, spec in zsh_specs(top, a)]
    lines += ["  )",
              "  # Option specs many commands share, by flag.",
              "  local -A _halo_shared",
              "  _halo_shared=("]
    lines += [f"    {key} {spec}" for spec, key in shared.items()]
    lines += ["  )", "  _arguments -C -s -S \\"]
    lines += [f"    {spec} \\" for a in options(top, exclude_globals=True)
              for _, spec in zsh_specs(top, a)]
    lines += [
        '    "${(@)_halo_globals}" \\',
        "    ':command:_halo_commands' \\",
        "    '*::argument:->argument' && ret=0",
        "  [[ $state == argument ]] || return ret",
        "  curcontext=${curcontext%:*:*}:halo-$words[1]:",
        "  case $words[1] in",
    ]
    for name, _, parser in subcommands(top):
        if name in BY_NAME:
            lines.append(f"    ({name}) {_zsh_function(name)} && ret=0 ;;")
        else:
            lines.append(f"    ({name})")
            lines += _zsh_arguments(top, parser, shared, indent="      ")
            lines.append("      ;;")
    lines += ["  esac", "  return ret", "}", ""]
    lines += _zsh_commands(top)
    for name, _, parser in subcommands(top):
        if name in BY_NAME:
            lines += _zsh_resource(top, name, parser, shared)
    lines += ['_halo "$@"']
    return "\n".join(lines) + "\n"





def _zsh_fields():
    """--fields: the default field names of the resource named in the context, after
    those already typed and their commas."""
    lines = ["# --fields: the default field names of the resource (from the context).",
             "_halo_fields() {", "  local expl", "  local -a names", "  case $curcontext in"]
    lines += [f"    (*:halo-{r.name}-*) names=({' '.join(r.columns)}) ;;"
              for r in BY_NAME.values()]
    lines += ["  esac", "  compset -P '*,'",
              "  _wanted fields expl field compadd -q -S , -a names", "}", ""]
    return lines


def zsh_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


def zsh_describe_text(text):
    """Help inside a spec's [...]: brackets and backslashes escaped for _arguments."""
    return re.sub(r"([\\\[\]])", r"\\\1", text)


def zsh_value_action(action, has_body=False):
    kind = action.complete
    if kind == "choices":
        return "(" + " ".join(action.choices) + ")"
    # An optional ID before an optional BODY (update): what is typed may be the BODY.
    if kind == "at-body" or (has_body and not action.flags and action.nargs == "?"):
        return "_halo_body"
    if kind == "names":   # comma-separated ids: a name after each comma
        return ("_halo_names_list " if action.value == "refs" else "_halo_names ") + action.ref
    return {"files": "_files", "profiles": "_halo_profiles", "at-field": "_halo_field",
            "fields": "_halo_fields", "api-paths": "_halo_api_path",
            "api-params": "_halo_api_param"} \
        .get(kind, " ")


def zsh_specs(parser, action, has_body=False):
    """[(flag, spec)] of one action: one _arguments spec per flag (so that a global one can
    be left out by name), quoted for the shell; flag is None for a positional."""
    message = action.value_name.replace(":", "\\:")
    arg = f":{message}:{zsh_value_action(action, has_body)}" if action.takes_value else ""
    if not action.flags:
        prefix = {"?": ":", "+": "*", "*": "*"}.get(action.nargs, "")
        return [(None, zsh_quote(f"{prefix}{arg}"))]
    repeat = "*" if action.repeat else ""
    help = zsh_describe_text(action.help_line)
    return [(flag, zsh_quote(f"{repeat}{flag}[{help}]{arg}")) for flag in action.flags]


def zsh_shared_specs(top):
    """{spec: key} of the option specs written once and named from each command: those
    used more than once. The key is the flag, with /2, /3... for its less used variants."""
    counts = {}
    for _, parser in command_parsers(top):
        has_body = any(a.metavar == "BODY" for a in positionals(parser))
        for action in options(parser, exclude_globals=True):
            for flag, spec in zsh_specs(parser, action, has_body):
                counts.setdefault(flag, {}).setdefault(spec, 0)
                counts[flag][spec] += 1
    shared = {}
    for flag, specs in counts.items():
        used = [spec for spec, n in sorted(specs.items(), key=lambda i: -i[1]) if n > 1]
        for number, spec in enumerate(used, 1):
            shared[spec] = flag if number == 1 else f"{flag}/{number}"
    return shared


def _zsh_option_specs(parser, actions, shared, has_body=False):
    return [f'"$_halo_shared[{shared[spec]}]"' if spec in shared else spec
            for a in actions for _, spec in zsh_specs(parser, a, has_body)]


def _zsh_arguments(top, parser, shared, indent):
    """An _arguments call for a verb (or request, configure, sandbox)."""
    has_body = any(a.metavar == "BODY" for a in positionals(parser))
    specs = _zsh_option_specs(parser, options(parser, exclude_globals=True), shared, has_body)
    specs += [spec for a in positionals(parser) for _, spec in zsh_specs(parser, a, has_body)]
    if GLOBAL_GROUP in groups(parser):
        shadowed = [f for f in global_flags(top) if f not in global_flags(parser)]
        if shadowed:
            pattern = "(" + "|".join(shadowed) + ")\\[*"
            specs.append(f'"${{(@)_halo_globals:#{pattern}}}"')
        else:
            specs.append('"${(@)_halo_globals}"')
    lines = [f"{indent}_arguments -s -S \\"]
    lines += [f"{indent}  {spec} \\" for spec in specs]
    lines[-1] = lines[-1][:-2] + " && ret=0"
    return lines


def _zsh_function(name):
    return "_halo_" + name.replace("-", "_")


def _zsh_describe(name, tag, description, items):
    lines = [f"{name}() {{", "  local -a items", "  items=("]
    lines += ["    " + zsh_quote(item.replace(":", "\\:") + ":" + help) for item, help in items]
    lines += ["  )", f"  _describe -t {tag} {zsh_quote(description)} items", "}", ""]
    return lines


def _zsh_commands(top):
    return _zsh_describe("_halo_commands", "commands", "command",
                         [(n, h) for n, h, _ in subcommands(top)])


def _zsh_resource(top, name, parser, shared):
    function = _zsh_function(name)
    verbs = subcommands(parser)
    lines = _zsh_describe(function + "_verbs", "verbs", f"{name} verb",
                          [(v, h) for v, h, _ in verbs])
    lines += [f"{function}() {{",
              "  local curcontext=$curcontext state state_descr line ret=1",
              "  local -A opt_args",
              "  _arguments -C -s -S \\"]
    lines += [f"    {s} \\" for s in _zsh_option_specs(parser, options(parser), shared)]
    lines += [f"    ':verb:{function}_verbs' \\",
              "    '*::argument:->argument' && ret=0",
              "  [[ $state == argument ]] || return ret",
              f"  curcontext=${{curcontext%:*:*}}:halo-{name}-$words[1]:",
              "  case $words[1] in"]
    for verb, _, verb_parser in verbs:
        lines.append(f"    ({verb})")
        lines += _zsh_arguments(top, verb_parser, shared, indent="      ")
        lines.append("      ;;")
    lines += ["  esac", "  return ret", "}", ""]
    return lines
