"""One command line, typed: what the CLI layer hands to planning and execution.

Built once, by halo_lib.cli, from the parsed arguments; nothing changes it afterwards.
Everything downstream reads these attributes and never the argparse namespace, so a
test can build an Invocation by hand and run it without a command line.
"""


def record(cls):
    """A frozen record built from keyword arguments over the class's annotated defaults.

    dataclasses would do, but importing it (with inspect and typing) and generating its
    methods costs about 10 ms on every command; this costs nothing measurable. A default
    that is itself a record class stands for a fresh instance of it.
    """
    names = tuple(cls.__annotations__)
    required = [n for n in names if not hasattr(cls, n)]

    def __init__(self, **values):
        unknown = set(values).difference(names)
        missing = [n for n in required if n not in values]
        if unknown or missing:
            raise TypeError(f"{cls.__name__}: unknown {sorted(unknown)}, missing {missing}")
        for name in names:
            value = values[name] if name in values else getattr(cls, name)
            if name not in values and getattr(value, "is_record", False):
                value = value()
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"{cls.__name__} is frozen")

    def __eq__(self, other):
        return type(other) is type(self) and all(
            getattr(self, n) == getattr(other, n) for n in names)

    def __repr__(self):
        return f"{cls.__name__}(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in names) + ")"

    cls.__init__, cls.__setattr__, cls.__eq__, cls.__repr__ = (
        __init__, __setattr__, __eq__, __repr__)
    cls.__hash__ = None
    cls.is_record = True
    return cls


@record
class Connection:
    """Where and how to reach Halo: flags only (the environment and the profile file
    are read when the settings are resolved)."""
    profile: str | None = None
    url: str | None = None
    tenant: str | None = None
    client_id: str | None = None
    scope: str | None = None
    timeout: float | None = None
    max_answer: int | None = None        # bytes
    retries: int | None = None
    ca_bundle: str | None = None
    proxy: str | None = None
    rate: str | None = None              # N/PERIOD or off, checked by the parser
    insecure_http: bool = False
    verbose: bool = False
    sandbox: bool = False
    rate_limit: str | None = None        # with --sandbox: the sandbox's own limit


@record
class Paging:
    limit: int | None = None
    page_size: int | None = None
    concurrency: int | None = None


@record
class Presentation:
    """How records are written: the format (None: HALO_OUTPUT, the profile, else ndjson),
    the fields, the JMESPath query, raw strings, colour and progress."""
    format: str | None = None
    fields: str | None = None
    query: str | None = None
    raw: bool = False
    no_color: bool = False
    quiet: bool = False
    labels: bool = False                 # --labels: names beside ids, in every format
    no_labels: bool = False              # --no-labels: none, not even in -o table/csv/tsv


@record
class Writing:
    """Input records: BODY, -F/-f pairs, batches and where refused records go."""
    body: str | None = None              # '-', '@FILE' or JSON text, as given
    typed_fields: tuple = ()
    raw_fields: tuple = ()
    custom_fields: tuple = ()   # --cf NAME=VALUE
    batch_size: int | None = None
    failed: str | None = None

    @property
    def has_pairs(self):
        return bool(self.typed_fields or self.raw_fields or self.custom_fields)


@record
class Invocation:
    """kind: the verb kind class (halo_lib.run.kinds) that plans this command.

    filters and fields are (Opt, value) pairs of the resource table's typed options, in
    the table's order; params are the --param pairs; ids are already typed.
    """
    kind: object
    resource: object = None                    # halo_lib.resources.Resource
    verb: object = None                        # halo_lib.resources.Verb
    ids: tuple = ()               # typed; '-' stands for ids read from stdin
    target: str | None = None            # update's optional ID, as typed
    file: str | None = None              # upload's FILE
    method: str | None = None            # request's METHOD
    path: str | None = None              # request's PATH
    paginate: bool = False
    sql: str | None = None               # sql's QUERY: the text, '-' or @FILE
    checkpoint: str | None = None        # list --checkpoint FILE
    append_to: str | None = None         # list --append-to FILE (with --checkpoint)
    filters: tuple = ()
    fields: tuple = ()
    params: tuple = ()
    output_file: str | None = None       # -O FILE
    dry_run: bool = False
    unchecked: bool = False              # send names the catalogue does not document
    writing: Writing = Writing
    paging: Paging = Paging
    presentation: Presentation = Presentation
    connection: Connection = Connection
    local: object = None                       # a local command's own options (configure, sandbox)

    @property
    def id(self):
        return self.ids[0] if self.ids else None

    @property
    def command(self):
        """The command's words, for messages: 'tickets update', 'request'."""
        if self.resource is not None:
            return f"{self.resource.name} {self.verb.name}"
        return self.kind.name


@record
class ApiOptions:
    action: str = "list"
    words: tuple = ()


@record
class ConfigureOptions:
    test: bool = False


@record
class SandboxOptions:
    port: int = 0
    records: int = 1000
    seed: int = 1
    latency: int = 0
    fail_rate: float = 0.0
    rate_limit: str | None = None


@record
class ListenOptions:
    host: str = "127.0.0.1"
    port: int = 0
    basic_auth: str | None = None      # USER (the password comes from elsewhere) or @FILE
    bearer: bool = False
    api_key_header: str | None = None
    secret: str | None = None          # @FILE; anything else is refused
    count: int | None = None
    deadline: float | None = None      # None: the default, halo_lib.run.listen.DEADLINE
