"""A local Halo-compatible API server: `halo sandbox` and `halo --sandbox`.

It answers like a Halo tenant as far as `halo` needs (see the README, "The sandbox"): the OAuth
client-credentials token endpoint, the 32 resources of halo_lib.resources with Halo's list
keys and pagination, array POST upserts, DELETE, 404s, the extra endpoints of each group,
and the presigned attachment upload flow. Every path, list key, paging flag, id type and
delete/me availability comes from RESOURCES: this module names no resource of its own,
beyond the two presigned-upload endpoints and the rule that a ticket needs a summary.

Records are generated on demand (data.py); writes go to an overlay per resource, so
creates, updates and deletes persist while the server runs and 100,000 tickets cost
nothing until served. Loopback only, standard library only.

Answer shapes (what the client must cope with, as on a real tenant):
- list of a resource whose key is None: a plain JSON array (paging parameters ignored);
- list of a paged resource with pageinate=true:
  {"page_no", "page_size", "record_count", <key>: [...]}, pages numbered from 1;
- any other list: {"record_count": n, <key>: [...]} holding every matching record;
  count=N caps the records of every list (record_count counts the capped set).
- POST of a JSON array: the saved record (an object) for one element, an array for more.
  The batch is validated whole before anything is saved: one bad record refuses the batch
  with 400 (or 404 for an update of an unknown id) and saves nothing. An object without an
  id (or with id 0/null) is created; one with the id of an existing record updates it
  (fields merged); an id that exists nowhere is refused with 404 rather than created, so
  a mistyped id cannot silently make a new record.
- errors: {"message": "..."} with 400, 401, 404, 405, 429, 503; the token endpoint answers
  OAuth's {"error": "invalid_client"} (401) or {"error": "unsupported_grant_type"} (400).
Test hooks: a record holding "_fail": "reason" is refused with 400 naming the reason.

Modules, one job each: server.py (HTTP server and lifecycle), routes.py (dispatch: the one
entry point is Dispatch.handle), handlers.py (resource handlers), store.py (records and the
write overlay), query.py (filters and order), wire.py (replies and parsing), data.py
(generated records).
"""

import random
import secrets
import shlex
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from halo_lib.resources import RESOURCES
from halo_lib.sandbox import columns, ratelimit
from halo_lib.sandbox.data import Dataset
from halo_lib.sandbox.handlers import Handlers
from halo_lib.sandbox.routes import Dispatch
from halo_lib.sandbox.store import Collection
from halo_lib.sandbox.webhooks import Deliveries
from halo_lib.sandbox.wire import json_reply

HOST = "127.0.0.1"
WARM_FROM = 10000   # tickets from which the column index is built at start


class Sandbox(Dispatch, Handlers):
    """A Halo-compatible API on 127.0.0.1, served from a daemon thread.

    with Sandbox(records=200) as sb:   # sb.url, sb.client_id, sb.client_secret
        ...
    """

    def __init__(self, port=0, records=1000, seed=1, latency_ms=0, fail_rate=0.0, *,
                 token_ttl=3600, retry_after=0, max_page_size=100000,
                 client_id="sandbox-client", client_secret="sandbox-secret",
                 record_requests=True, rate_limit=None):
        if not 0 <= int(port) <= 65535:
            raise ValueError(f"port must be between 0 and 65535, not {port}")
        if int(records) < 0:
            raise ValueError(f"records must not be negative, not {records}")
        if not 0.0 <= float(fail_rate) <= 1.0:
            raise ValueError(f"fail rate must be between 0 and 1, not {fail_rate}")
        if float(latency_ms) < 0:
            raise ValueError(f"latency must not be negative, not {latency_ms}")
        self.port, self.records, self.seed = int(port), int(records), seed
        self.latency_ms, self.fail_rate = float(latency_ms), float(fail_rate)
        self.token_ttl, self.retry_after = token_ttl, retry_after
        self.max_page_size = max_page_size
        self.client_id, self.client_secret = client_id, client_secret
        self.record_requests = record_requests
        self.rate_limit = ratelimit.RateLimit.of(rate_limit)   # None: no limit
        self.url = None
        self.requests = []
        self.dataset = Dataset(self.records, seed)
        # Seeded generators: the same seed fails the same requests and mints the same ids.
        self._fault_rng = random.Random(f"faults:{seed}")
        self._id_rng = random.Random(f"ids:{seed}")
        self._lock = threading.Lock()
        self._tokens = {}       # access token -> monotonic expiry time
        self._uploads = {}      # presigned key -> {"desc", "tempid", "data"}
        self._tempids = {}      # _tempid -> presigned key
        self.collections = {}
        self.webhooks = Deliveries(self)
        for r in RESOURCES:
            self.collections[r.name] = self._new_collection(r)
        self._generic = {}      # collection name -> routes of a group outside the table
        self._groups = {r.path.strip("/").split("/")[0].lower() for r in RESOURCES}
        self._routes = self._build_routes()
        self._server = self._thread = None

    # ---- lifecycle ---------------------------------------------------------------------

    def start(self):
        if self._server is not None:
            return self
        self._server = _Server((HOST, self.port), _Handler)
        self._server.sandbox = self
        self.port = self._server.server_address[1]
        self.url = f"http://{HOST}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.5},
                                        name=f"halo-sandbox-{self.port}", daemon=True)
        self._thread.start()
        if self.records >= WARM_FROM:
            # The core columns of the tickets (about 0.2 s for 100,000) before the first
            # request, so even the first filtered list answers at once; the columns
            # derived from them are built meanwhile while the user reads the export lines.
            columns.column(self.dataset, "tickets", "status_id")
            threading.Thread(target=columns.warm, args=(self.dataset, "tickets"),
                             name="halo-sandbox-columns", daemon=True).start()
        return self

    def close(self):
        server, self._server = self._server, None
        if server is None:
            return
        self.webhooks.close()
        from halo_lib.sandbox.reports import forget
        forget(self)
        # shutdown() waits for the serve loop's next poll; a connection wakes it at once.
        stopper = threading.Thread(target=server.shutdown, daemon=True)
        stopper.start()
        while stopper.is_alive():
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
            except OSError:
                pass
            stopper.join(0.02)
        server.server_close()
        server.close_connections()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def revoke_tokens(self):
        """Make every issued token invalid, as a tenant revoking access would."""
        with self._lock:
            self._tokens.clear()

    def issue_token(self):
        """A valid access token without a round trip (for tests)."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_ttl
        return token

    def _new_collection(self, resource, generated=True):
        return Collection(resource, self.dataset, self._new_uuid, self.collections,
                          self.webhooks.event, generated)

    def _new_uuid(self):
        with self._lock:
            return str(uuid.UUID(int=self._id_rng.getrandbits(128), version=4))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128   # the default 5 drops SYNs of concurrent clients: 1 s stalls

    def __init__(self, address, handler):
        self.connections, self.connections_lock = set(), threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self):
        """End idle keep-alive connections, so close() really frees everything."""
        with self.connections_lock:
            open_now = list(self.connections)
        for sock in open_now:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"       # keep-alive: every answer has a Content-Length
    server_version = "HaloSandbox/1.0"
    disable_nagle_algorithm = True      # small answers must not wait for delayed ACKs
    wbufsize = -1                       # headers and body leave in one write
    timeout = 120                       # idle keep-alive connections end eventually

    def _serve(self):
        try:
            reply = self.server.sandbox.handle(self)
        except ValueError:              # unreadable Content-Length or chunk size
            reply = json_reply({"message": "malformed request"}, 400)
            self.close_connection = True
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    def log_message(self, format, *args):   # quiet: the sandbox is not a web server log
        pass


def serve(options, stdout, stderr):
    """`halo sandbox`: serve in the foreground until Ctrl-C, after printing the env lines.
    options: port, records, seed, latency (ms), fail_rate and rate_limit
    (halo_lib.invocation.SandboxOptions)."""
    opts = {"port": options.port, "records": options.records, "seed": options.seed,
            "latency_ms": options.latency, "fail_rate": options.fail_rate,
            "rate_limit": options.rate_limit}
    try:
        sandbox = Sandbox(**opts, record_requests=False).start()
    except ValueError as e:
        stderr.write(f"halo sandbox: {e}\n")
        return 2
    except OSError as e:
        stderr.write(f"halo sandbox: cannot listen on {HOST}:{opts['port']}: "
                     f"{e.strerror or e}\n")
        return 1
    try:
        try:
            stdout.write(f"export HALO_URL={shlex.quote(sandbox.url)}\n"
                         f"export HALO_CLIENT_ID={shlex.quote(sandbox.client_id)}\n"
                         f"export HALO_CLIENT_SECRET={shlex.quote(sandbox.client_secret)}\n"
                         f"export HALO_RATE={shlex.quote(opts['rate_limit'] or 'off')}\n"
                         "unset HALO_TENANT\n")
            stdout.flush()
        except (BrokenPipeError, ValueError):
            pass   # the reader took what it wanted (or left); keep serving
        stderr.write(f"halo sandbox: serving {sandbox.records} tickets on {sandbox.url}; "
                     "Ctrl-C to stop\n")
        stderr.flush()
        while True:         # until SIGINT or SIGTERM, which halo turns into exit 130/143
            time.sleep(3600)
    finally:
        sandbox.close()
