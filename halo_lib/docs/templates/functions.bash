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

# The value of a flag: files, profile names, the choices of the option, or nothing.
_halo_value() {
    local flag=$1 cur=$2
    _halo_value_kind "$flag"
    case $REPLY in
        files) _halo_files "$cur" ;;
        profiles) _halo_profiles; mapfile -t COMPREPLY < <(compgen -W "$REPLY" -- "$cur") ;;
        choices\ *) mapfile -t COMPREPLY < <(compgen -W "${REPLY#choices }" -- "$cur") ;;
        fields) _halo_fields "$cur" ;;
        names) _halo_names "$flag" "$cur" ;;
    esac
}

# The names of the records a flag refers to (--client-id Acme<TAB>), from halo's lookup
# caches (names-* in the cache directory, one "R<TAB>resource<TAB>id<TAB>name..." line a
# record), read in the shell: completion never sends a request, nor runs Python. Only
# regular files of ours count (never a link, a FIFO or another user's file). Matching
# ignores case, as resolving a name does.
_halo_names() {
    local flag=$1 cur=$2 word resource='' verb='' i
    for (( i = 1; i < ${#COMP_WORDS[@]}; i++ )); do
        word=${COMP_WORDS[i]}
        if [[ " $_halo_resources " == *" $word "* ]]; then
            resource=$word verb=${COMP_WORDS[i+1]}
            break
        fi
    done
    _halo_refs "$resource $verb $flag"
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

# Words made only of word-break characters: bash splits "--profile=x" into "--profile",
# "=", "x", and "-F k=@f" into "-F", "k", "=@", "f". Such a word joins its neighbours.
_halo_is_joiner() {
    [[ $1 =~ ^[=@:]+$ ]]
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
    if [[ $_halo_value_flags == *" $prev "* && ( -z $joiner || $joiner == = ) ]]; then
        _halo_value "$prev" "$cur"
        return
    fi
    [[ -n $joiner ]] && return              # KEY=VALUE of -F, -f, --param

    # Find the command and the verb, skipping flags, their values and joined words.
    local i=1 word command='' verb='' npos=0
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
    [[ -n $words ]] && mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    return 0
}

complete -F _halo_completion_fn halo
