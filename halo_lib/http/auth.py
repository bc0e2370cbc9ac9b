"""OAuth 2.0 client credentials, with the token cached on disk between runs.

A cron job run every minute fetches one token an hour: the cache file (mode 0600, in a
0700 directory, written atomically) is keyed by URL, client id, scope, tenant and a
one-way hash of the client secret, and reused until 60 s before the token expires.

The cache is read with suspicion: only a small regular file holding the expected JSON
types counts; anything else (a FIFO, a device, a link, a huge file) is ignored and
replaced. A token is only used, cached or sent when it is printable ASCII.
"""
import hashlib
import os
import re
import threading
import time
from urllib.parse import urlencode

from halo_lib.config import LOOPBACK, check_url, host_of
from halo_lib.errors import ApiError, AuthError, HaloError, printable, redacted
from halo_lib.io.files import private_directory, read_small, write_atomically

EARLY = 60   # seconds before expiry at which a cached token stops being used
CACHE_FILE_LIMIT = 64 * 1024   # a token cache file is a few hundred bytes
TOKEN_LIMIT = 16 * 1024
_USABLE = re.compile(r"[\x21-\x7e]+")   # printable ASCII, no space: fits a header as is


def usable(token):
    return isinstance(token, str) and len(token) <= TOKEN_LIMIT and bool(_USABLE.fullmatch(token))


class TokenSource:
    def __init__(self, settings, transport, use_cache=True, wall_clock=time.time):
        self.settings = settings
        self.transport = transport
        self.use_cache = use_cache and bool(settings.cache_dir)
        self.now = wall_clock
        self.lock = threading.Lock()
        self.current = None

    def token(self):
        with self.lock:
            if self.current is None:
                self.current = self._cached() or self._fetch()
            return self.current

    def refresh(self, stale):
        """A new token, unless another thread already replaced the stale one."""
        with self.lock:
            if self.current == stale or self.current is None:
                self._forget()
                self.current = self._fetch()
            return self.current

    # -- fetching

    def _fetch(self):
        import orjson
        s = self.settings
        url = self.token_url()
        form = urlencode({"grant_type": "client_credentials", "client_id": s.client_id,
                          "client_secret": s.client_secret, "scope": s.scope or "all"})
        try:
            _, doc = self.transport.send(
                "POST", url, headers={"Content-Type": "application/x-www-form-urlencoded",
                                      "Accept": "application/json"},
                body=form.encode(), idempotent=True, parse=lambda r: orjson.loads(r.data),
                what=f"token request to {url.split('?')[0]}", same_origin=True)
        except ApiError as exc:   # 400 invalid_client, 401, 404 of a wrong URL: all config
            raise redacted(AuthError(str(exc), exc.status), s.client_secret) from None
        except HaloError as exc:
            raise redacted(exc, s.client_secret)
        token = doc.get("access_token") if isinstance(doc, dict) else None
        if not isinstance(token, str) or not token:
            raise AuthError(f"the token endpoint {printable(url.split('?')[0])} answered "
                            "without an access_token")
        if not usable(token):   # never cached, never echoed: it may be a header injection
            raise AuthError(f"the token endpoint {printable(url.split('?')[0])} returned an "
                            "unusable token (control characters, spaces or non-ASCII)")
        expires_in = doc.get("expires_in")
        lifetime = expires_in if _number(expires_in) and 0 < expires_in < 10 ** 9 else 3600
        self._store(token, self.now() + lifetime)
        return token

    def token_url(self):
        """{auth_url}/token[?tenant=], auth_url from /api/authinfo or {url}/auth."""
        s = self.settings
        auth_url = self._discover() or f"{s.url}/auth"
        url = auth_url.rstrip("/") + "/token"
        if s.tenant:
            url += "?" + urlencode({"tenant": s.tenant})
        return url

    def _discover(self):
        import orjson
        try:
            _, doc = self.transport.send(
                "GET", f"{self.settings.url}/api/authinfo", headers={"Accept": "application/json"},
                parse=lambda r: orjson.loads(r.data) if r.data.strip() else None,
                what="GET /api/authinfo", retries=0)   # one try: a failure means the default
        except (HaloError, ValueError):
            return None   # no discovery: Halo's default auth URL applies
        url = doc.get("auth_url") if isinstance(doc, dict) else None
        if not isinstance(url, str) or not url.lower().startswith(("https://", "http://")):
            return None
        # The client secret goes over https only, but to loopback or with --insecure-http.
        if not (url.lower().startswith("https://") or host_of(url) in LOOPBACK
                or self.settings.insecure_http):
            self.transport._log(f"* ignoring the plain http auth_url {printable(url)[:200]}")
            return None
        try:
            check_url(url)
        except HaloError:
            return None   # an auth_url no request could be sent to
        return url

    # -- the cache

    def _cache_file(self):
        s = self.settings
        secret = hashlib.sha256((s.client_secret or "").encode("utf-8", "surrogatepass"))
        key = "\n".join((s.url, s.client_id or "", s.scope or "", s.tenant or "",
                         secret.hexdigest()))
        return os.path.join(s.cache_dir, "token-" + hashlib.sha256(key.encode()).hexdigest()[:32])

    def _cached(self):
        if not self.use_cache:
            return None
        import orjson
        if not private_directory(self.settings.cache_dir):
            return None
        try:
            doc = orjson.loads(read_small(self._cache_file(), CACHE_FILE_LIMIT))
        except (OSError, ValueError):
            return None
        if not isinstance(doc, dict):
            return None
        expires_at, token = doc.get("expires_at"), doc.get("access_token")
        if not _number(expires_at) or expires_at - EARLY <= self.now() or not usable(token):
            return None
        return token

    def _store(self, token, expires_at):
        if not self.use_cache:
            return
        import orjson
        directory = self.settings.cache_dir
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            if not private_directory(directory):
                return   # a link or a stranger's directory: never chmod'ed through, unused
            os.chmod(directory, 0o700)
            write_atomically(self._cache_file(),
                             orjson.dumps({"access_token": token, "expires_at": expires_at}))
        except OSError:
            pass   # a cache we cannot write only costs a token fetch next time

    def _forget(self):
        if self.use_cache:
            try:
                os.unlink(self._cache_file())
            except OSError:
                pass



def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
