"""What each kind of verb does: parsed args -> planned requests -> records out.

One function per verb kind. Each plans its requests from the resource table entry and
the flags, then either prints them (--dry-run) or sends them through the Api.
"""
import orjson

from halo_lib.io import bodies
from halo_lib import config
from halo_lib.http.api import Api, Request, api_path, path_with_id
from halo_lib.errors import HaloError, NotFound, TemporaryError, UsageError
from halo_lib.io import downloads
from halo_lib.io.output import Output, is_json
from halo_lib.resources import BY_NAME

DEFAULT_BATCH = 50


class Context:
    """Everything a verb needs: args, streams, and the settings and API once asked for.

    Settings are resolved on first use, so a bad BODY or id is reported as such (exit 2)
    before a missing setting is (exit 3).
    """

    def __init__(self, args, streams, load_settings):
        self.args = args
        self.streams = streams
        self._load_settings = load_settings
        self._settings = None
        self.dry_run = bool(getattr(args, "dry_run", False))
        self.resource = BY_NAME.get(getattr(args, "resource", None))
        self.verb = self.resource.verb(args.verb) if self.resource else None
        self._api = None
        records_of_resource = self.verb and self.verb.kind in (
            "list", "get", "me", "create", "update")
        columns = self.resource.columns if records_of_resource else ()
        self.output = Output(streams, getattr(args, "query", None),
                             bool(getattr(args, "raw", False)),
                             config.output_format(args, streams.env),
                             fields=getattr(args, "fields", None), defaults=columns,
                             no_color=bool(getattr(args, "no_color", False)),
                             dry_run=self.dry_run)

    @property
    def settings(self):
        if self._settings is None:
            self._settings = self._load_settings()
        return self._settings

    @property
    def api(self):
        if self._api is None:
            from halo_lib.http.auth import TokenSource
            from halo_lib.http.transport import Transport
            from halo_lib.http.paging import DEFAULT_CONCURRENCY
            concurrency = getattr(self.args, "concurrency", None) or DEFAULT_CONCURRENCY
            transport = Transport(self.settings, self.streams, pool_size=concurrency + 2)
            tokens = TokenSource(self.settings, transport,
                                 use_cache=not getattr(self.args, "sandbox", False))
            self._api = Api(self.settings, transport, tokens)
        return self._api

    def query_params(self):
        """Typed filter flags (in the table's order), then the --param pairs."""
        from halo_lib.cli.when import wire_value
        params = []
        for dest, value in vars(self.args).items():
            if dest.startswith("q.") and value not in (None, False):
                value = wire_value(value, self.streams.now)
                params.append((dest[2:], "true" if value is True else value))
        return params + list(getattr(self.args, "param", []) or [])

    def field_flags(self):
        from halo_lib.cli.when import wire_value
        fields = {}
        for dest, value in vars(self.args).items():
            if dest.startswith("b.") and value not in (None, False):
                fields[dest[2:]] = wire_value(value, self.streams.now)
        if "customfields" in fields:   # --cf NAME=VALUE pairs
            fields["customfields"] = [{"name": name, "value": value}
                                      for name, value in fields["customfields"]]
        return fields

    def show(self, request):
        """--dry-run: the request as one JSON line."""
        self.streams.write(orjson.dumps(request.describe(self.settings.url)) + b"\n")


# ---------------------------------------------------------------- reading

def do_list(ctx):
    def list_records(extra):
        request = Request("GET", ctx.verb.path, ctx.query_params() + extra)
        return _stream(ctx, request, ctx.resource.key, ctx.resource.paged)
    if getattr(ctx.args, "checkpoint", None):
        from halo_lib.run.checkpoint import checkpointed_list
        return checkpointed_list(ctx, list_records)
    return list_records([])


def _stream(ctx, request, key, paged):
    """Every page of a list, written as it arrives (--dry-run: the first page's request)."""
    from halo_lib.http.paging import page_request, page_size_for, pages
    args = ctx.args
    if ctx.dry_run:
        if paged:
            request = page_request(request, page_size_for(_page_size(ctx), args.limit), 1)
        ctx.show(request)
        return 0
    progress = _progress(ctx)
    for records in pages(ctx.api, request, key, paged, _page_size(ctx), args.limit,
                         args.concurrency, progress, notice=ctx.streams.err):
        ctx.output.page(records)
    if progress:
        progress(None, None)
    ctx.output.close()
    return 0


def _page_size(ctx):
    """--page-size, lowered to the resource's page cap (which -v tells)."""
    size = ctx.args.page_size
    cap = ctx.resource.page_cap if ctx.resource else None
    if size and cap and size > cap:
        if ctx.settings.verbose:
            ctx.streams.err(f"* --page-size {size} lowered to {cap}: Halo serves at most "
                            f"{cap} {ctx.resource.name} a page")
        return cap
    return size


def _progress(ctx):
    """A progress line on stderr for long lists, only when stderr is a terminal."""
    if not ctx.streams.stderr_tty or getattr(ctx.args, "quiet", False):
        return None
    state = {"shown": False}

    def show(seen, total):
        err = ctx.streams.stderr
        if seen is None:
            if state["shown"]:
                err.write("\r\033[K")
                err.flush()
            return
        if total and total > 500:
            err.write(f"\rhalo: {seen} of {total} records")
            err.flush()
            state["shown"] = True
    return show


def do_me(ctx):
    return _single(ctx, Request("GET", ctx.verb.path, ctx.query_params()),
                   f"{ctx.resource.name} me")


def _single(ctx, request, what):
    if ctx.dry_run:
        ctx.show(request)
        return 0
    doc = ctx.api.json(request)
    if doc is None or doc == {} or doc == []:
        raise NotFound(f"{what}: not found (empty answer)")
    ctx.output.document(doc)
    ctx.output.close()
    return 0


# ---------------------------------------------------------------- writing

def _body_records(ctx, required):
    """Records from BODY and the field flags; None when there is neither."""
    args = ctx.args
    body = getattr(args, "body", None)
    records = None
    if body is not None:
        data, name = bodies.read_source(body, ctx.streams)
        records = bodies.parse_records(data, name)
    flags = ctx.field_flags()
    typed, raw = getattr(args, "typed_fields", []), getattr(args, "raw_fields", [])
    if records is None:
        if not (flags or typed or raw):
            if required:
                raise UsageError(f"nothing to send: give BODY ('-', @FILE or JSON) or "
                                 f"fields (see 'halo {ctx.resource.name} {ctx.verb.name} --help')")
            return None
        records = [{}]
    return bodies.apply_fields(records, typed, raw, flags, ctx.streams)


def _record_source(ctx, check):
    """The records to create or update, checked whole before any is sent (streamed)."""
    args = ctx.args
    body = getattr(args, "body", None)
    typed, raw = getattr(args, "typed_fields", []), getattr(args, "raw_fields", [])
    flags = ctx.field_flags()

    def fields(records):
        return bodies.apply_fields(records, typed, raw, flags, ctx.streams)
    if body is None:
        if not (flags or typed or raw):
            raise UsageError(f"nothing to send: give BODY ('-', @FILE or JSON) or "
                             f"fields (see 'halo {ctx.resource.name} {ctx.verb.name} --help')")
        body = "{}"
    source = bodies.RecordSource(body, ctx.streams, fields, check)
    # -o json prints the answer to one object as an object, to an array or NDJSON as an array.
    ctx.output.single_object = source.count == 1 and not source.array
    return source


def do_create(ctx):
    def check(record, number):
        if record.get("id") not in (None, 0, ""):
            raise UsageError(f"record {number} has an id: create makes new records; "
                             f"use 'halo {ctx.resource.name} update' to change existing ones")
    return _write(ctx, _record_source(ctx, check), creating=True)


def do_update(ctx):
    args = ctx.args
    target, body = args.target, args.body
    if target is not None and body is None and _looks_like_body(target):
        target, body = None, target   # `update -`, `update @file`, `update '{...}'`
    args.body = body
    record_id = None
    if target is not None:
        from halo_lib.cli.parser import ID_TYPES
        try:
            record_id = ID_TYPES[ctx.resource.id_type](target)
        except ValueError:
            raise UsageError(f"invalid id {target!r} for {ctx.resource.name}") from None

    def check(record, number):
        if record_id is None and record.get("id") in (None, "", 0):
            raise UsageError(f"record {number} has no id: give ID, or an id in every record "
                             "(nothing was sent)")
    source = _record_source(ctx, check)
    if record_id is not None:
        if source.count != 1:
            source.close()
            raise UsageError(f"update ID takes one record, BODY holds {source.count}; "
                             "leave out ID and give each record its id")
        base = source.fields
        source.fields = lambda records: [{**r, "id": record_id} for r in base(records)]
    return _write(ctx, source, creating=False)


def _looks_like_body(text):
    return text == "-" or text.startswith(("@", "{", "[")) or "\n" in text


def _write(ctx, source, creating):
    """POST records in batches; every record ends on stdout (saved) or in the report."""
    from halo_lib.run import bulk
    size = getattr(ctx.args, "batch_size", None) or DEFAULT_BATCH
    try:
        return bulk.write(ctx, source, creating, size)
    finally:
        source.close()


# ---------------------------------------------------------------- other endpoints

def do_call(ctx):
    verb, args = ctx.verb, ctx.args
    path = path_with_id(verb.path, args.id) if verb.ids == "one" else verb.path
    body = None
    if verb.ids == "list":
        body = list(args.ids)
    elif verb.body:
        records = _body_records(ctx, required=verb.body != "optional")
        if records is not None:
            if verb.body == "object":
                if len(records) != 1:
                    raise UsageError(f"{verb.name} takes one object, BODY holds {len(records)}")
                body = records[0]
            else:
                body = records
    request = Request(verb.method, path, ctx.query_params(), body)
    return _send_and_print(ctx, request, binary=verb.binary)


def do_request(ctx):
    args = ctx.args
    path, params = api_path(args.path, ctx.settings.url)
    body = None
    if args.body is not None or args.typed_fields or args.raw_fields:
        body = _request_body(ctx)
    request = Request(args.method, path, params + list(args.param), body)
    if args.paginate:
        if args.method != "GET":
            raise UsageError("--paginate goes with GET")
        return _stream(ctx, request, None, True)
    return _send_and_print(ctx, request, binary=True, stream_arrays=False)


def _request_body(ctx):
    """BODY for `request`: the document as given (NDJSON becomes an array), plus fields."""
    args = ctx.args
    doc = {}
    if args.body is not None:
        data, name = bodies.read_source(args.body, ctx.streams)
        try:
            doc = orjson.loads(data)
        except orjson.JSONDecodeError:
            doc = bodies.parse_records(data, name)   # NDJSON, or the error with its position
    if args.typed_fields or args.raw_fields:
        if isinstance(doc, dict):
            doc = bodies.apply_fields([doc], args.typed_fields, args.raw_fields, {},
                                      ctx.streams)[0]
        elif isinstance(doc, list) and all(isinstance(d, dict) for d in doc):
            doc = bodies.apply_fields(doc, args.typed_fields, args.raw_fields, {}, ctx.streams)
        else:
            raise UsageError("-F/-f need a BODY that is an object or an array of objects")
    return doc


def _send_and_print(ctx, request, binary, stream_arrays=True):
    target = getattr(ctx.args, "output_file", None)
    if ctx.dry_run:
        ctx.show(request)
        return 0
    if binary and not target and ctx.streams.stdout_tty and _expects_file(ctx):
        raise UsageError("this answer is a file: give -O FILE, or redirect stdout")
    downloads.check_target(target)
    response, written = ctx.api.send(request, consume=downloads.consumer(ctx.streams, target))
    if written is not None:
        return written
    if is_json(response):
        try:
            doc = orjson.loads(response.data) if response.data.strip() else None
        except orjson.JSONDecodeError:
            doc = response.data.decode("utf-8", "replace")
        if doc is None:
            return 0
        if isinstance(doc, list) and stream_arrays:
            ctx.output.page(doc)
        else:
            ctx.output.document(doc)
        ctx.output.close()
        return 0
    return downloads.write_bytes(ctx.streams, response.data, target)


def _expects_file(ctx):
    return ctx.verb is not None and ctx.verb.binary


# ---------------------------------------------------------------- dispatch

def _by_ids(ctx):
    from halo_lib.run.many import by_ids
    return by_ids(ctx)


def _report(ctx):
    from halo_lib.run.reports import run_report
    return run_report(ctx)


def _sql(ctx):
    from halo_lib.run.reports import run_sql
    return run_sql(ctx)


HANDLERS = {
    "list": do_list, "get": _by_ids, "me": do_me, "create": do_create, "update": do_update,
    "delete": _by_ids, "call": do_call, "request": do_request, "report": _report,
    "sql": _sql,
}


def run(args, streams):
    kind = args.verb_kind
    if kind == "sandbox":
        from halo_lib.sandbox.server import serve
        return serve(args, _TextOut(streams), streams.stderr)
    if kind == "configure":
        from halo_lib.run.configure import configure
        return configure(args, streams)
    if kind == "listen":
        from halo_lib.run.listen import listen
        return listen(args, streams)
    sandbox = None
    if getattr(args, "sandbox", False):
        from halo_lib.sandbox.server import Sandbox
        sandbox = Sandbox(rate_limit=getattr(args, "rate_limit", None)).start()
    try:
        ctx = Context(args, streams, lambda: _settings(args, streams, sandbox))
        if kind in ("upload", "download"):
            from halo_lib.run.attachments import upload, download
            return (upload if kind == "upload" else download)(ctx)
        return HANDLERS[kind](ctx)
    finally:
        if sandbox:
            sandbox.close()


def _settings(args, streams, sandbox):
    if sandbox:
        settings = config.Settings(
            url=sandbox.url, client_id=sandbox.client_id, client_secret=sandbox.client_secret,
            config_path="(sandbox)", verbose=bool(getattr(args, "verbose", False)),
            max_answer=getattr(args, "max_answer", None),
            timeout=getattr(args, "timeout", None) or 30.0,
            retries=5 if getattr(args, "retries", None) is None else args.retries,
            **config.sandbox_network(args, streams.env))
        return settings
    settings = config.resolve(args, streams.env, streams.err)
    if getattr(args, "dry_run", False):
        config.require(settings, "url")
    else:
        config.require(settings, "url", "client_id", "client_secret")
    return settings


class _TextOut:
    """A text view of the binary stdout, for the sandbox's export lines."""

    def __init__(self, streams):
        self.streams = streams

    def write(self, text):
        self.streams.stdout.write(text.encode())

    def flush(self):
        self.streams.stdout.flush()
