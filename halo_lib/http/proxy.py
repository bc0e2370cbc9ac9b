"""Proxies as curl does them, and the connection pools that go through them.

Which proxy a URL takes: `--proxy URL` > the environment > the profile's `proxy` key.
From the environment, https URLs take HTTPS_PROXY (https_proxy first), plain http ones
HTTP_PROXY (http_proxy first), either falls back to ALL_PROXY. NO_PROXY (no_proxy first)
lists hosts that go direct: names, domain suffixes with or without a leading dot, IP
addresses, host:port, or `*` for all. A loopback host (localhost, 127.0.0.0/8, ::1) goes
direct unless the proxy was named on the command line with --proxy.

https goes through a CONNECT tunnel, so TLS is still verified end to end with the Halo
host. Credentials in a proxy URL become a Proxy-Authorization header and are never
printed: `shown()` is the proxy as messages name it.
"""
import ipaddress
from urllib.parse import unquote, urlsplit

from halo_lib.errors import ConfigError

ENV_FOR = {"https": ("https_proxy", "HTTPS_PROXY"), "http": ("http_proxy", "HTTP_PROXY")}
ALL = ("all_proxy", "ALL_PROXY")
NO = ("no_proxy", "NO_PROXY")


def proxy_settings(flag, env, profile_value):
    """What config resolves: (explicit proxy or None, env proxies, no_proxy, profile proxy)."""
    found = {k: env.get(k) for k in ENV_FOR["https"] + ENV_FOR["http"] + ALL + NO if env.get(k)}
    return {"flag": flag or None, "env": found, "profile": profile_value or None}


class Chooser:
    """The proxy URL (or None) for each target URL."""

    def __init__(self, config):
        config = config or {}
        self.flag = config.get("flag")
        self.env = config.get("env") or {}
        self.profile = config.get("profile")
        self.no_proxy = _first(self.env, NO) or ""
        self.chosen = {}     # scheme://host:port -> proxy or None: asked before every request

    def for_url(self, url):
        # The choice depends on the scheme, host and port alone: all in the URL up to the
        # first / after the //, so that prefix is the key.
        key = url[:url.find("/", url.find("//") + 2) % (len(url) + 1)]
        if key not in self.chosen:
            self.chosen[key] = self._choose(url)
        return self.chosen[key]

    def _choose(self, url):
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
        port = parts.port or (443 if scheme == "https" else 80)
        setting, chosen = self.named(scheme)
        if not chosen:
            return None
        check(chosen, setting)
        named = setting == "--proxy"
        if _is_loopback(host) and not named:
            return None
        if bypassed(self.no_proxy, host, port):
            return None
        return _with_scheme(chosen)

    def named(self, scheme):
        """(the setting that names it, the proxy URL) for a target scheme; (None, None)."""
        if self.flag:
            return "--proxy", self.flag
        for names in (ENV_FOR.get(scheme, ()), ALL):
            for name in names:
                if self.env.get(name):
                    return name, self.env[name]
        if self.profile:
            return "the profile's proxy key", self.profile
        return None, None


def _first(env, names):
    for name in names:
        if env.get(name):
            return env[name]
    return None


def _with_scheme(url):
    return url if "://" in url else "http://" + url


def check(url, setting="--proxy"):
    """A proxy URL halo can use, else exit 3 naming the setting it came from and the URL
    without credentials. urlsplit itself raises ValueError on some (an IPv6 host without
    its closing bracket, `http://[::1`), as reading .port does on a bad port."""
    try:
        parts = urlsplit(_with_scheme(url))
        parts.port
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"invalid proxy URL {shown(url)!r} in {setting}: expected e.g. "
                          "http://proxy.example:3128")


def shown(url):
    """The proxy URL without its credentials."""
    if not url:
        return url
    url = _with_scheme(url)
    scheme, rest = url.split("://", 1)
    netloc, slash, path = rest.partition("/")
    netloc = netloc.rsplit("@", 1)[-1]
    return f"{scheme}://{netloc}"


def _is_loopback(host):
    host = host.strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bypassed(no_proxy, host, port):
    """Does a NO_PROXY list send host:port direct?"""
    host = host.strip("[]").lower().rstrip(".")
    for entry in no_proxy.replace(" ", ",").split(","):
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        name, want_port = _split_port(entry)
        if want_port is not None and want_port != port:
            continue
        name = name.strip("[]").rstrip(".")
        if _is_ip(host):   # an address matches exactly or by CIDR, never by suffix
            if _ip_match(name, host):
                return True
            continue
        name = name.lstrip("*").lstrip(".")
        if name and (host == name or host.endswith("." + name)):
            return True
    return False


def _is_ip(host):
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _split_port(entry):
    if entry.startswith("["):
        inside, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return inside, int(port) if port.isdigit() else None
    if entry.count(":") == 1:
        name, port = entry.split(":")
        return name, int(port) if port.isdigit() else None
    return entry, None


def _ip_match(entry, host):
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    try:
        return address in ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return False


class Pools:
    """urllib3 pools: one direct, one per proxy; `for_request` says how each URL is sent."""

    def __init__(self, chooser, **pool_kw):
        import urllib3
        self.chooser = chooser
        self.pool_kw = pool_kw
        from halo_lib.http.deadline import watch
        self.direct = watch(urllib3.PoolManager(**pool_kw))   # --timeout: connect to last byte
        self.origins = {}     # scheme://host:port -> the direct manager's pool for it
        self.proxied = {}
        self.refused = {}     # proxy URL -> the ConfigError of its refusal

    def for_url(self, url):
        proxy = self.chooser.for_url(url)
        if proxy is None:
            return self.direct, None
        if proxy not in self.proxied:
            self.proxied[proxy] = _proxy_manager(proxy, self.pool_kw)
        return self.proxied[proxy], proxy

    def for_request(self, url):
        """(pool, request target, proxy URL or None): `pool.urlopen(method, target, ...)`
        sends the request. A proxy that said no once is not asked again: its refusal is
        raised.

        Direct, the target is the path and query and the pool is the origin's own, kept
        here: the manager's look-up parses the whole URL and builds its pool key on every
        request, which costs a small page more than all of halo's own steps for it."""
        pool, proxy = self.for_url(url)
        if proxy is not None:
            if proxy in self.refused:
                raise self.refused[proxy]
            return pool, url, proxy
        cut = url.find("/", url.find("//") + 2)
        target = url[cut:] if cut > 0 else ""
        if not target or "/." in target or "#" in target or "?" in url[:cut]:
            # The manager's way: dot segments squashed, an empty path made "/", a query
            # straight after the host kept as a query.
            from urllib3.util import parse_url
            return pool.connection_from_url(url), parse_url(url).request_uri, None
        origin = self.origins.get(url[:cut])
        if origin is None:    # kept here even when the manager lets it go: it stays open
            origin = self.origins[url[:cut]] = pool.connection_from_url(url)
        return origin, target, None

    def proxy_for(self, url):
        return self.chooser.for_url(url)


def _proxy_manager(proxy, pool_kw):
    import urllib3
    parts = urlsplit(proxy)
    headers = {}
    if parts.username is not None:
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        headers = urllib3.util.make_headers(proxy_basic_auth=credentials)
    from halo_lib.http.deadline import watch
    return watch(urllib3.ProxyManager(shown(proxy), proxy_headers=headers, **pool_kw))


def pools(settings, pool_size):
    """The pools a Transport sends through, for these settings."""
    import urllib3
    timeout = settings.timeout
    return Pools(Chooser(getattr(settings, "proxy", None)),
                 num_pools=4, maxsize=pool_size, block=False, retries=False,
                 timeout=urllib3.Timeout(connect=timeout, read=timeout),
                 cert_reqs="CERT_REQUIRED", ca_certs=settings.ca_bundle or None)


def refusal(exc, proxy, status=None):
    """The HaloError for a refusal by the proxy (a tunnel answered 403 or 407, or 407 to a
    forwarded request): exit 3, naming the proxy without credentials. None otherwise: an
    unreachable proxy is a network failure to retry."""
    if not proxy:
        return None
    reason = ""
    if status is None:
        import re
        text = str(getattr(exc, "original_error", None) or exc)
        found = re.search(r"Tunnel connection failed: (\d{3})(.*)", text)
        if not found:
            return None
        status, reason = int(found.group(1)), " ".join(found.group(2).split())
    if status not in (401, 403, 407):    # tinyproxy answers a wrong password with 401
        return None
    hint = "; check the proxy's user name and password" if status != 403 else ""
    return ConfigError(f"the proxy {shown(proxy)} refused: HTTP {status} "
                       f"{reason}".rstrip() + hint)


def failure(exc, proxy):
    """(error class, message) for a proxy that failed other than by refusing credentials:
    one line naming the proxy without its credentials. A tunnel answered 5xx, or a proxy
    that cannot be reached, is temporary (retried, then exit 5); another 4xx is exit 3.
    None when the cause is a timeout (reported as such by the caller)."""
    import re
    from urllib3 import exceptions as ux
    from halo_lib.errors import TemporaryError, printable
    cause = getattr(exc, "original_error", None) or exc
    if isinstance(cause, (ux.ReadTimeoutError, ux.ConnectTimeoutError, TimeoutError)) \
            and not isinstance(cause, ux.NewConnectionError):
        return None
    text = " ".join(str(cause).split())
    found = re.search(r"Tunnel connection failed: (\d{3})(.*)", text)
    if found:
        status = int(found.group(1))
        line = f"the proxy {shown(proxy)} refused the tunnel: {status} " \
            f"{printable(found.group(2).strip())[:200]}".rstrip()
        return (TemporaryError if status >= 500 else ConfigError), line
    for marker in ("Failed to establish a new connection: ", ">: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    text = re.sub(r"^\[Errno -?\d+\] ", "", text).rstrip("')\"")
    reason = printable(text[:200]) or "no connection"
    reason = reason[:1].lower() + reason[1:]
    return TemporaryError, f"cannot connect to the proxy {shown(proxy)}: {reason}"
