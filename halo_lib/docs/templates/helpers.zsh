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
