# Profile names: the [default] and [profile NAME] headers of the profile file, read in
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

# REPLY: the template of Halo's API that path $2 stands for among those offering method
# $1, as halo's catalogue matches them: segments in any case, a {placeholder} takes one
# segment, the template with the fewest placeholders wins (/Tickets/View over
# /Tickets/{id}).
_halo_template() {
  setopt localoptions extendedglob
  local target=${(L)${2%%\?*}} template pattern bare best=''
  integer fewest=999 holes
  target=/${target#/}
  target=${target%/}
  [[ $target == /api/* ]] && target=${target#/api}
  local first=/${${target#/}%%/*}
  _halo_api_paths ${(U)1}
  for template in ${=REPLY}; do
    pattern=${(L)template}
    # No template starts with a placeholder: its first segment must be the path's.
    [[ $pattern == $first || $pattern == $first/* ]] || continue
    bare=${pattern//\{/}
    holes=$(( ${#pattern} - ${#bare} ))
    pattern=${pattern//\{[^\}]##\}/[^\/]##}
    if [[ $target == ${~pattern} ]] && (( holes < fewest )); then
      best=$template fewest=$holes
    fi
  done
  REPLY=$best
}

# request METHOD PATH: the paths offering METHOD; api show PATH: every path, then the
# methods PATH offers. Read from the tables above, in the shell.
_halo_api_path() {
  local expl word method=''
  local -a found
  if [[ $curcontext == *:halo-api:* ]]; then
    [[ $words[2] == show ]] || return 1
    if (( CURRENT == 4 )); then
      for method in GET POST PUT PATCH DELETE; do
        _halo_template $method $words[3]
        [[ -n $REPLY ]] && found+=($method)
      done
      _wanted methods expl method compadd -a found
      return
    fi
    (( CURRENT == 3 )) || return 1
    _halo_api_paths all
  else
    for word in $words[2,CURRENT-1]; do
      [[ ${(U)word} == (GET|POST|PUT|PATCH|DELETE) ]] && { method=${(U)word}; break; }
    done
    _halo_api_paths $method
  fi
  found=(${=REPLY})
  _wanted paths expl path _halo_add_paths -M 'm:{a-zA-Z}={A-Za-z}'
}

# Adds $found: as they are (/Tickets/{id}, not /Tickets/\{id\}), but quoted when they
# hold a character the shell would act on (/TicketApproval/{id}&{seq}).
_halo_add_paths() {
  setopt localoptions extendedglob
  local -a plain
  plain=(${(M)found:#[[:alnum:]_/{}.-]##})
  compadd "$@" -Q -a plain
  plain=(${found:|plain})
  compadd "$@" -a plain
}

# --param NAME=: the query parameters of the operation on the line: request's METHOD and
# PATH, or the one a named verb sends (its context is halo-RESOURCE-VERB).
_halo_api_param() {
  local expl operation='' verb i
  local -a names
  if [[ $curcontext == *:halo-request:* ]]; then
    for (( i = 2; i < CURRENT - 1; i++ )); do
      if [[ ${(U)words[i]} == (GET|POST|PUT|PATCH|DELETE) && $words[i+1] != -* ]]; then
        _halo_template $words[i] $words[i+1]
        [[ -n $REPLY ]] && operation="${(U)words[i]} $REPLY"
        break
      fi
    done
  else
    verb=${${curcontext##*:halo-}%%:*}
    for (( i = 2; i < ${#verb}; i++ )); do
      [[ $verb[i] == - ]] || continue
      _halo_operation "$verb[1,i-1] $verb[i+1,-1]"
      [[ -n $REPLY ]] && { operation=$REPLY; break; }
    done
  fi
  if [[ -z $operation ]]; then
    _message -e params 'KEY=VALUE'
    return
  fi
  _halo_api_params $operation
  names=(${=REPLY})
  _wanted params expl 'query parameter' compadd -S = -a names
}

# The names of the records a flag refers to (the last argument: the resource; _arguments
# puts its own options before it), from halo's lookup caches
# (names-* in the cache directory, one "R<TAB>resource<TAB>id<TAB>name..." line a record),
# read in the shell: completion never sends a request, nor runs Python. Only regular files
# of ours count (never a link, a FIFO or another user's file); case is ignored.
_halo_names() {
  local resource=${argv[-1]} file line expl
  local -a names lines
  for file in ${XDG_CACHE_HOME:-$HOME/.cache}/halo/names-*(N.U); do
    # Whole-file pattern filters: a while-read loop takes ~80 us a line.
    lines=("${(@f)$(<$file)}")
    for line in ${(M)lines:#R$'\t'${resource}$'\t'*}; do
      names+=("${${(@ps:\t:)line}[4]}")
    done
  done
  names=(${(u)names})
  _wanted names expl "name of $resource" compadd -M 'm:{a-zA-Z}={A-Za-z}' -a names
}

# The same for a comma-separated list of ids and names (--priority High,L<TAB>).
_halo_names_list() {
  compset -P '*,'
  _halo_names "$@"
}
