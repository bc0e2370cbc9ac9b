"""halo's bash and zsh completions, generated from the parser: `bash_script(top)` and
`zsh_script(top)` return the text of completions/halo.bash and completions/_halo. Each
script carries tables of the commands, verbs, flags and value kinds, and its own shell
functions (the templates below) that complete from them, so no Python runs at
completion time.
"""
import argparse
import re
import shlex

from halo_lib.docs.parsers import (GENERATED, GLOBAL_GROUP, global_flags, groups, help_text, options,
                      positionals, subcommands, takes_value, value_kind, value_name)
from halo_lib.resources import BY_NAME


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
    """{flag: value kind} of every flag that takes a value, anywhere. A flag must take a
    value everywhere or nowhere: completion skips a flag's value without knowing the verb."""
    kinds, plain = {}, set()
    for _, parser in [((), top)] + command_parsers(top):
        for action in options(parser):
            for flag in action.option_strings:
                if takes_value(action):
                    kind = kinds.setdefault(flag, value_kind(action))
                    if kind != value_kind(action):
                        raise SystemExit(f"halo_lib.docs: {flag} completes as both {kind} "
                                         f"and {value_kind(action)}")
                else:
                    plain.add(flag)
    clash = sorted(plain & set(kinds))
    if clash:
        raise SystemExit(f"halo_lib.docs: flags take a value in one place and not in "
                         f"another: {', '.join(clash)}")
    return kinds


def first_positional(parser):
    """How the first positional argument completes: ("files",), ("choices", A, B...), None."""
    found = positionals(parser)
    if not found:
        return None
    kind = value_kind(found[0])
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
            f for a in options(top) for f in a.option_strings)),
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
    lines += _bash_case("_halo_columns", "The default field names of a resource (--fields).",
                        [(r.name, " ".join(r.columns)) for r in BY_NAME.values()])
    lines.append(_BASH_FUNCTIONS)
    return "\n".join(lines) + "\n"


def _bash_case(function, comment, entries):
    """A function setting REPLY from its argument through a case statement; an entry's
    key is one word or a list of alternatives."""
    lines = [f"# {comment}", f"{function}() {{", "    case $1 in"]
    for key, value in entries:
        keys = [key] if isinstance(key, str) else key
        pattern = "|".join(shlex.quote(k) for k in keys)
        lines.append(f"        {pattern}) REPLY={shlex.quote(value)} ;;")
    lines += ["        *) REPLY= ;;", "    esac", "}", ""]
    return lines


def _bash_flags(top):
    entries = []
    for words, parser in command_parsers(top):
        flags = [f for a in options(parser, exclude_globals=True) for f in a.option_strings]
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
        if kind in ("files", "profiles", "fields") or kind.startswith("choices "):
            by_kind.setdefault(kind, []).append(flag)
    return [(sorted(flags), kind) for kind, flags in sorted(by_kind.items())]


def _choices_of(top, flag):
    for _, parser in [((), top)] + command_parsers(top):
        for action in options(parser):
            if flag in action.option_strings:
                return list(action.choices)
    return []


_BASH_FUNCTIONS = r'''# Profile names: the [default] and [profile NAME] headers of the profile file, read in
# the shell (no Python at completion time, so a TAB answers at once).
_halo_profiles() {
    local file=${HALO_CONFIG:-${XDG_CONFIG_HOME:-$HOME/.config}/halo/config} line
    REPLY=
    [[ -r $file ]] || return 0
    while IFS= read -r line || [[ -n $line ]]; do
        case $line in
            '[default]'*) REPLY+=" default" ;;
            '[profile '*']'*) line=${line#'[profile '}; REPLY+=" ${line%%]*}" ;;
        esac
    done < "$file"
}

# File names for the current word; $2 is put back in front when bash left it attached
# (an "@" when COMP_WORDBREAKS lacks it). $3 is an "@" that bash split off the word but
# readline still replaces (plain bash: "@" breaks COMP_WORDS, not readline's word).
_halo_files() {
    local cur=$1 prefix=$2 kept=$3
    if [[ -z $prefix$kept ]] && declare -F _filedir >/dev/null; then
        _filedir
        return
    fi
    [[ -z $prefix ]] && declare -F _filedir >/dev/null && kept=
    # Not "-o filenames": readline would quote the "@" as "\@". Names are quoted here,
    # and a directory gets its "/" and no space, so that its files can follow.
    local IFS=$'\n' name
    COMPREPLY=()
    for name in $(compgen -f -- "$cur"); do
        [[ -d $name ]] && name+=/
        COMPREPLY+=("$prefix$kept$(printf '%q' "$name")")
    done
    if (( ${#COMPREPLY[@]} == 1 )) && [[ ${COMPREPLY[0]} == */ ]]; then
        compopt -o nospace 2>/dev/null
    fi
}

# The value of a flag: files, profile names, the choices of the option, or nothing.
_halo_value() {
    local flag=$1 cur=$2
    _halo_value_kind "$flag"
    case $REPLY in
        files) _halo_files "$cur" ;;
        profiles) _halo_profiles; COMPREPLY=($(compgen -W "$REPLY" -- "$cur")) ;;
        choices\ *) COMPREPLY=($(compgen -W "${REPLY#choices }" -- "$cur")) ;;
        fields) _halo_fields "$cur" ;;
    esac
}

# --fields: the default field names of the resource on the line, after those typed
# (id,sum<TAB> -> id,summary).
_halo_fields() {
    local cur=$1 word resource= head=
    for word in "${COMP_WORDS[@]}"; do
        [[ " $_halo_resources " == *" $word "* ]] && { resource=$word; break; }
    done
    _halo_columns "$resource"
    [[ $cur == *,* ]] && head=${cur%,*},
    COMPREPLY=($(compgen -W "$REPLY" -P "$head" -- "${cur##*,}"))
    compopt -o nospace 2>/dev/null
}

# Words made only of word-break characters: bash splits "--profile=x" into "--profile",
# "=", "x", and "-F k=@f" into "-F", "k", "=@", "f". Such a word joins its neighbours.
_halo_is_joiner() {
    [[ $1 =~ ^[=@:]+$ ]]
}

_halo_completion_fn() {
    COMPREPLY=()
    local cword=$COMP_CWORD cur=${COMP_WORDS[COMP_CWORD]} prev= joiner=
    (( cword > 0 )) && prev=${COMP_WORDS[cword-1]}
    # Right after "=" or "@" readline completes an empty word; just after one, the word
    # that follows it.
    if _halo_is_joiner "$cur"; then
        joiner=$cur cur= prev=${COMP_WORDS[cword-1]}
    elif _halo_is_joiner "$prev"; then
        joiner=$prev prev=${COMP_WORDS[cword-2]}
    fi
    if [[ $joiner == *@ ]]; then            # BODY @FILE, or -F KEY=@FILE
        _halo_files "$cur" "" "${joiner#=}"
        return
    fi
    if [[ $cur == @* ]]; then               # "@" is not a word break here
        _halo_files "${cur#@}" @
        return
    fi
    if [[ $_halo_value_flags == *" $prev "* && ( -z $joiner || $joiner == = ) ]]; then
        _halo_value "$prev" "$cur"
        return
    fi
    [[ -n $joiner ]] && return              # KEY=VALUE of -F, -f, --param

    # Find the command and the verb, skipping flags, their values and joined words.
    local i=1 word command= verb= npos=0
    while (( i < cword )); do
        word=${COMP_WORDS[i]}
        if _halo_is_joiner "$word"; then
            (( i + 1 < cword )) && ! _halo_is_joiner "${COMP_WORDS[i+1]}" && (( i++ ))
        elif [[ $word == -* ]]; then
            if [[ $_halo_value_flags == *" $word "* ]] \
               && ! _halo_is_joiner "${COMP_WORDS[i+1]}"; then
                (( i++ ))
            fi
        elif [[ -z $command ]]; then
            command=$word
        elif [[ -z $verb && " $_halo_resources " == *" $command "* ]]; then
            verb=$word
        else
            (( npos++ ))
        fi
        (( i++ ))
    done

    local key=$command words=
    [[ -n $verb ]] && key="$command $verb"
    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then words=$_halo_global_flags; else words=$_halo_commands; fi
    elif [[ -z $verb && " $_halo_resources " == *" $command "* && $cur != -* ]]; then
        _halo_verbs "$command"
        words=$REPLY
    elif [[ $cur == -* ]]; then
        _halo_flags "$key"
        words=" $REPLY "
        if [[ $words == *" @globals "* ]]; then
            words=${words/ @globals / }
            local flag
            for flag in $_halo_global_flags; do
                case $flag in -h|--help|--version) continue ;; esac
                [[ $words == *" $flag "* ]] || words+="$flag "
            done
        fi
    elif (( npos == 0 )); then
        _halo_positional "$key"
        case $REPLY in
            files) _halo_files "$cur"; return ;;
            choices\ *) words=${REPLY#choices } ;;
        esac
    fi
    [[ -n $words ]] && COMPREPLY=($(compgen -W "$words" -- "$cur"))
    return 0
}

complete -F _halo_completion_fn halo
'''


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
        _ZSH_HELPERS,
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


_ZSH_HELPERS = r'''# Profile names: the [default] and [profile NAME] headers of the profile file, read in
# the shell (no Python at completion time, so a TAB answers at once).
_halo_profiles() {
  local file=${HALO_CONFIG:-${XDG_CONFIG_HOME:-$HOME/.config}/halo/config} line expl
  local -a names
  if [[ -r $file ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
      case $line in
        ('[default]'*) names+=(default) ;;
        ('[profile '*']'*) line=${line#'[profile '}; names+=("${line%%\]*}") ;;
      esac
    done < $file
  fi
  _wanted profiles expl profile compadd -a names
}

# BODY: "-" for stdin, @FILE, or JSON text; file names after the "@".
_halo_body() {
  if compset -P '@'; then
    _files
  else
    _message -e bodies 'BODY: - for stdin, @FILE, or JSON text'
  fi
}

# KEY=VALUE of -F, where VALUE may be @FILE.
_halo_field() {
  if compset -P '*=@'; then
    _files
  else
    _message -e fields 'KEY=VALUE (VALUE may be @FILE)'
  fi
}
'''


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
    kind = value_kind(action)
    if kind == "choices":
        return "(" + " ".join(action.choices) + ")"
    # An optional ID before an optional BODY (update): what is typed may be the BODY.
    if kind == "at-body" or (has_body and not action.option_strings and action.nargs == "?"):
        return "_halo_body"
    return {"files": "_files", "profiles": "_halo_profiles", "at-field": "_halo_field",
            "fields": "_halo_fields"} \
        .get(kind, " ")


def zsh_specs(parser, action, has_body=False):
    """[(flag, spec)] of one action: one _arguments spec per flag (so that a global one can
    be left out by name), quoted for the shell; flag is None for a positional."""
    message = value_name(action).replace(":", "\\:")
    arg = f":{message}:{zsh_value_action(action, has_body)}" if takes_value(action) else ""
    if not action.option_strings:
        prefix = {"?": ":", "+": "*", "*": "*"}.get(action.nargs, "")
        return [(None, zsh_quote(f"{prefix}{arg}"))]
    repeat = "*" if isinstance(action, argparse._AppendAction) else ""
    help = zsh_describe_text(help_text(parser, action))
    return [(flag, zsh_quote(f"{repeat}{flag}[{help}]{arg}")) for flag in action.option_strings]


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
