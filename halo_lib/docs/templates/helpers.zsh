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
