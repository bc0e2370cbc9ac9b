"""A local Halo-compatible API server: `halo sandbox` and `halo --sandbox`.

It answers like a Halo tenant as far as `halo` needs (see the README, "The sandbox"): the OAuth
client-credentials token endpoint, the 32 resources of halo_lib.resources with Halo's list
keys and pagination, array POST upserts, DELETE, 404s, the extra endpoints of each group,
and the presigned attachment upload flow. Every path, list key, paging flag, id type and
delete/me availability comes from RESOURCES: this module names no resource of its own,
beyond the two presigned-upload endpoints and the rule that a ticket needs a summary.

Records are generated on demand (sandbox_data); writes go to an overlay per resource, so
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
"""

import base64
import binascii
import collections
import hashlib
import json
import mimetypes
import random
import secrets
import shlex
import socket
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from halo_lib.resources import RESOURCES
from halo_lib.sandbox import ratelimit
from halo_lib.sandbox.data import CLOSED_STATUS_IDS, STATUSES, Dataset, iso

HOST = "127.0.0.1"
TENANT = "sandbox"
TRUE = frozenset(("true", "1", "yes", "on"))
# Halo filter names that do not match the field they filter on.
FILTER_FIELDS = {"requesttype_id": "tickettype_id", "priority": "priority_id",
                 "category_1": "categoryid_1", "agents": "agent_id"}
SEARCH_FIELDS = ("summary", "name", "title", "subject", "value", "emailaddress",
                 "inventory_number", "invoicenumber", "ref", "filename")
DATE_FIELDS = ("dateoccurred", "datetime", "date", "invoice_date", "start_date",
               "datecreated", "date_created")
START_FILTERS, END_FILTERS = ("startdate", "start_date"), ("enddate", "end_date")
# Fields a create must carry, non-blank (Halo refuses a ticket without a summary).
REQUIRED = {"tickets": ("summary",)}
CALL_LIST_LIMIT = 10   # records answered by the extra GET endpoints that list something
QUERY_CACHE = 8        # filtered id lists kept per resource, so paging a filter is cheap


class ApiError(Exception):
    def __init__(self, status, message, headers=()):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, tuple(headers)


Reply = collections.namedtuple("Reply", "status body content_type headers")


class Seen(collections.namedtuple("Seen", "method path query")):
    """One request served: unpacks as (method, path, query); .headers and .status too."""


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def json_reply(obj, status=200, headers=()):
    return Reply(status, dumps(obj), "application/json; charset=utf-8", tuple(headers))


def empty_reply(status=200, headers=()):
    return Reply(status, b"", None, tuple(headers))


def error(status, message, headers=()):
    return ApiError(status, message, headers)


def encode_list(records):
    """A JSON array written record by record: a long list never exists as Python objects."""
    return b"[" + b",".join(dumps(r) for r in records) + b"]"


def encode_envelope(head, key, records):
    prefix = dumps(head)[:-1] + (b"," if head else b"") + dumps(key) + b":"
    return prefix + encode_list(records) + b"}"


def one_or_many(records):
    """Halo answers the saved record for one element and an array for several."""
    return json_reply(records[0] if len(records) == 1 else records)


def is_true(value):
    return str(value).strip().lower() in TRUE


def int_param(query, name, default=None, minimum=1):
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise error(400, f"{name} must be an integer, not {raw!r}") from None
    if value < minimum:
        raise error(400, f"{name} must be at least {minimum}")
    return value


def parse_json(body):
    try:
        return json.loads(body.decode("utf-8")) if body.strip() else None
    except (UnicodeDecodeError, ValueError) as e:
        raise error(400, f"the body is not valid JSON: {e}") from None


def parse_records(body):
    items = parse_json(body)
    if not isinstance(items, list) or not items:
        raise error(400, "the body must be a non-empty JSON array of objects")
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise error(400, f"record {n}: not a JSON object")
        if "_fail" in item:
            raise error(400, f"record {n}: {item['_fail']}")
    return items


def make_pdf(lines):
    """A small valid one-page PDF showing `lines` (for the PDF and print endpoints)."""
    esc = [str(s).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for s in lines]
    text = "BT /F1 12 Tf 50 800 Td 16 TL " + " ".join(f"({s}) '" for s in esc) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text.encode('latin-1', 'replace'))} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{obj}\nendobj\n".encode("latin-1", "replace")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return out


class Keys:
    """The ids of a list in server order: a base part (often a range) then created ids.

    Slicing a window is what a page needs, so 100,000 ids never become a Python list
    unless deletes or a filter make one necessary.
    """

    def __init__(self, base, tail=()):
        self.base, self.tail = base, tuple(tail)

    def __len__(self):
        return len(self.base) + len(self.tail)

    def window(self, start, stop):
        nb = len(self.base)
        head = list(self.base[start:min(stop, nb)]) if start < nb else []
        return head + list(self.tail[max(start - nb, 0):max(stop - nb, 0)])

    def __iter__(self):
        yield from self.base
        yield from self.tail


class Collection:
    """One resource: generated records plus the writes made while the sandbox runs."""

    def __init__(self, resource, data, new_uuid):
        self.resource, self.name, self.id_type = resource, resource.name, resource.id_type
        self.data, self.new_uuid = data, new_uuid
        self.base_count = data.count(self.name)
        self.changed = {}        # key -> record: updated generated records and created ones
        self.created = []        # keys of created records, in creation order
        self.deleted = set()     # keys of generated records deleted
        self.contents = {}       # key -> file bytes stored with a record (attachments)
        self.next_id = self.base_count + 1
        self.version = 0         # bumped on every write: invalidates the cached views
        self.lock = threading.RLock()
        self._base_view = None   # (version, ids of generated records still present)
        self._queries = collections.OrderedDict()

    # ---- ids ------------------------------------------------------------------------------

    def key(self, raw):
        """The normalised id of `raw` (path text or JSON value), or 400 if malformed."""
        if self.id_type == "int":
            if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
                return raw
            text = str(raw).strip()
            if text.isascii() and text.isdigit():
                return int(text)
            raise error(400, f"invalid id {raw!r}: {self.name} ids are integers")
        if self.id_type == "uuid":
            try:
                return str(uuid.UUID(str(raw)))
            except ValueError:
                raise error(400, f"invalid id {raw!r}: {self.name} ids are UUIDs") from None
        text = str(raw).strip()
        if not text:
            raise error(400, f"invalid id: {self.name} ids are non-empty strings")
        return text.lower()

    def _public(self, index):
        return self.data.public_id(self.name, index, self.id_type)

    def _index(self, key):
        return self.data.index_of(self.name, key, self.id_type)

    def get(self, key):
        rec = self.changed.get(key)
        if rec is not None or key in self.deleted:
            return rec
        index = self._index(key)
        return None if index is None else self.data.record(self.name, index)

    def keys(self):
        with self.lock:
            if self._base_view is None or self._base_view[0] != self.version:
                self._base_view = (self.version, self._present_base())
            return Keys(self._base_view[1], self.created)

    def _present_base(self):
        if self.id_type == "int" and not self.deleted:
            return range(1, self.base_count + 1)
        ids = (self._public(i) for i in range(1, self.base_count + 1))
        return [k for k in ids if k not in self.deleted]

    def records(self, keys, start, stop):
        for k in keys.window(start, stop):
            rec = self.get(k)
            if rec is not None:   # deleted since the ids were listed
                yield rec

    def first(self):
        keys = self.keys()
        return self.get(keys.window(0, 1)[0]) if len(keys) else None

    def sample(self):
        """A representative record, to know which fields the resource has."""
        if self.base_count:
            return self.data.record(self.name, 1)
        return next(iter(self.changed.values()), {})

    # ---- queries ---------------------------------------------------------------------------

    def select(self, query):
        """The ids matching a list query (filters and order), in answer order."""
        if not query.conditions and not query.order and not query.descending:
            return self.keys()
        with self.lock:
            signature = (query.signature, self.version)
            hit = self._queries.get(signature)
            if hit is not None:
                self._queries.move_to_end(signature)
                return hit
            changed = tuple(self.changed)
        # The scan (seconds for 100,000 tickets) runs unlocked: pages of other lists and
        # writes go on meanwhile, and a write made during it just leaves it uncached.
        keys = Keys(self._match(query, changed))
        with self.lock:
            if self.version == signature[1]:
                self._queries[signature] = keys
                if len(self._queries) > QUERY_CACHE:
                    self._queries.popitem(last=False)
        return keys

    def _candidates(self, query, changed):
        for field, values in query.equalities():
            narrowed = self.data.base_range(self.name, field, values[0]) if len(values) == 1 \
                else None
            if narrowed is not None and self.id_type == "int":
                # Changed records may have moved into (or out of) the narrowed set.
                return sorted(set(narrowed) | set(changed))
        return self.keys()

    def _match(self, query, changed):
        matched = []
        for k in self._candidates(query, changed):
            rec = self.get(k)
            if rec is not None and query.matches(rec):
                matched.append(k)
        if query.order:
            field = query.order
            matched.sort(key=lambda k: sort_key((self.get(k) or {}).get(field)),
                         reverse=query.descending)
        elif query.descending:
            matched.reverse()
        return matched

    # ---- writes ----------------------------------------------------------------------------

    def upsert(self, items):
        """Validate the whole batch, then save it: all or nothing."""
        with self.lock:
            plans = [self._plan(n, item) for n, item in enumerate(items, 1)]
            saved = [self._save(key, fields, content) for key, fields, content in plans]
            self._touch()
            return saved

    def _plan(self, n, item):
        fields = dict(item)
        content = self._take_content(n, fields)
        raw_id = fields.pop("id", None)
        if raw_id in (None, 0, "", "0"):
            key = None
            for name in REQUIRED.get(self.name, ()):
                if not str(fields.get(name) or "").strip():
                    raise error(400, f"record {n}: {name} must not be empty")
        else:
            try:
                key = self.key(raw_id)
            except ApiError as e:
                raise error(400, f"record {n}: {e.message}") from None
            if self.get(key) is None:
                raise error(404, f"record {n}: no {self.name} record with id {raw_id}")
        for name in REQUIRED.get(self.name, ()):
            if name in fields and not str(fields[name] or "").strip():
                raise error(400, f"record {n}: {name} must not be empty")
        return key, fields, content

    @staticmethod
    def _take_content(n, fields):
        """Decode data_base64: the bytes are kept beside the record, not inside it."""
        data = fields.pop("data_base64", None)
        if data is None:
            return None
        try:
            content = base64.b64decode(str(data), validate=True)
        except (binascii.Error, ValueError):
            raise error(400, f"record {n}: data_base64 is not valid base64") from None
        fields["filesize"] = len(content)
        return content

    def _save(self, key, fields, content):
        if key is None:
            key = self._new_key()
            rec = {"id": key, **self._defaults(), **fields}
            self.created.append(key)
        else:
            rec = {**self.get(key), **fields}
        if content is not None:
            self.contents[key] = content
            if rec.get("filename") and not rec.get("content_type"):
                rec["content_type"] = guess_type(rec["filename"])
        self.changed[key] = rec
        return rec

    def create(self, fields, content=None):
        with self.lock:
            rec = self._save(None, fields, content)
            self._touch()
            return rec

    def _new_key(self):
        if self.id_type == "int":
            self.next_id += 1
            return self.next_id - 1
        return self.new_uuid()

    def _defaults(self):
        """What Halo fills in on a new record: the date it was made, a first status."""
        sample, now = self.sample(), iso(int(time.time()))
        fields = {name: now for name in ("dateoccurred", "datecreated", "date_created")
                  if name in sample}
        if "summary" in sample and "status_id" in sample:
            fields.update(status_id=1, status_name=STATUSES[0][0])
        return fields

    def delete(self, key):
        with self.lock:
            if self.get(key) is None:
                return False
            if key in self.created:
                self.created.remove(key)
            else:
                self.deleted.add(key)
            self.changed.pop(key, None)
            self.contents.pop(key, None)
            self._touch()
            return True

    def _touch(self):
        self.version += 1
        self._queries.clear()

    def content(self, key):
        """The file stored with a record: uploaded bytes, or generated ones, or nothing."""
        if key in self.contents:
            return self.contents[key]
        index = None if key in self.created else self._index(key)
        return b"" if index is None else self.data.content(self.name, index)


def sort_key(value):
    """Order mixed JSON values without a TypeError: numbers, then text, then nulls."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value, "")
    if value is None:
        return (2, 0, "")
    return (1, 0, str(value).lower())


def guess_type(filename):
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


class Query:
    """The filters and order of a list request, built from the resource's declared filters.

    A declared filter whose name (or FILTER_FIELDS alias) is a field of the records is an
    equality test (comma-separated values: any of them); search, open/closed and date
    ranges are special; the other flags (include..., exclude...) change nothing here.
    """

    def __init__(self, resource, params, sample):
        self.conditions, self.order, self.descending = [], None, False
        declared = {o.name.lower(): o for o in resource.filters}
        date_field = next((f for f in DATE_FIELDS if f in sample), None)
        for name, value in sorted(params.items()):
            opt = declared.get(name)
            if opt is None or value == "":
                continue
            if name == "order":
                self.order = value.lower() if value.lower() in sample else None
            elif name == "orderdesc":
                self.descending = is_true(value)
            elif name == "search":
                fields = tuple(f for f in SEARCH_FIELDS if f in sample)
                self.conditions.append(("search", fields, value.lower()))
            elif name in ("open_only", "closed_only"):
                if is_true(value) and "status_id" in sample:
                    self.conditions.append((name, "status_id", None))
            elif name in START_FILTERS + END_FILTERS and date_field:
                bound = value if "T" in value else value + ("T00:00:00Z" if name in START_FILTERS
                                                             else "T23:59:59Z")
                kind = "after" if name in START_FILTERS else "before"
                self.conditions.append((kind, date_field, bound))
            elif opt.type != "bool":
                field = FILTER_FIELDS.get(name, name)
                if field in sample:
                    values = tuple(v.strip().lower() for v in value.split(",") if v.strip())
                    self.conditions.append(("equal", field, values))
        self.signature = (tuple(self.conditions), self.order, self.descending)

    def equalities(self):
        return [(field, values) for kind, field, values in self.conditions if kind == "equal"]

    def matches(self, rec):
        for kind, field, arg in self.conditions:
            if kind == "equal":
                value = rec.get(field)
                if value is None or str(value).lower() not in arg:
                    return False
            elif kind == "search":
                if not any(arg in str(rec.get(f) or "").lower() for f in field):
                    return False
            elif kind == "open_only":
                if rec.get(field) in CLOSED_STATUS_IDS:
                    return False
            elif kind == "closed_only":
                if rec.get(field) not in CLOSED_STATUS_IDS:
                    return False
            elif kind == "after":
                if str(rec.get(field) or "") < arg:
                    return False
            elif kind == "before":
                if str(rec.get(field) or "~") > arg:
                    return False
        return True


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


class Sandbox:
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
        self.collections = {r.name: Collection(r, self.dataset, self._new_uuid)
                            for r in RESOURCES}
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
        return self

    def close(self):
        server, self._server = self._server, None
        if server is None:
            return
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

    def _new_uuid(self):
        with self._lock:
            return str(uuid.UUID(int=self._id_rng.getrandbits(128), version=4))

    # ---- routing -----------------------------------------------------------------------

    def _build_routes(self):
        routes = {}
        for r in RESOURCES:
            for v in r.verbs():
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
        if allowed:
            raise error(405, f"The requested resource does not support http method "
                             f"'{method}'.", [("Allow", ", ".join(sorted(set(allowed))))])
        raise error(404, f"No HTTP resource was found that matches /api/{'/'.join(segments)}")

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

    # ---- resource handlers: (request, route, raw id) -> Reply ---------------------------

    def _collection(self, route):
        return self.collections[route.resource.name]

    def _list(self, req, route, _):
        r, col = route.resource, self._collection(route)
        keys = col.select(Query(r, req.query, col.sample()))
        count = int_param(req.query, "count")
        total = len(keys) if count is None else min(len(keys), count)
        if r.key is None:
            return self._bytes(encode_list(col.records(keys, 0, total)))
        if r.paged and is_true(req.query.get("pageinate")):
            size = min(int_param(req.query, "page_size", 50), self.max_page_size)
            page = int_param(req.query, "page_no", 1)
            start = (page - 1) * size
            head = {"page_no": page, "page_size": size, "record_count": total}
            return self._bytes(encode_envelope(head, r.key,
                                               col.records(keys, start, min(start + size, total))))
        return self._bytes(encode_envelope({"record_count": total}, r.key,
                                           col.records(keys, 0, total)))

    @staticmethod
    def _bytes(body):
        return Reply(200, body, "application/json; charset=utf-8", ())

    def _found(self, route, raw_id):
        col = self._collection(route)
        key = col.key(raw_id)
        rec = col.get(key)
        if rec is None:
            raise error(404, f"No {route.resource.name} record with id {raw_id}")
        return col, key, rec

    def _get(self, req, route, raw_id):
        col, key, rec = self._found(route, raw_id)
        # A parent id given with the request (actions?ticket_id=N) must agree.
        for opt in route.verb.filters:
            given = req.query.get(opt.name.lower())
            if opt.type == "int" and given and opt.name in rec and str(rec[opt.name]) != given:
                raise error(404, f"No {route.resource.name} record with id {raw_id} "
                                 f"for {opt.name} {given}")
        if route.binary_alternative and wants_file(req):
            return self._file_reply(col, key, rec)
        return json_reply(rec)

    def _me(self, req, route, _):
        rec = self._collection(route).first()
        if rec is None:
            raise error(404, f"No {route.resource.name} record for the caller")
        return json_reply(rec)

    def _upsert(self, req, route, _):
        return one_or_many(self._collection(route).upsert(parse_records(req.body)))

    def _delete(self, req, route, raw_id):
        col = self._collection(route)
        if not col.delete(col.key(raw_id)):
            raise error(404, f"No {route.resource.name} record with id {raw_id}")
        return empty_reply()

    def _file(self, req, route, raw_id):
        col, key, rec = self._found(route, raw_id)
        return self._file_reply(col, key, rec)

    @staticmethod
    def _file_reply(col, key, rec):
        filename = str(rec.get("filename") or f"{col.name}-{key}")
        content_type = rec.get("content_type") or guess_type(filename)
        disposition = f'attachment; filename="{filename}"'.encode("ascii", "replace").decode()
        return Reply(200, col.content(key), content_type, (("Content-Disposition", disposition),))

    def _call(self, req, route, raw_id):
        """The extra endpoints: plausible answers shaped by the verb's declaration."""
        verb, col = route.verb, self._collection(route)
        rec = self._found(route, raw_id)[2] if raw_id is not None else None
        if verb.binary:
            if rec is not None and "filename" in rec:
                return self._file(req, route, raw_id)
            title = f"{route.resource.summary}: {verb.name}".capitalize()
            lines = [title] + ([f"{k}: {v}" for k, v in list(rec.items())[:12]] if rec else [])
            return Reply(200, make_pdf(lines), "application/pdf", ())
        if verb.method == "GET":
            if rec is not None:
                return json_reply(rec)
            keys = col.keys()
            limit = int_param(req.query, "count", CALL_LIST_LIMIT)
            return self._bytes(encode_list(col.records(keys, 0, min(len(keys), limit))))
        if verb.method == "DELETE":
            return empty_reply()
        return self._echo(req, verb, rec)

    @staticmethod
    def _echo(req, verb, rec):
        if verb.body == "array":
            return one_or_many(parse_records(req.body))
        if verb.body == "object":
            obj = parse_json(req.body)
            if not isinstance(obj, dict):
                raise error(400, "the body must be a JSON object")
            if "_fail" in obj:
                raise error(400, str(obj["_fail"]))
            return json_reply(obj)
        if verb.ids == "list":
            ids = parse_json(req.body)
            if not isinstance(ids, list):
                raise error(400, "the body must be a JSON array of ids")
            return json_reply(ids)
        if rec is not None:
            return json_reply(rec)
        if verb.body == "optional":
            given = parse_json(req.body)
            return json_reply({} if given is None else given)
        return empty_reply()

    # ---- presigned uploads -----------------------------------------------------------

    def _presign(self, req, route, _):
        items, answer = parse_records(req.body), []
        for n, item in enumerate(items, 1):
            if not item.get("filename"):
                raise error(400, f"record {n}: filename is required")
        for item in items:
            key = secrets.token_urlsafe(18)
            tempid = str(item.get("_tempid") or uuid.uuid4())
            url = f"{self.url}/s3/{key}"
            with self._lock:
                self._uploads[key] = {"desc": item, "tempid": tempid, "data": None}
                self._tempids[tempid] = key
            out = {"filename": item["filename"], "url": url, "presigned_url": url,
                   "_tempid": tempid}
            out.update((k, v) for k, v in item.items() if k not in out)
            answer.append(out)
        return json_reply(answer)

    def _s3_put(self, req):
        # The upload host is "another host": a Halo bearer token must never reach it.
        if req.headers.get("Authorization") is not None:
            raise error(400, "an Authorization header is not allowed on a presigned URL")
        if req.method != "PUT":
            raise error(405, "use PUT", [("Allow", "PUT")])
        key = req.path.split("/", 2)[2] if req.path.count("/") >= 2 else ""
        with self._lock:
            upload = self._uploads.get(key)
            if upload is None:
                raise error(404, "no such upload URL (or it was already completed)")
            upload["data"] = req.body
        return empty_reply(headers=[("ETag", f'"{hashlib.md5(req.body).hexdigest()}"')])

    def _presign_complete(self, req, route, _):
        items = parse_records(req.body)
        with self._lock:
            done = [self._uploaded(n, item) for n, item in enumerate(items, 1)]
            for key, _, _ in done:
                upload = self._uploads.pop(key)
                self._tempids.pop(upload["tempid"], None)
        col = self._collection(route)
        saved = []
        for _, item, data in done:
            fields = {k: v for k, v in item.items() if k not in ("_tempid", "filesize")}
            fields.setdefault("datecreated", iso(int(time.time())))
            fields["filesize"] = len(data)
            fields["content_type"] = guess_type(str(item.get("filename")))
            saved.append(col.create(fields, data))
        return one_or_many(saved)

    def _uploaded(self, n, item):
        key = self._tempids.get(str(item.get("_tempid")))
        if key is None:   # no _tempid: the latest upload of that file name
            key = next((k for k, u in reversed(self._uploads.items())
                        if u["desc"].get("filename") == item.get("filename")
                        and u["data"] is not None), None)
        upload = self._uploads.get(key)
        if upload is None or upload["data"] is None:
            raise error(400, f"record {n}: no upload was received for "
                             f"{item.get('filename')!r}")
        return key, {**upload["desc"], **item}, upload["data"]


def wants_file(req):
    accept = (req.headers.get("Accept") or "").split(",")[0].strip().lower()
    return accept == "application/octet-stream" or is_true(req.query.get("download", ""))


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

