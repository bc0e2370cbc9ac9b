"""Settings: flags > environment > profile file > defaults.

The profile file is INI: `[default]` and `[profile NAME]` sections with url, tenant,
client_id, client_secret and scope, and output (the default format).
"""
import os
import stat

from halo_lib.errors import ConfigError

KEYS = ("url", "tenant", "client_id", "client_secret", "scope")
ENV = {k: "HALO_" + k.upper() for k in KEYS}
DEFAULTS = {"scope": "all", "timeout": 30.0, "retries": 5}
CONFIG_LIMIT = 1024 * 1024   # a profile file is a few hundred bytes; more is not ours
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


class Settings:
    def __init__(self, **values):
        self.url = self.tenant = self.client_id = self.client_secret = None
        self.scope = DEFAULTS["scope"]
        self.timeout = DEFAULTS["timeout"]
        self.retries = DEFAULTS["retries"]
        self.ca_bundle = None
        self.insecure_http = False
        self.verbose = False
        self.profile = "default"
        self.cache_dir = None
        self.proxy = None          # see http/proxy.py: flag, environment and profile values
        self.rate = None           # (requests, seconds) of the rate budget; None: off
        self.max_answer = None   # bytes; None: the transport's default
        self.__dict__.update(values)

    @property
    def host(self):
        return host_of(self.url)


def config_path(env):
    if env.get("HALO_CONFIG"):
        return env["HALO_CONFIG"]
    base = env.get("XDG_CONFIG_HOME") or os.path.join(_home(env), ".config")
    return os.path.join(base, "halo", "config")


def cache_dir(env):
    base = env.get("XDG_CACHE_HOME") or os.path.join(_home(env), ".cache")
    return os.path.join(base, "halo")


def _home(env):
    return env.get("HOME") or os.path.expanduser("~")


def section_name(profile):
    return "default" if profile in (None, "default") else f"profile {profile}"


def read_file(path, warn, follow_links=True):
    """The parsed profile file (a ConfigParser), empty when there is none.

    follow_links=False (configure): a symlink at the path is not read; it is not ours.
    Without a file there is nothing to parse: reading settings then does not import
    configparser (configure, which writes, still gets a real, empty parser)."""
    if not follow_links and os.path.islink(path):
        return _parser()
    try:
        text, mode = _read_text(path, follow_links)
    except (FileNotFoundError, NotADirectoryError):
        return _parser() if not follow_links else _NO_FILE
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {_one_line(exc)}")
    import configparser
    parser = _parser()
    try:
        parser.read_string(text, source=path)
    except configparser.Error as exc:
        raise ConfigError(f"cannot read config file {path}: {_one_line(exc)}")
    if mode & (stat.S_IRWXG | stat.S_IRWXO) and _holds_secret(parser):
        warn(f"halo: warning: {path} holds a client secret and others can read it; "
             f"run: chmod 600 {path}")
    return parser


def _parser():
    import configparser
    return configparser.ConfigParser(interpolation=None)


class _NoFile:
    """What the settings read of a profile file that does not exist: no sections."""

    def has_section(self, section):
        return False

    def get(self, section, option, fallback=None):
        return fallback


_NO_FILE = _NoFile()


def _read_text(path, follow_links=True):
    """(text, mode) of the config file: a regular file of at most CONFIG_LIMIT bytes.

    Opened without blocking, so a FIFO or a device at the path is refused, not waited on.
    """
    nofollow = 0 if follow_links else getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | nofollow)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError("it is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(CONFIG_LIMIT + 1)
    finally:
        os.close(fd)
    if len(data) > CONFIG_LIMIT:
        raise OSError(f"it is larger than {CONFIG_LIMIT // 1024} KiB; a config file is a "
                      "few lines")
    return data.decode("utf-8"), info.st_mode


def _holds_secret(parser):
    return any(parser.has_option(s, "client_secret") for s in parser.sections())


def _one_line(exc):
    return " ".join(str(exc).split())


def profile_name(flag, env):
    """The profile to use: --profile, else HALO_PROFILE, else "default"."""
    return flag or env.get("HALO_PROFILE") or "default"


def flag_values(connection, env):
    """{key: value} of each setting from its flag, else its environment variable."""
    return {key: (getattr(connection, key) if key != "client_secret" else None)
            or env.get(ENV[key]) or None for key in KEYS}


def resolve(connection, env, warn):
    """Settings from the connection flags (halo_lib.invocation.Connection), the
    environment and the profile file."""
    profile = profile_name(connection.profile, env)
    path = config_path(env)
    parser = read_file(path, warn)
    section = section_name(profile)
    if profile != "default" and not parser.has_section(section):
        raise ConfigError(f"profile '{profile}' is not in {path}; "
                          f"create it with: halo --profile {profile} configure")
    from_file = dict(parser.items(section)) if parser.has_section(section) else {}
    given = flag_values(connection, env)
    values = {key: given[key] or from_file.get(key) or DEFAULTS.get(key) for key in KEYS}
    for key in KEYS:
        _check_sendable(values[key], _source(key, connection, env, from_file, path))
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
                 "all_proxy", "NO_PROXY", "no_proxy", "HALO_RATE"):
        _check_sendable(env.get(name), name)
    _check_sendable(connection.proxy, "--proxy")
    _check_sendable(from_file.get("proxy"), f"'proxy' in {path}")
    settings = Settings(
        **values, profile=profile, config_path=path,
        timeout=_or_default(connection.timeout, "timeout"),
        retries=_or_default(connection.retries, "retries"),
        ca_bundle=connection.ca_bundle or env.get("HALO_CA_BUNDLE"),
        insecure_http=connection.insecure_http,
        verbose=connection.verbose,
        cache_dir=cache_dir(env),
        proxy=_proxy(connection, env, from_file),
        rate=_rate(connection, env, from_file, path),
        max_answer=connection.max_answer)
    if settings.url:
        settings.url = normalise_url(settings.url,
                                     _source("url", connection, env, from_file, path))
    return settings


def _source(key, connection, env, from_file, path):
    """Where a setting's value came from, as a message names it."""
    if key != "client_secret" and getattr(connection, key, None):
        return f"--{key.replace('_', '-')}"
    if env.get(ENV[key]):
        return ENV[key]
    return f"'{key}' in {path}"


def _check_sendable(value, source):
    """A value that is not valid UTF-8 (the environment hands such bytes over as
    surrogates) cannot be sent: exit 3 naming where it came from, before any request."""
    if not value:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(f"{source} is not valid UTF-8; set it to the value as text") \
            from None


def _or_default(value, name):
    return DEFAULTS[name] if value is None else value


FORMATS = ("ndjson", "json", "table", "csv", "tsv")


def output_format(flag, profile_flag, env):
    """-o, else HALO_OUTPUT, else the profile's `output` key, else ndjson."""
    if flag:
        return flag
    value, where = env.get("HALO_OUTPUT"), "HALO_OUTPUT"
    if not value:
        profile = profile_name(profile_flag, env)
        path = config_path(env)
        try:   # an unreadable file is reported when the settings are read
            value = read_file(path, lambda line: None).get(section_name(profile), "output",
                                                           fallback=None)
        except ConfigError:
            value = None
        where = f"'output' in {path}"
    if not value:
        return "ndjson"
    if value not in FORMATS:
        raise ConfigError(f"invalid output format {value!r} ({where}): "
                          f"use one of {', '.join(FORMATS)}")
    return value


def _proxy(connection, env, from_file):
    from halo_lib.http.proxy import proxy_settings
    return proxy_settings(connection.proxy, env, from_file.get("proxy"))


def _rate(connection, env, from_file, path):
    """The rate budget: --rate > HALO_RATE > the profile's rate key > 300 per 5 minutes."""
    from halo_lib.http.ratebudget import DEFAULT_RATE, parse_rate
    for value, source in ((connection.rate, "--rate"),
                          (env.get("HALO_RATE"), "HALO_RATE"),
                          (from_file.get("rate"), f"the rate key in {path}")):
        if value:
            try:
                return parse_rate(value)
            except ValueError:
                raise ConfigError(f"invalid rate {value!r} from {source}: expected N/PERIOD "
                                  "such as 300/5m or 30/3s, or off") from None
    return parse_rate(DEFAULT_RATE)


def sandbox_network(connection, env):
    """Proxy and rate budget against `--sandbox`: the budget follows its --rate-limit."""
    from halo_lib.http.proxy import proxy_settings
    from halo_lib.http.ratebudget import parse_rate
    text = connection.rate or connection.rate_limit or "off"
    return {"proxy": proxy_settings(connection.proxy, env, None), "rate": parse_rate(text)}


def normalise_url(url, source="the URL"):
    """The URL without trailing slashes or /api; one without a scheme is exit 3: guessing
    https:// would turn a plain-http server into a baffling TLS error, and http:// would
    send the secret in the clear."""
    url = url.strip()
    if "://" not in url:
        from halo_lib.errors import printable
        shown = printable(url)
        raise ConfigError(f"{source} {shown!r} has no scheme: write it in full, e.g. "
                          f"https://{shown.rstrip('/')}")
    scheme, _, rest = url.partition("://")
    rest = rest.rstrip("/")
    if rest.lower().endswith("/api"):
        rest = rest[:-4].rstrip("/")
    return f"{scheme}://{rest}"


def check_url(url):
    """A URL a request can be sent to, else exit 3 (never a retried network failure)."""
    from urllib.parse import urlsplit
    try:
        parts = urlsplit(url)
        parts.port   # raises ValueError when the port is not a number in range
    except ValueError as exc:
        problem = _one_line(exc)
    else:
        if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
            problem = "it holds a space or a control character"
        elif not parts.hostname:
            problem = "it names no host"
        else:
            return
    raise ConfigError(f"invalid URL {url!r}: {problem}; expected e.g. https://acme.halopsa.com")


def host_of(url):
    """The lower-case host of a URL (brackets kept for IPv6), without port or user."""
    rest = url.split("://", 1)[-1]
    hostport = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    if hostport.startswith("["):
        return hostport.split("]")[0] + "]"
    return hostport.split(":")[0].lower()


def require(settings, *keys):
    """Fail with exit 3, naming the setting and the three ways to set it."""
    for key in keys:
        if getattr(settings, key):
            continue
        flag = "" if key == "client_secret" else f"--{key.replace('_', '-')}, "
        raise ConfigError(
            f"no {key} configured: set it with {flag}the {ENV[key]} environment variable, "
            f"or 'halo configure' (config file {settings.config_path})")
    check_scheme(settings)


def check_scheme(settings):
    url = settings.url
    check_url(url)
    scheme = url.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise ConfigError(f"unsupported URL scheme in {url}: use https://")
    if scheme == "http" and settings.host not in LOOPBACK and not settings.insecure_http:
        raise ConfigError(f"refusing plain http:// to {settings.host}: the token would travel "
                          "unencrypted; use https:// or pass --insecure-http")


def check_profile(profile):
    """A profile name that fits a `[profile NAME]` header, else exit 2."""
    from halo_lib.errors import UsageError, printable
    if not profile or not profile.strip() or "]" in profile or "[" in profile \
            or profile != profile.strip() or printable(profile) != profile:
        raise UsageError(f"invalid profile name {printable(profile)!r}: use letters, digits, "
                         "'-' or '_' (no brackets, spaces at the ends or control characters)")


def check_value(key, value):
    """A setting that fits one line of the profile file, else exit 2."""
    from halo_lib.errors import UsageError, printable
    try:
        (value or "").encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"invalid {key}: it is not valid UTF-8") from None
    if value and printable(value) != value:
        shown = "the client secret" if key == "client_secret" else repr(printable(value))
        raise UsageError(f"invalid {key}: {shown} holds a control character or a line break")


def write_section(path, profile, values):
    """Write one profile section, keeping the others, with mode 0600 from the first byte.

    The file is replaced whole (write_atomically): a symlink planted at the path is
    replaced by the new file, never written through.
    """
    check_profile(profile)
    parser = read_file(path, lambda line: None, follow_links=False)
    section = section_name(profile)
    if not parser.has_section(section):
        parser.add_section(section)
    for key, value in values.items():
        check_value(key, value)
        if value:
            parser.set(section, key, value)
    import io
    from halo_lib.io.files import write_atomically
    os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
    text = io.StringIO()
    parser.write(text)
    write_atomically(path, text.getvalue().encode("utf-8"))
