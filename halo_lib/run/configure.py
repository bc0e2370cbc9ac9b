"""`halo configure`: write a profile section, or test the saved settings with --test."""
import os

from halo_lib import config
from halo_lib.errors import ConfigError, LocalError, UsageError

SAVED = config.KEYS + ("proxy", "rate", "output")   # every key a profile documents

PROMPTS = (("url", "Halo URL (e.g. https://acme.halopsa.com)"),
           ("tenant", "Tenant (hosted Halo; empty for on-premise)"),
           ("client_id", "Client ID"),
           ("scope", "Scope"))


def configure(connection, streams, output=None):
    """Write the profile section from the flags, the environment and the prompts.

    Invalid input (a bad URL, proxy, rate or format, a control character) is a usage
    error, exit 2, and nothing is written."""
    env = streams.env
    path = config.config_path(env)
    profile = config.profile_name(connection.profile, env)
    config.check_profile(profile)
    existing = config.read_file(path, streams.err, follow_links=False)
    if os.path.islink(path):
        streams.err(f"halo: warning: {path} is a symlink to {os.readlink(path)}; it is "
                    "replaced by a file of its own, and the file it points to is left alone")
    section = config.section_name(profile)
    current = dict(existing.items(section)) if existing.has_section(section) else {}
    values = config.flag_values(connection, env)
    interactive = streams.stdin_tty
    if interactive:
        for key, prompt in PROMPTS:
            if values[key] is None:
                values[key] = _ask(streams, prompt, current.get(key)) or current.get(key)
        if not values["client_secret"]:
            values["client_secret"] = _ask_secret(streams) or current.get("client_secret")
    elif not values["client_secret"]:
        line = streams.stdin.readline().decode("utf-8", "replace").strip()
        values["client_secret"] = line or current.get("client_secret")
    values.update(_network_and_output(connection, env, output))
    for key in SAVED:
        values[key] = values[key] or current.get(key)
    for key in SAVED:
        config.check_value(key, values[key])
    _check(values)
    for key in ("url", "client_id", "client_secret"):
        if not values[key]:
            how = ("HALO_CLIENT_SECRET or the first line of stdin" if key == "client_secret"
                   else f"--{key.replace('_', '-')} or {config.ENV[key]}")
            raise ConfigError(f"configure needs {key}: give it with {how}")
    try:
        config.write_section(path, profile, values)
    except OSError as exc:
        raise LocalError(f"cannot write config file {path}: {exc.strerror or exc}") from None
    streams.err(f"halo: saved profile '{profile}' to {path}")
    return 0


def _network_and_output(connection, env, output):
    """proxy (--proxy), rate (--rate, HALO_RATE) and output (-o, HALO_OUTPUT) to save."""
    return {"proxy": connection.proxy or None,
            "rate": connection.rate or env.get("HALO_RATE") or None,
            "output": output or env.get("HALO_OUTPUT") or None}


def _check(values):
    """Each value as halo will read it back, else exit 2; the URL is saved normalised."""
    from halo_lib.http import proxy
    from halo_lib.http.ratebudget import parse_rate
    try:
        if values["url"]:
            values["url"] = config.normalise_url(values["url"], "--url or HALO_URL")
            config.check_url(values["url"])
        if values["proxy"]:
            proxy.check(values["proxy"])
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if values["rate"]:
        try:
            parse_rate(values["rate"])
        except ValueError:
            raise UsageError(f"invalid rate {values['rate']!r}: expected N/PERIOD such as "
                             "300/5m, or off") from None
    if values["output"] and values["output"] not in config.FORMATS:
        raise UsageError(f"invalid output format {values['output']!r}: use one of "
                         f"{', '.join(config.FORMATS)}")


def _ask(streams, prompt, default):
    suffix = f" [{default}]" if default else ""
    streams.stderr.write(f"{prompt}{suffix}: ")
    streams.stderr.flush()
    line = streams.stdin.readline()
    if not line:
        raise ConfigError("configure: input ended before every setting was given")
    return line.decode("utf-8", "replace").strip()


def _ask_secret(streams):
    import getpass
    try:
        return getpass.getpass("Client secret (not shown): ", stream=streams.stderr).strip()
    except EOFError:
        raise ConfigError("configure: input ended before the client secret was given") from None


def test(env):
    """Fetch a fresh token with the resolved settings and say how it went."""
    settings = env.settings
    env.fresh_token()
    env.streams.err(f"halo: OK: {settings.url} issued a token to client {settings.client_id} "
                    f"(scope {settings.scope})")
    return 0
