"""Halo's resource server: URLs under {url}/api, the bearer token, one retry on 401."""
from urllib.parse import quote, urlencode

from halo_lib import jsontext
from halo_lib.errors import AuthError, HaloError, UsageError, redacted


class Request:
    """One planned request: what --dry-run prints and what the API layer sends."""

    __slots__ = ("method", "path", "params", "body")

    def __init__(self, method, path, params=None, body=None):
        self.method = method
        self.path = path          # under /api, e.g. "/Tickets/12"
        self.params = list(params or [])
        self.body = body          # a JSON-able value, bytes, or None

    def with_params(self, extra):
        return Request(self.method, self.path, self.params + list(extra), self.body)

    def url(self, base):
        url = base + "/api" + self.path
        return url + ("?" + query_string(self.params) if self.params else "")

    def describe(self, base):
        """The request as --dry-run shows it: never the token."""
        headers = {"Authorization": "Bearer <redacted>", "Accept": "application/json"}
        body = self.body
        if isinstance(body, bytes):
            body = f"<{len(body)} bytes>"
        elif body is not None:
            headers["Content-Type"] = "application/json"
        return {"method": self.method, "url": self.url(base), "headers": headers,
                "body": body}


# What urlencode leaves as it is (quote_plus's always-safe characters).
_PLAIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"


def query_string(params):
    """urlencode(params): the usual names and values, plain already, are joined as they are
    (urlencode's quoting cost a page of a list as much as its parsing)."""
    pairs = []
    for key, value in params:
        key, value = str(key), str(value)
        if key.strip(_PLAIN) or value.strip(_PLAIN):
            return urlencode(params)
        pairs.append(key + "=" + value)
    return "&".join(pairs)


def path_with_id(template, value):
    path = template.replace("{id}", quote(str(value), safe=""))
    return check_path(path, f"id {value!r}")


def check_path(path, what):
    """The path exactly as it will be sent (urllib3's own encoding: non-ASCII as UTF-8
    %XX, %xx upper-cased), so --dry-run prints what goes on the wire.

    A segment that is `.` or `..` once percent-decoded (any case), or that holds an
    encoded slash or a backslash, is a usage error: a server normalising the URL would
    reach another path than the one shown. Nothing is sent."""
    from urllib.parse import unquote
    from urllib3.util import parse_url
    from halo_lib.errors import printable
    path = path.split("?", 1)[0].replace("#", "%23")
    for segment in path.split("/"):
        decoded = unquote(segment, errors="replace")
        if decoded in (".", ".."):
            problem = f"a {decoded!r} segment"
        elif "/" in decoded or "\\" in decoded:
            problem = "an encoded slash or a backslash in a segment"
        else:
            continue
        raise UsageError(f"{printable(what)}: the path {printable(path)} holds {problem}, "
                         "which URL normalisation would turn into another path; "
                         "nothing was sent")
    sent = parse_url("http://h" + path).path or "/"
    if parse_url("http://h" + sent).path != sent:   # not stable: it cannot be shown as sent
        raise UsageError(f"{printable(what)}: the path {printable(path)} cannot be sent "
                         "as written; nothing was sent")
    return sent


class Api:
    def __init__(self, settings, transport, tokens):
        self.base = settings.url
        self.transport = transport
        self.tokens = tokens

    def send(self, request, parse=None, idempotent=None, what=None, consume=None):
        """(Response, parsed) for a planned request; a 401 fetches a new token once.

        consume: streams a file answer (see Transport.send)."""
        body, headers = request.body, {"Accept": "application/json",
                                       "Accept-Encoding": "gzip"}
        if body is not None and not isinstance(body, bytes):
            body = jsontext.dumps(body)   # records orjson cannot write (too deep) too
            headers["Content-Type"] = "application/json"
        what = what or f"{request.method} /api{request.path}"
        token = self.tokens.token()
        for attempt in (1, 2):
            headers["Authorization"] = "Bearer " + token
            try:
                return self.transport.send(request.method, request.url(self.base),
                                           headers=headers, body=body, parse=parse,
                                           idempotent=idempotent, what=what, consume=consume)
            except AuthError as exc:
                if exc.status != 401 or attempt == 2:
                    raise redacted(exc, token)
                token = self.tokens.refresh(token)
            except HaloError as exc:
                raise redacted(exc, token)

    def json(self, request, idempotent=None, what=None):
        return self.send(request, parse=parse_json, idempotent=idempotent, what=what)[1]


def parse_json(response):
    """The JSON of an answer; an empty body is None. Raises ValueError on a bad body."""
    return json_or_nothing(response.data)


def json_or_nothing(data):
    """JSON or nothing: the value of a body, None when it is empty or blank.
    Raises orjson.JSONDecodeError (a ValueError) when it is not JSON."""
    return jsontext.loads(data) if data.strip() else None


def api_path(path, base):
    """A user's PATH for `halo request` -> (path under /api, query pairs).

    Relative to /api, or a full URL on the configured host (the token goes nowhere else).
    """
    from urllib.parse import parse_qsl
    if "://" in path:
        if not path.lower().startswith(base.lower() + "/"):
            raise UsageError(f"{path.split('?')[0]} is not on the configured host {base}; "
                             "halo sends the token nowhere else")
        path = path[len(base):]
    path, _, query = path.partition("?")
    if not path.startswith("/"):
        path = "/" + path
    if path.lower() == "/api" or path.lower().startswith("/api/"):
        path = path[4:] or "/"
    path = check_path("/api" + path, "PATH")[4:]
    return path, parse_qsl(query, keep_blank_values=True)
