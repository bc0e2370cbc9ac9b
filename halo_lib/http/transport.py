"""HTTP: one keep-alive connection pool, timeouts, retries with backoff, the request log.

Knows nothing of Halo's resources or tokens: it sends what it is given, retries what is
safe to retry, and turns every failure into a HaloError with the right exit status.
"""
import random
import re
import time
import zlib

import urllib3
from urllib3 import exceptions as ux

from halo_lib.errors import (ApiError, AuthError, ConfigError, NotFound, TemporaryError,
                             printable)
from halo_lib.http.deadline import Deadline
from halo_lib.http.refusals import describe

BACKOFF_BASE = 0.5     # seconds before the first retry
BACKOFF_CAP = 20.0     # no single wait is longer, whatever the attempt number
RETRY_AFTER_CAP = 120.0
SHOW_WAITS_FROM = 1.0  # a longer wait before a retry is told on a terminal (and in -v)
MAX_REDIRECTS = 5
MAX_ANSWER = 64 * 1024 * 1024   # default cap on an answer's decoded size (--max-answer)
ERROR_BODY = 64 * 1024          # what is read of a refusal or a redirect: its message
CHUNK = 64 * 1024
_REDIRECTS = frozenset((301, 302, 303, 307, 308))


class Response:
    __slots__ = ("status", "headers", "data", "url", "result")

    def __init__(self, status, headers, data, url):
        self.status, self.headers, self.data, self.url = status, headers, data, url
        self.result = None

    @property
    def content_type(self):
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


class TooLarge(Exception):
    """The answer is larger than the cap: never retried, exit 5."""


class Cut(Exception):
    """A streamed answer failed after its bytes went where they cannot be taken back."""


class Transport:
    def __init__(self, settings, streams, pool_size=8):
        self.retries = max(0, settings.retries)
        self.verbose = settings.verbose
        self.streams = streams
        self.throttled = False     # set on a 429, read by the pager to slow down
        self.refusals = 0          # 429s in a row (any request): the wait grows with them
        self.last_date = None      # the Date header of the latest answer: Halo's clock
        from halo_lib.http import proxy, ratebudget
        self.timeout = settings.timeout
        self.max_answer = getattr(settings, "max_answer", None) or MAX_ANSWER
        self.pool = proxy.pools(settings, pool_size)    # direct, or through a proxy per URL
        self.budget = ratebudget.for_settings(settings, streams)

    def send(self, method, url, headers=None, body=None, idempotent=None, parse=None,
             what=None, retries=None, consume=None, same_origin=False):
        """One request with retries; returns (Response, parsed body).

        idempotent: may the request be repeated once the server may have seen it?
        parse: turns the 2xx body into a value; a ValueError from it (a truncated page)
        counts as a failure to retry when the request is idempotent.
        retries: this request's own limit (default: --retries).
        consume: for a file answer: consume(response, chunks) -> a value (not None), or
        None, untouched, to have the body read (capped) as usual; the value is returned as
        the parsed body. The
        chunks are not capped, and --timeout bounds each read of them rather than the whole.
        same_origin: the request carries a credential of its own (the client secret):
        a redirect to another origin is refused rather than followed.
        """
        limit = self.retries if retries is None else max(0, retries)
        if idempotent is None:
            idempotent = method in ("GET", "HEAD", "DELETE", "PUT")
        what = printable(what or f"{method} {_strip_query(url)}")
        attempt = 0
        while True:
            attempt += 1
            failure, wait, sent = None, None, True
            if self.budget:
                self.budget.acquire(url)   # waits while the tenant's rate budget is spent
            deadline = Deadline(self.timeout)
            try:
                with deadline:
                    response = self._follow(method, url, headers, body, deadline, consume,
                                            same_origin)
            except TooLarge as exc:
                raise TemporaryError(f"{what}: {exc}") from None
            except Cut as exc:
                raise TemporaryError(f"{what}: {exc}") from None
            except ux.ProxyError as exc:
                _proxy_refusal(exc, self.pool, url)
                failure, sent = self._proxy_failure(exc, url, deadline), False
            except (ux.NewConnectionError, ux.ConnectTimeoutError, ux.NameResolutionError) as exc:
                failure, sent = f"cannot connect: {_reason(exc)}", False
            except ux.LocationValueError as exc:   # a URL urllib3 cannot parse: not temporary
                raise ConfigError(f"{what}: invalid URL: {_reason(exc)}") from None
            except ux.SSLError as exc:
                if deadline.expired:
                    failure = self._late()
                else:
                    raise ConfigError(f"{what}: TLS failed: {_reason(exc)} "
                                      "(see --ca-bundle)") from None
            except (ux.ReadTimeoutError, ux.ProtocolError, ux.DecodeError, ux.HTTPError) as exc:
                if deadline.expired or isinstance(exc, ux.ReadTimeoutError):
                    failure = self._late()
                else:
                    failure = f"connection failed: {_reason(exc)}"
                if not idempotent:
                    raise TemporaryError(f"{what}: {failure}; the server may have acted on it",
                                         sent=True) from None
            else:
                status = response.status
                self.refusals = self.refusals + 1 if status == 429 else 0
                if status < 300:
                    if parse is None or response.data is None:
                        return response, response.result
                    try:
                        return response, parse(response)
                    except ValueError as exc:
                        failure = f"unreadable answer: {_reason(exc)}"
                        if not idempotent:
                            # A 2xx: the server may well have acted on it (saved the
                            # records), so this is an unknown outcome, never a refusal.
                            raise TemporaryError(f"{what}: HTTP {status} with an {failure}; "
                                                 "the server may have acted on it",
                                                 sent=True) from None
                elif status == 429 or (status == 503 and response.headers.get("Retry-After")):
                    self.throttled = self.throttled or status == 429
                    # Throttled: the server did not act on it, so a POST is not sent.
                    failure, sent = f"HTTP {status} {describe(response)}".rstrip(), False
                    wait = retry_after(response.headers.get("Retry-After"))
                    if wait is None and status == 429:
                        wait = self._after_bare_429(url)
                        failure += " (the tenant is busy; no Retry-After)"
                elif status == 407:
                    _proxy_refusal(None, self.pool, url, response)
                    raise error_for(response, what)
                elif status >= 500 and idempotent:
                    failure = f"HTTP {status} {describe(response)}".rstrip()
                else:
                    raise error_for(response, what)
            if attempt > limit:
                tries = "1 try" if attempt == 1 else f"{attempt} tries"
                raise TemporaryError(f"{what}: {failure} (gave up after {tries})", sent=sent)
            self._log(f"* retrying after: {failure}")
            pause = backoff(attempt, wait)
            if pause > SHOW_WAITS_FROM and (self.verbose or self.streams.stderr_tty):
                self.streams.err(f"halo: {what}: {failure}; waiting {pause:.1f} s before "
                                 "trying again")
            self.streams.sleep(pause)

    def _after_bare_429(self, url):
        """A 429 without Retry-After: a short wait growing with the 429s in a row (the
        budget caps it and learns from repeats; see ratebudget)."""
        from halo_lib.http.ratebudget import wait_after_429
        if self.budget:
            return self.budget.refused(url, self.refusals)
        return min(wait_after_429(self.refusals), BACKOFF_CAP)

    def _proxy_failure(self, exc, url, deadline):
        """The one line for a proxy that failed; a 4xx other than a refusal is exit 3."""
        from halo_lib.http import proxy
        found = proxy.failure(exc, self.pool.proxy_for(url))
        if found is None or deadline.expired:
            return self._late()
        kind, line = found
        if kind is ConfigError:
            raise ConfigError(line)
        return line

    def _late(self):
        return f"no answer within the timeout ({self.timeout:g} s, connect to last byte)"

    def _follow(self, method, url, headers, body, deadline, consume, same_origin):
        """The request, following redirects; the Authorization header stays on its origin."""
        headers = dict(headers or {})
        first = url
        for _ in range(MAX_REDIRECTS + 1):
            if self.verbose:     # not timed nor formatted per request unless it is shown
                started = time.monotonic()
                self._log(f"> {method} {printable(url)}")
            left = deadline.remaining()
            pool, target, proxy = self.pool.for_request(url)
            # Direct: a connect that takes over 10 s is retried. Through a proxy the connect
            # includes the proxy's TLS and its CONNECT: the attempt's whole time is given.
            # A number is both timeouts (urllib3 makes one Timeout of it, not two).
            timeout = left if proxy or left <= 10.0 else urllib3.Timeout(connect=10.0, read=left)
            raw = pool.urlopen(method, target, headers=headers, body=body, redirect=False,
                               assert_same_host=False, preload_content=False,
                               decode_content=False, timeout=timeout)
            response = Response(raw.status, raw.headers, None, url)
            self.last_date = raw.headers.get("Date") or self.last_date
            # Location is looked up only where it means something (each look-up in
            # urllib3's header dict costs a small page dearly).
            location = raw.status in _REDIRECTS and raw.headers.get("Location")
            redirect = bool(location)
            try:
                if raw.status < 300 and consume is not None:
                    deadline.detach(stop=True)   # a file: each read is bounded, not the whole
                    response.result = consume(response, _Chunks(raw))
                if response.result is None:
                    cap, strict = (self.max_answer, True) if raw.status < 300 else \
                        (ERROR_BODY, False)
                    response.data = _read(raw, cap, strict)
                if deadline.expired:   # the cut socket may have looked like a clean end
                    raise ux.ReadTimeoutError(None, url, "the attempt's time ran out")
            except BaseException:
                raw.close()   # unread bytes must not reach the next request on this socket
                raise
            finally:
                deadline.detach()
                raw.release_conn()
            if response.result is not None:
                return response
            if self.verbose:
                self._log(f"< {raw.status} {printable(url)} ({(time.monotonic() - started) * 1000:.0f}"
                          f" ms, {len(response.data)} bytes)")
            if not redirect:
                return response
            url, method, body, headers = self._redirect(
                raw.status, method, url, first, location, body, headers, same_origin)
        raise ApiError(f"{method} {_strip_query(printable(url))}: too many redirects")

    def _redirect(self, status, method, url, first, location, body, headers, same_origin):
        if printable(location) != location or any(c.isspace() for c in location):
            raise ApiError(f"{method} {_strip_query(url)}: redirected to an invalid location "
                           f"({printable(location)[:200]})")
        from urllib.parse import urljoin
        location = urljoin(url, location)   # relative and scheme-relative (//host/path)
        origin, target = urllib3.util.parse_url(url), urllib3.util.parse_url(location)
        if target.scheme not in ("http", "https") or not target.host:
            raise ApiError(f"{method} {_strip_query(url)}: redirected to an invalid location "
                           f"({printable(_strip_query(location))[:200]})")
        if origin_of(target) != origin_of(urllib3.util.parse_url(first)):
            if same_origin:
                raise ConfigError(f"{method} {_strip_query(url)}: redirected to another "
                                  f"origin ({_strip_query(location)}); halo does not send "
                                  "the client secret there")
            headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        if target.scheme != "https" and origin.scheme == "https":
            raise ApiError(f"{method} {_strip_query(url)}: refusing a redirect to "
                           f"plain http ({_strip_query(location)})")
        if status == 303:
            method, body = "GET", None
        return location, method, body, headers

    def _log(self, line):
        if self.verbose:
            self.streams.err(line)


def _proxy_refusal(exc, pools, url, response=None):
    """A proxy that refuses (403/407): exit 3 naming it without its credentials."""
    from halo_lib.http import proxy
    proxy_url = pools.proxy_for(url)
    refused = proxy.refusal(exc, proxy_url, response and response.status)
    if refused:
        pools.refused[proxy_url] = refused
        raise refused from None


def origin_of(parts):
    """(scheme, host, port) of a parsed URL, the default port filled in."""
    scheme = (parts.scheme or "").lower()
    return scheme, (parts.host or "").lower(), parts.port or {"http": 80, "https": 443}.get(scheme)


def human_size(n):
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


def _read(raw, cap, strict):
    """The decoded body, at most `cap` bytes: more is TooLarge (strict) or left unread."""
    length = raw.headers.get("Content-Length", "")
    encoded = (raw.headers.get("Content-Encoding") or "").strip().lower()
    if strict and encoded in ("", "identity") and length.isdigit() and int(length) > cap:
        raise TooLarge(f"the answer is {human_size(int(length))}, over the "
                       f"{human_size(cap)} limit (see --max-answer)")
    if encoded in ("", "identity") and length.isdigit():
        # Plain, and no longer than the cap (checked above when strict): read at once, as
        # urllib3 does, rather than a chunk at a time (which costs a small page dearly).
        if int(length) <= cap:
            return raw.read(decode_content=False)
    data = bytearray()
    for chunk in _Chunks(raw):
        if len(data) + len(chunk) > cap:
            if strict:
                raise TooLarge(f"the answer is over the {human_size(cap)} limit "
                               "(see --max-answer)")
            data += chunk[:cap - len(data)]
            raw.close()   # the rest stays unread: this connection cannot be reused
            break
        data += chunk
    return data


class _Chunks:
    """The body of an answer as decoded chunks of at most CHUNK bytes; a gzip body is
    inflated a chunk at a time, so no amount of it is ever held whole."""

    def __init__(self, raw):
        self.raw = raw

    def __iter__(self):
        raw = self.raw
        encoded = (raw.headers.get("Content-Encoding") or "").strip().lower()
        if encoded not in ("gzip", "x-gzip", "deflate"):
            yield from raw.stream(CHUNK, decode_content=False)
            return
        inflater = zlib.decompressobj(47)   # gzip or zlib, by the header
        try:
            for chunk in raw.stream(CHUNK, decode_content=False):
                while chunk:
                    if inflater.eof:   # a gzip answer may be several members end to end
                        if not chunk.strip(b"\0"):
                            break      # padding after the last member
                        inflater = zlib.decompressobj(47)
                    piece = inflater.decompress(chunk, CHUNK)
                    if piece:
                        yield piece
                    chunk = inflater.unconsumed_tail or (inflater.unused_data if inflater.eof
                                                         else b"")
                    if not chunk and not inflater.eof and len(piece) == CHUNK:
                        while True:   # output held back inside zlib
                            piece = inflater.decompress(b"", CHUNK)
                            if not piece:
                                break
                            yield piece
        except zlib.error as exc:
            raise ux.DecodeError(f"cannot inflate the {encoded} answer: {exc}") from None
        if not inflater.eof:
            raise ux.DecodeError(f"the {encoded} answer ends early")


def backoff(attempt, retry_after_seconds=None):
    """Seconds to wait before the next try: Retry-After when given, else capped jitter."""
    if retry_after_seconds is not None:
        return min(retry_after_seconds, RETRY_AFTER_CAP)
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
    return random.uniform(ceiling / 2, ceiling)


def retry_after(value):
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime
    try:
        when = parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def error_for(response, what):
    """The HaloError for a refusal the server gave."""
    status = response.status
    reason = describe(response)
    message = f"{what}: HTTP {status}" + (f": {reason}" if reason else "")
    if status == 404:
        return NotFound(message, status)
    if status in (401, 403):
        return AuthError(message, status)
    if status == 429 or status >= 500:
        return TemporaryError(message)
    return ApiError(message, status)


def _reason(exc):
    reason = getattr(exc, "reason", None) or exc
    text = " ".join(str(reason).split())
    # urllib3 prefixes messages with the repr of its connection object; keep what follows.
    for marker in (">: ", "Failed to establish a new connection: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    text = re.sub(r"^\w*Connection\([^)]*\): ", "", text)
    text = re.sub(r"^\[Errno -?\d+\] ", "", text)
    return printable(text[:200])


def _strip_query(url):
    return url.split("?", 1)[0]
