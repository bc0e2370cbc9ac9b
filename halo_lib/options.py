"""The model of halo's command line: every option and argument with its facts.

Like httpie's ParserSpec: an option knows its flags, the kind of its value, how a shell
completes it, the environment variable that sets it too and the Halo query parameter or
body field it fills. The argparse parser (halo_lib.cli), the help, the man pages and the
completions (halo_lib.docs) all read these facts; none of them reads another's output.

Standard library only: `halo --help` imports it.
"""

from halo_lib.config import FORMATS

# Where `halo webhooks listen` finds the password, token or key it checks (not a flag).
WEBHOOK_SECRET_ENV = "HALO_WEBHOOK_SECRET"

# The most pages a list fetches ahead when halo chooses (halo_lib.http.paging adapts up
# to it); --concurrency N fixes the number instead.
ADAPTIVE_CONCURRENCY = 8
CONCURRENCY_HELP = (f"pages fetched ahead at once (default: chosen from what the list "
                    f"observes, 1 up to {ADAPTIVE_CONCURRENCY})")

# How a value completes in a shell; FIELDS: the default field names of the resource.
# NAMES: names of the referenced resource (Option.ref) from the lookup cache.
FILES, PROFILES, CHOICES, AT_FIELD, AT_BODY, FIELDS, NAMES, NOTHING = (
    "files", "profiles", "choices", "at-field", "at-body", "fields", "names", "none")
# Completed from halo's catalogue of Halo's API: request's PATH, and --param NAME= (the
# query parameters of the operation on the line).
API_PATHS, API_PARAMS = "api-paths", "api-params"


class Option:
    """One flag (flags given) or positional argument (no flags).

    value: the name of the value's kind (a key of halo_lib.values.CONVERTERS), or
    None for a switch (a flag that takes no value).
    """

    __slots__ = ("flags", "dest", "value", "metavar", "help", "choices", "nargs", "repeat",
                 "env", "halo", "complete", "default", "dash", "ref")

    def __init__(self, flags, dest, help, value="str", metavar=None, choices=None, nargs=None,
                 repeat=False, env=None, halo=None, complete=NOTHING, default=None,
                 dash=False, ref=None):
        self.flags = tuple(flags)
        self.dest = dest
        self.help = help
        self.value = value
        self.metavar = metavar
        self.choices = tuple(choices) if choices else None
        self.nargs = nargs             # positionals: None (one), "?" or "+"
        self.repeat = repeat           # a flag given many times collects its values
        self.env = env                 # e.g. "HALO_URL"
        self.halo = halo               # ("query" | "field", Halo's name) of a typed option
        self.complete = CHOICES if choices and complete == NOTHING else complete
        self.default = default
        self.dash = dash               # '-' stands for values read from stdin
        self.ref = ref                 # the resource whose id it holds: a name works too

    @property
    def positional(self):
        return not self.flags

    @property
    def takes_value(self):
        return self.value is not None

    @property
    def value_name(self):
        if self.metavar:
            return self.metavar
        if self.choices:
            return "|".join(self.choices)
        return self.dest.upper()

    @property
    def help_line(self):
        """The help as --help prints it: the text, then the Halo name or the variable."""
        if self.halo:
            named = f"; id or name of {self.ref}" if self.ref else ""
            return f"{self.help} [{self.halo[0]} {self.halo[1]}{named}]"
        if self.env:
            return f"{self.help} [{self.env}]"
        return self.help


def switch(flags, dest, help, **facts):
    return Option(flags, dest, help, value=None, **facts)


class Group:
    __slots__ = ("title", "options")

    def __init__(self, title, options):
        self.title = title
        self.options = list(options)


class Command:
    """A command: its positional arguments, groups of options, and sub-commands.

    children: [(name, help, build)], build() -> Command, called only when needed, so
    that `halo --help` builds no command but the top one. kind: the verb kind class of
    a command that runs (None for a resource, which only holds verbs).

    more: None, or a function returning this command with the flags of every query
    parameter Halo documents for it (halo_lib.catalogue.flags), called only when the
    command line needs them. documented: those flags' Opts, in a command that has them.
    """

    def __init__(self, words, help, description=None, usage=None, positionals=(), groups=(),
                 children=(), child_title=None, kind=None, resource=None, verb=None,
                 globals_after=True, epilog=None):
        self.words = tuple(words)
        self.help = help
        self.description = description or help
        self.usage = usage
        self.positionals = list(positionals)
        self.groups = list(groups)
        self.children = list(children)
        self.child_title = child_title     # "COMMAND" or "VERB"
        self.kind = kind
        self.resource = resource
        self.verb = verb
        self.globals_after = globals_after
        self.epilog = epilog
        self.more = None
        self.documented = ()

    @property
    def name(self):
        return self.words[-1] if self.words else "halo"

    @property
    def prog(self):
        return " ".join(("halo",) + self.words)

    def options(self):
        return [o for g in self.groups for o in g.options]


# ------------------------------------------------------------------ global options

GLOBAL_TITLE = "global options"

GLOBAL_OPTIONS = (
    Option(("--profile",), "profile", "use this profile of the config file", metavar="NAME",
           complete=PROFILES),
    Option(("--url",), "url", "base URL of the Halo tenant, with its scheme (https://...)",
           metavar="URL", env="HALO_URL"),
    Option(("--tenant",), "tenant", "tenant name of a hosted Halo", metavar="NAME",
           env="HALO_TENANT"),
    Option(("--client-id",), "client_id", "API application client id", metavar="ID",
           env="HALO_CLIENT_ID"),
    Option(("--scope",), "scope", "OAuth scope (default: all)", metavar="SCOPE",
           env="HALO_SCOPE"),
    Option(("--timeout",), "timeout",
           "time allowed each attempt, from connecting to the last byte (default 30)",
           value="seconds", metavar="SECONDS"),
    Option(("--max-answer",), "max_answer",
           "largest answer read into memory, e.g. 64M (default; downloads have no cap)",
           value="size", metavar="SIZE"),
    Option(("--retries",), "retries", "retries of a failed request (default 5)",
           value="count", metavar="N"),
    Option(("--ca-bundle",), "ca_bundle", "CA certificates to verify TLS with",
           metavar="FILE", env="HALO_CA_BUNDLE", complete=FILES),
    Option(("--proxy",), "proxy",
           "HTTP proxy for every request (default: from HTTPS_PROXY, HTTP_PROXY, NO_PROXY)",
           metavar="URL"),
    Option(("--rate",), "rate", "request budget per tenant, e.g. 500/3m, or off (default "
           "300/5m)", value="rate", metavar="N/PERIOD", env="HALO_RATE"),
    switch(("--insecure-http",), "insecure_http", "allow plain http:// to a non-loopback host"),
    switch(("--dry-run",), "dry_run", "print the requests as JSON, send nothing (a file to "
           "upload shows as its name, size and SHA-256)"),
    switch(("--unchecked",), "unchecked", "send query parameters and body fields that Halo's "
           "API document does not name (a tenant newer than halo's catalogue)"),
    switch(("--sandbox",), "sandbox", "run against a private in-process sandbox"),
    Option(("--rate-limit",), "rate_limit",
           "with --sandbox: answer 429 beyond N requests per PERIOD", value="rate",
           metavar="N/PERIOD"),
    Option(("-o", "--output"), "output", "output format (default ndjson)", choices=FORMATS,
           env="HALO_OUTPUT"),
    Option(("--fields",), "fields", "fields to show, in order; dots reach into nested fields",
           metavar="A,B.C", complete=FIELDS),
    switch(("--labels",), "labels", "add a name beside each id Halo sent without one "
           "(status_name beside status_id...; default with -o table, csv, tsv)"),
    switch(("--no-labels",), "no_labels", "no names added beside ids, also in -o table, "
           "csv, tsv"),
    Option(("--query",), "query", "JMESPath applied to each record (lists) or the answer; "
           "with -o json, to the whole array", metavar="EXPR"),
    switch(("--no-color",), "no_color", "no colour in -o json on a terminal", env="NO_COLOR"),
    switch(("-r", "--raw"), "raw", "print string results without quotes"),
    switch(("-v", "--verbose"), "verbose", "log requests on stderr (secrets redacted)"),
    switch(("-q", "--quiet"), "quiet", "no progress line on stderr"),
)


# ------------------------------------------------------------------ options verbs share

def paging_options(with_paginate=False):
    """--limit, --page-size, --concurrency (and request's --paginate before them)."""
    suffix = " with --paginate" if with_paginate else ""
    options = [switch(("--paginate",), "paginate", "stream every page of a list as NDJSON")] \
        if with_paginate else []
    if with_paginate:
        return options + [
            Option(("--page-size",), "page_size", f"records per page{suffix} (default 100)",
                   value="positive", metavar="N"),
            Option(("--limit",), "limit", f"stop after N records{suffix}", value="positive",
                   metavar="N"),
            Option(("--concurrency",), "concurrency",
                   CONCURRENCY_HELP.replace(" (", f"{suffix} (", 1), value="positive",
                   metavar="N")]
    return [
        Option(("--limit",), "limit", "stop after N records", value="positive", metavar="N"),
        Option(("--page-size",), "page_size", "records per page (default 100)",
               value="positive", metavar="N"),
        Option(("--concurrency",), "concurrency", CONCURRENCY_HELP, value="positive",
               metavar="N")]


def field_setters():
    return [
        Option(("-F", "--field"), "typed_fields",
               "set a field: numbers, true/false/null converted, @FILE read; KEY:=JSON sets "
               "a JSON value, a.b=1 a nested field", value="pair",
               metavar="KEY=VALUE", repeat=True, complete=AT_FIELD),
        Option(("-f", "--raw-field"), "raw_fields", "set a field to a string, as given",
               value="pair", metavar="KEY=VALUE", repeat=True)]


def batch_options():
    return [
        Option(("--batch-size",), "batch_size", "records per request (default 50)",
               value="positive", metavar="N"),
        Option(("--failed",), "failed", "write refused records here, as NDJSON to feed back in",
               metavar="FILE", complete=FILES)]


def checkpoint_option():
    return Option(("--checkpoint",), "checkpoint",
                  "list what changed since the last successful run, then save this run's "
                  "start time by Halo's clock (less 5 minutes) in FILE", value="file",
                  metavar="FILE", complete=FILES)


def append_to_option():
    return Option(("--append-to",), "append_to",
                  "append the records to FILE with the --checkpoint save, only when the run "
                  "succeeds (a killed run adds nothing)", value="file",
                  metavar="FILE", complete=FILES)


def custom_field_option():
    return Option(("--cf",), "custom_fields",
                  "set a custom field, sent in customfields (repeatable)", value="pair",
                  metavar="NAME=VALUE", repeat=True)


def output_file_option(help="write a file answer here (stdout only when not a terminal)"):
    return Option(("-O", "--output-file"), "output_file", help, metavar="FILE", complete=FILES)


def param_option(help="add any query parameter (repeatable)"):
    return Option(("--param",), "param", help, value="pair", metavar="KEY=VALUE", repeat=True,
                  complete=API_PARAMS)


BODY_HELP = "'-' for stdin, @FILE, or JSON text: an object, an array, or NDJSON"


def body_positional(help=BODY_HELP):
    return Option((), "body", help, metavar="BODY", nargs="?", complete=AT_BODY)


# The value kinds of the resource table (halo_lib.resources) as parser values and metavars.
TABLE_VALUES = {"int": "int", "str": "str", "date": "date", "time": "instant", "ints": "ints",
                "float": "number", "uuid": "uuid"}
TABLE_METAVARS = {"int": "N", "str": "TEXT", "date": "DATE", "time": "WHEN", "ints": "N,N",
                  "float": "X", "uuid": "UUID"}
ID_VALUES = {"int": "id", "uuid": "uuid", "str": "name"}


# A typed flag that holds another resource's id takes the record's name as well.
REF_VALUES = {"int": "ref", "ints": "refs"}
REF_METAVARS = {"int": "ID|NAME", "ints": "ID|NAME,..."}


def typed_option(opt, where):
    """A typed flag of the table (a filter or a field) as an Option. Its reference (the
    resource whose id it holds, derived by Opt from its Halo name unless given) makes
    every typed flag of an id-valued name take names without saying so."""
    dest = f"{where}:{opt.name}"
    if opt.type == "bool":
        return switch(("--" + opt.flag,), dest, opt.help, halo=(where, opt.name))
    choices = getattr(opt, "choices", None)
    ref = opt.ref
    if ref and not choices:
        from halo_lib.resources import BY_NAME
        metavar = REF_METAVARS[opt.type]
        if BY_NAME[ref].me:    # `me`: the caller's own record
            metavar = metavar.replace("NAME", "NAME|me")
        return Option(("--" + opt.flag,), dest, opt.help, value=REF_VALUES[opt.type],
                      metavar=metavar, halo=(where, opt.name), complete=NAMES, ref=ref)
    return Option(("--" + opt.flag,), dest, opt.help, value=TABLE_VALUES[opt.type],
                  metavar=None if choices else TABLE_METAVARS[opt.type],
                  choices=choices, halo=(where, opt.name))
