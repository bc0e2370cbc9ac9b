"""Dispatch: the routes built from RESOURCES, the request cycle, tokens and authorisation."""

import base64
import binascii
import sys
import time
from urllib.parse import parse_qsl, unquote, urlsplit

from halo_lib.resources import ORDER, RESOURCES, SEARCH, Resource
from halo_lib.sandbox.wire import ApiError, Seen, error, json_reply

TENANT = "sandbox"
GENERIC_PREFIX = "generic:"   # collection names of groups outside the table


def read_body(handler):
    """The request body, from Content-Length or chunked transfer coding."""
    if "chunked" in (handler.headers.get("Transfer-Encoding") or "").lower():
        chunks = []
        while True:
            size = int(handler.rfile.readline(65537).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline(65537)
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length > 0 else b""


class Route:
    __slots__ = ("method", "parts", "resource", "verb", "handler", "binary_alternative")

    def __init__(self, method, parts, resource, verb, handler):
        self.method, self.parts, self.resource, self.verb = method, parts, resource, verb
        self.handler = handler
        self.binary_alternative = False   # the same path can also answer the file itself

    def match(self, segments):
        """The raw id if `segments` (lower-cased) fit this route's path, else False."""
        if len(segments) != len(self.parts):
            return False
        found = None
        for part, seg in zip(self.parts, segments):
            if part is None:
                found = seg
            elif part != seg.lower():
                return False
        return found


class Request:
    __slots__ = ("method", "path", "query", "headers", "body")

    def __init__(self, method, path, query, headers, body):
        self.method, self.path, self.query = method, path, query
        self.headers, self.body = headers, body



class Dispatch:
    """Routing and the request cycle of Sandbox: handle() is the one entry point."""

    def _build_routes(self):
        routes = {}
        for r in RESOURCES:
            for v in r.verbs():
                if v.kind == "listen":   # served by halo itself, not by Halo
                    continue
                parts = tuple(None if p == "{id}" else p.lower()
                              for p in v.path.strip("/").split("/"))
                existing = routes.get((v.method, parts))
                if existing is not None:
                    # GET /Attachment/{id} is both "get" and "download": JSON by default.
                    existing.binary_alternative |= v.binary
                    continue
                routes[(v.method, parts)] = Route(v.method, parts, r, v, self._handler(v))
        # Literal segments win over {id}: /Asset/NextTag before /Asset/{id}.
        return sorted(routes.values(), key=lambda rt: sum(p is None for p in rt.parts))

    def _handler(self, verb):
        path = verb.path.lower()
        if path.endswith("/gets3presignedurl"):
            return self._presign
        if path.endswith("/presignedurluploadcomplete"):
            return self._presign_complete
        if path == "/invoice/lines":
            return self._invoice_lines
        return {"list": self._list, "get": self._get, "create": self._upsert,
                "update": self._upsert, "upload": self._upsert, "delete": self._delete,
                "me": self._me, "download": self._file}.get(verb.kind, self._call)

    def _route(self, method, segments):
        allowed = []
        for route in self._routes:
            raw_id = route.match(segments)
            if raw_id is False:
                continue
            if route.method == method:
                return route, raw_id
            allowed.append(route.method)
        if not allowed and 1 <= len(segments) <= 2 \
                and segments[0].lower() not in self._groups:
            allowed = self._generic_routes(segments[0])
            for route in allowed:
                if route.method == method and len(route.parts) == len(segments):
                    return route, (segments[1] if len(segments) == 2 else None)
            allowed = [r.method for r in allowed if len(r.parts) == len(segments)]
        if allowed:
            raise error(405, f"The requested resource does not support http method "
                             f"'{method}'.", [("Allow", ", ".join(sorted(set(allowed))))])
        raise error(404, f"No HTTP resource was found that matches /api/{'/'.join(segments)}")

    def _generic_routes(self, group):
        """Routes of a group outside the table: a collection made on first use, kept in
        memory (POST creates or updates, GET lists with paging or gets by id, DELETE)."""
        name = GENERIC_PREFIX + group.lower()
        with self._lock:
            routes = self._generic.get(name)
            if routes is None:
                r = Resource(name, "/" + group, group.lower(), f"{group} records",
                             filters=(SEARCH, *ORDER))
                self.collections[name] = self._new_collection(r, generated=False)
                routes = [Route(v.method, tuple(None if p == "{id}" else p.lower()
                                                for p in v.path.strip("/").split("/")),
                                r, v, self._handler(v)) for v in r.verbs()]
                self._generic[name] = routes
            return routes

    # ---- the request cycle ---------------------------------------------------------------

    def handle(self, handler):
        """Answer one HTTP request: called by the handler thread."""
        method = handler.command
        split = urlsplit(handler.path)
        path = unquote(split.path)
        pairs = parse_qsl(split.query, keep_blank_values=True)
        seen = Seen(method, path, dict(pairs))
        seen.headers, seen.status = dict(handler.headers), None
        if self.record_requests:
            self.requests.append(seen)
        body = read_body(handler)   # a ValueError here ends the connection (see _Handler)
        try:
            req = Request(method, path, {k.lower(): v for k, v in pairs},
                          handler.headers, body)
            if self.rate_limit and not self.rate_limit.admit():
                raise ApiError(429, self.rate_limit.message)
            reply = self._answer(req)
        except ApiError as e:
            reply = json_reply({"message": e.message}, e.status, e.headers)
        except Exception as e:   # a sandbox bug: answer 500 and say so in one line
            sys.stderr.write(f"halo sandbox: internal error on {method} {path}: "
                             f"{type(e).__name__}: {e}\n")
            reply = json_reply({"message": "An error has occurred."}, 500)
        seen.status = reply.status
        return reply

    def _answer(self, req):
        lower = req.path.lower().rstrip("/")
        if lower == "/auth/token":
            return self._token(req)
        if lower.startswith("/s3/"):
            return self._s3_put(req)
        if lower == "/api" or lower.startswith("/api/"):
            return self._api(req, lower)
        raise error(404, f"nothing at {req.path}")

    def _api(self, req, lower):
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        self._maybe_fail()
        segments = [s for s in req.path.split("/")[2:] if s]
        if [s.lower() for s in segments] == ["authinfo"]:
            return json_reply({"auth_url": f"{self.url}/auth", "tenant_id": TENANT})
        self._authorise(req)
        route, raw_id = self._route(req.method, segments)
        return route.handler(req, route, raw_id)

    def _maybe_fail(self):
        if not self.fail_rate:
            return
        with self._lock:
            fails = self._fault_rng.random() < self.fail_rate
            status = self._fault_rng.choice((429, 503))
        if fails:
            message = "Too many requests" if status == 429 else "Service unavailable"
            raise error(status, message, [("Retry-After", str(self.retry_after))])

    def _authorise(self, req):
        scheme, _, token = (req.headers.get("Authorization") or "").partition(" ")
        with self._lock:
            expiry = self._tokens.get(token.strip()) if scheme.lower() == "bearer" else None
            if expiry is not None and expiry <= time.monotonic():
                del self._tokens[token.strip()]
                expiry = None
        if expiry is None:
            raise error(401, "Authorization has been denied for this request.",
                        [("WWW-Authenticate", 'Bearer error="invalid_token"')])

    # ---- OAuth ---------------------------------------------------------------------------

    def _token(self, req):
        if req.method != "POST":
            raise error(405, "use POST", [("Allow", "POST")])
        form = dict(parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True))
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        scheme, _, basic = (req.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() == "basic":   # RFC 6749 allows the credentials here too
            try:
                pair = base64.b64decode(basic.strip()).decode()
                client_id, _, client_secret = pair.partition(":")
            except (binascii.Error, UnicodeDecodeError):
                pass
        if form.get("grant_type") != "client_credentials":
            return json_reply({"error": "unsupported_grant_type"}, 400)
        if (client_id, client_secret) != (self.client_id, self.client_secret):
            return json_reply({"error": "invalid_client"}, 401)
        return json_reply({"access_token": self.issue_token(), "token_type": "Bearer",
                           "expires_in": self.token_ttl, "scope": form.get("scope") or "all"})
