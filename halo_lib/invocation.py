"""One command line, typed: what the CLI layer hands to planning and execution.

Built once, by halo_lib.cli, from the parsed arguments; nothing changes it afterwards.
Everything downstream reads these attributes and never the argparse namespace, so a
test can build an Invocation by hand and run it without a command line.
"""
from dataclasses import dataclass, field
from typing import Any, Optional, Tuple


@dataclass(frozen=True)
class Connection:
    """Where and how to reach Halo: flags only (the environment and the profile file
    are read when the settings are resolved)."""
    profile: Optional[str] = None
    url: Optional[str] = None
    tenant: Optional[str] = None
    client_id: Optional[str] = None
    scope: Optional[str] = None
    timeout: Optional[float] = None
    max_answer: Optional[int] = None        # bytes
    retries: Optional[int] = None
    ca_bundle: Optional[str] = None
    proxy: Optional[str] = None
    rate: Optional[str] = None              # N/PERIOD or off, checked by the parser
    insecure_http: bool = False
    verbose: bool = False
    sandbox: bool = False
    rate_limit: Optional[str] = None        # with --sandbox: the sandbox's own limit


@dataclass(frozen=True)
class Paging:
    limit: Optional[int] = None
    page_size: Optional[int] = None
    concurrency: Optional[int] = None


@dataclass(frozen=True)
class Presentation:
    """How records are written: the format (None: HALO_OUTPUT, the profile, else ndjson),
    the fields, the JMESPath query, raw strings, colour and progress."""
    format: Optional[str] = None
    fields: Optional[str] = None
    query: Optional[str] = None
    raw: bool = False
    no_color: bool = False
    quiet: bool = False


@dataclass(frozen=True)
class Writing:
    """Input records: BODY, -F/-f pairs, batches and where refused records go."""
    body: Optional[str] = None              # '-', '@FILE' or JSON text, as given
    typed_fields: Tuple[Tuple[str, str], ...] = ()
    raw_fields: Tuple[Tuple[str, str], ...] = ()
    custom_fields: Tuple[Tuple[str, str], ...] = ()   # --cf NAME=VALUE
    batch_size: Optional[int] = None
    failed: Optional[str] = None

    @property
    def has_pairs(self):
        return bool(self.typed_fields or self.raw_fields or self.custom_fields)


@dataclass(frozen=True)
class Invocation:
    """kind: the verb kind class (halo_lib.run.kinds) that plans this command.

    filters and fields are (Opt, value) pairs of the resource table's typed options, in
    the table's order; params are the --param pairs; ids are already typed.
    """
    kind: Any
    resource: Any = None                    # halo_lib.resources.Resource
    verb: Any = None                        # halo_lib.resources.Verb
    ids: Tuple[Any, ...] = ()               # typed; '-' stands for ids read from stdin
    target: Optional[str] = None            # update's optional ID, as typed
    file: Optional[str] = None              # upload's FILE
    method: Optional[str] = None            # request's METHOD
    path: Optional[str] = None              # request's PATH
    paginate: bool = False
    sql: Optional[str] = None               # sql's QUERY: the text, '-' or @FILE
    checkpoint: Optional[str] = None        # list --checkpoint FILE
    filters: Tuple[Tuple[Any, Any], ...] = ()
    fields: Tuple[Tuple[Any, Any], ...] = ()
    params: Tuple[Tuple[str, str], ...] = ()
    output_file: Optional[str] = None       # -O FILE
    dry_run: bool = False
    writing: Writing = field(default_factory=Writing)
    paging: Paging = field(default_factory=Paging)
    presentation: Presentation = field(default_factory=Presentation)
    connection: Connection = field(default_factory=Connection)
    local: Any = None                       # a local command's own options (configure, sandbox)

    @property
    def id(self):
        return self.ids[0] if self.ids else None

    @property
    def command(self):
        """The command's words, for messages: 'tickets update', 'request'."""
        if self.resource is not None:
            return f"{self.resource.name} {self.verb.name}"
        return self.kind.name


@dataclass(frozen=True)
class ConfigureOptions:
    test: bool = False


@dataclass(frozen=True)
class SandboxOptions:
    port: int = 0
    records: int = 1000
    seed: int = 1
    latency: int = 0
    fail_rate: float = 0.0
    rate_limit: Optional[str] = None


@dataclass(frozen=True)
class ListenOptions:
    host: str = "127.0.0.1"
    port: int = 0
    basic_auth: Optional[str] = None
    count: Optional[int] = None
