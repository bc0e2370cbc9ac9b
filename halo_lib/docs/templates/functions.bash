# shellcheck shell=bash
# The functions of halo's bash completion; `python -m halo_lib.docs` puts the tables they
# read (_halo_commands, _halo_verbs, ...) above them in completions/halo.bash.
# Profile names: the [default] and [profile NAME] headers of the profile file, read in
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
    [[ -z $prefix ]] && declare -F _filedir >/dev/null && kept=''
    # Not "-o filenames": readline would quote the "@" as "\@". Names are quoted here,
    # and a directory gets its "/" and no space, so that its files can follow.
    local name names
    mapfile -t names < <(compgen -f -- "$cur")
    COMPREPLY=()
    for name in "${names[@]}"; do
        [[ -d $name ]] && name+=/
        COMPREPLY+=("$prefix$kept$(printf '%q' "$name")")
    done
    if (( ${#COMPREPLY[@]} == 1 )) && [[ ${COMPREPLY[0]} == */ ]]; then
        compopt -o nospace 2>/dev/null
    fi
}

# The value of flag $1 of the command $3 ("tickets list"): files, profile names, the
# choices of the option, names of records, or nothing.
_halo_value() {
    local flag=$1 cur=$2
    _halo_value_kind "$flag"
    case $REPLY in
        files) _halo_files "$cur" ;;
        profiles) _halo_profiles; mapfile -t COMPREPLY < <(compgen -W "$REPLY" -- "$cur") ;;
        choices\ *) mapfile -t COMPREPLY < <(compgen -W "${REPLY#choices }" -- "$cur") ;;
        fields) _halo_fields "$cur" ;;
        api-params) _halo_param_names "$cur" ;;
        names) _halo_names "$3 $flag" "$cur" ;;
    esac
}

# The names of the records a flag refers to (--client-id Acme<TAB>), from halo's lookup
# caches (names-* in the cache directory, one "R<TAB>resource<TAB>id<TAB>name..." line a
# record), read in the shell: completion never sends a request, nor runs Python. Only
# regular files of ours count (never a link, a FIFO or another user's file). Matching
# ignores case, as resolving a name does. $1: "resource verb --flag".
_halo_names() {
    local cur=$2
    _halo_refs "$1"
    [[ -n $REPLY ]] || return 0
    local wanted=${REPLY% list} head='' file name quoted
    if [[ $REPLY == *" list" && $cur == *,* ]]; then   # ids and names, comma-separated
        head=${cur%,*},
        cur=${cur##*,}
    fi
    local dir=${XDG_CACHE_HOME:-$HOME/.cache}/halo
    local -a files=()
    cur=${cur#[\"\']}
    cur=${cur//\\/}
    for file in "$dir"/names-*; do
        [[ -f $file && ! -L $file && -O $file ]] && files+=("$file")
    done
    (( ${#files[@]} )) || return 0
    # One awk over the files: a while-read loop in bash takes ~50 us a line.
    while IFS= read -r name; do
        printf -v quoted '%q' "$name"
        COMPREPLY+=("$head$quoted")   # the head as typed: %q would escape its commas
    done < <(awk -F '\t' -v want="$wanted" -v cur="${cur,,}" \
        '$1 == "R" && $2 == want && index(tolower($4), cur) == 1 && !seen[$4]++ { print $4 }' \
        "${files[@]}")
}

# --fields: the default field names of the resource on the line, after those typed
# (id,sum<TAB> -> id,summary).
_halo_fields() {
    local cur=$1 word resource='' head=''
    for word in "${COMP_WORDS[@]}"; do
        [[ " $_halo_resources " == *" $word "* ]] && { resource=$word; break; }
    done
    _halo_columns "$resource"
    [[ $cur == *,* ]] && head=${cur%,*},
    mapfile -t COMPREPLY < <(compgen -W "$REPLY" -P "$head" -- "${cur##*,}")
    compopt -o nospace 2>/dev/null
}

# Whether flag $2 takes a value in the command $1 ("tickets list"): it does if it takes
# one anywhere, unless the command has it as a switch (_halo_switches).
_halo_takes_value() {
    [[ $_halo_value_flags == *" $2 "* ]] || return 1
    _halo_switches "$1"
    [[ " $REPLY " != *" $2 "* ]]
}

# Words made only of word-break characters: bash splits "--profile=x" into "--profile",
# "=", "x", and "-F k=@f" into "-F", "k", "=@", "f". Such a word joins its neighbours.
_halo_is_joiner() {
    [[ $1 =~ ^[=@:]+$ ]]
}

# Find the command, the verb and the positional words before word $1 of COMP_WORDS,
# skipping flags, their values and joined words; sets _halo_command, _halo_verb and the
# array _halo_args (declared local by the caller).
_halo_scan() {
    local cword=$1 i=1 word
    _halo_command='' _halo_verb='' _halo_args=()
    while (( i < cword )); do
        word=${COMP_WORDS[i]}
        if _halo_is_joiner "$word"; then
            (( i + 1 < cword )) && ! _halo_is_joiner "${COMP_WORDS[i+1]}" && (( i++ ))
        elif [[ $word == -* ]]; then
            if _halo_takes_value "$_halo_command${_halo_verb:+ $_halo_verb}" "$word" \
               && ! _halo_is_joiner "${COMP_WORDS[i+1]}"; then
                (( i++ ))
            fi
        elif [[ -z $_halo_command ]]; then
            _halo_command=$word
        elif [[ -z $_halo_verb && " $_halo_resources " == *" $_halo_command "* ]]; then
            _halo_verb=$word
        else
            _halo_args+=("$word")
        fi
        (( i++ ))
    done
}

# COMPREPLY: the words of $2 that start with $1, each followed by $3; when none does in
# its case, those that do in any case (/tick -> /Tickets). The generator keeps glob
# characters out of these words, so the unquoted $2 only splits.
_halo_matches() {
    local cur=$1 suffix=${3-} word
    COMPREPLY=()
    for word in $2; do
        [[ $word == "$cur"* ]] && COMPREPLY+=("$word$suffix")
    done
    if (( ${#COMPREPLY[@]} == 0 )); then
        for word in $2; do
            [[ ${word,,} == "${cur,,}"* ]] && COMPREPLY+=("$word$suffix")
        done
    fi
    # A word with a character the shell would act on (/TicketApproval/{id}&{seq}) is
    # inserted quoted; readline inserts the others as they are.
    local i
    for i in "${!COMPREPLY[@]}"; do
        if [[ ${COMPREPLY[i]} == *[!A-Za-z0-9_/{}.=-]* ]]; then
            printf -v "COMPREPLY[i]" %q "${COMPREPLY[i]}"
        fi
    done
}

# REPLY: the template of Halo's API that path $2 stands for among those offering method
# $1, as halo's catalogue matches them: segments in any case, a {placeholder} takes one
# segment, the template with the fewest placeholders wins (/Tickets/View over
# /Tickets/{id}).
_halo_template() {
    local path=${2%%\?*} template pattern holes best='' fewest=999
    path=/${path#/}
    path=${path%/}
    path=${path,,}
    [[ $path == /api/* ]] && path=${path#/api}
    local slashes=${path//[^\/]/} first=${path#/}
    first=/${first%%/*}
    _halo_api_paths "${1^^}"
    for template in $REPLY; do
        pattern=${template,,} holes=0
        # Cheap tests first: the same first segment (no template starts with a
        # placeholder), then the same number of segments.
        [[ $pattern == "$first" || $pattern == "$first"/* ]] || continue
        [[ ${template//[^\/]/} == "$slashes" ]] || continue
        while [[ $pattern == *'{'*'}'* ]]; do
            pattern=${pattern%%'{'*}'*'${pattern#*'}'}
            (( holes++ ))
        done
        # shellcheck disable=SC2053  # the pattern is meant to match as a glob
        if [[ $path == $pattern ]] && (( holes < fewest )); then
            best=$template fewest=$holes
        fi
    done
    REPLY=$best
}

# REPLY: the methods Halo's API offers on path $1.
_halo_methods_of() {
    local method found=''
    for method in GET POST PUT PATCH DELETE; do
        _halo_template "$method" "$1"
        [[ -n $REPLY ]] && found+="$method "
    done
    REPLY=$found
}

# --param NAME=: the query parameters of the operation on the line, request's METHOD
# PATH or the one a named verb sends.
_halo_param_names() {
    local cur=$1 operation=''
    local _halo_command _halo_verb
    local -a _halo_args
    _halo_scan "$COMP_CWORD"
    if [[ $_halo_command == request ]]; then
        (( ${#_halo_args[@]} >= 2 )) || return 0
        _halo_template "${_halo_args[0]}" "${_halo_args[1]}"
        [[ -n $REPLY ]] && operation="${_halo_args[0]^^} $REPLY"
    else
        _halo_operation "$_halo_command $_halo_verb"
        operation=$REPLY
    fi
    [[ -n $operation ]] || return 0
    _halo_api_params "$operation"
    _halo_matches "$cur" "$REPLY" =
    compopt -o nospace 2>/dev/null
}

_halo_completion_fn() {
    COMPREPLY=()
    local cword=$COMP_CWORD cur=${COMP_WORDS[COMP_CWORD]} prev='' joiner=''
    (( cword > 0 )) && prev=${COMP_WORDS[cword-1]}
    # Right after "=" or "@" readline completes an empty word; just after one, the word
    # that follows it.
    if _halo_is_joiner "$cur"; then
        joiner=$cur cur='' prev=${COMP_WORDS[cword-1]}
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

    local _halo_command _halo_verb
    local -a _halo_args
    _halo_scan "$cword"
    local command=$_halo_command verb=$_halo_verb npos=${#_halo_args[@]}

    local key=$command words=
    [[ -n $verb ]] && key="$command $verb"
    if _halo_takes_value "$key" "$prev" && [[ -z $joiner || $joiner == = ]]; then
        _halo_value "$prev" "$cur" "$key"
        return
    fi
    [[ -n $joiner ]] && return              # KEY=VALUE of -F, -f, --param
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
    elif [[ $command == request ]] && (( npos == 1 )); then    # METHOD PATH
        _halo_api_paths "${_halo_args[0]^^}"
        _halo_matches "$cur" "$REPLY"
        return 0
    elif [[ $command == api && ${_halo_args[0]} == show ]] && (( npos == 1 )); then
        _halo_api_paths all
        _halo_matches "$cur" "$REPLY"
        return 0
    elif [[ $command == api && ${_halo_args[0]} == show ]] && (( npos == 2 )); then
        _halo_methods_of "${_halo_args[1]}"
        words=$REPLY
    fi
    [[ -n $words ]] && mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    return 0
}

complete -F _halo_completion_fn halo
