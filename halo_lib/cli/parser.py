"""The command line, compiled from the resource table into argparse.

Only the sub-parser a command line names is built: `halo --help` builds the top level
alone, `halo tickets list ...` builds tickets, then its list verb. The man pages and the
completions call `build_all()` to walk every parser.
"""
import argparse
import os
import re

from halo_lib import __version__
from halo_lib.config import FORMATS
from halo_lib.errors import EXIT_STATUS, Exit, UsageError
from halo_lib.resources import BOOL, DATE, TIME, FLOAT, INT, INTS, RESOURCES, STR, UUID

PROG = "halo"


# Value types. Their __name__ shows in argparse's messages ("invalid int value: 'x'").

def int_(text):
    return int(text, 10)


def ints(text):
    parts = [p.strip() for p in text.split(",")]
    if not parts or not all(re.fullmatch(r"-?\d+", p) for p in parts):
        raise ValueError(text)
    return ",".join(parts)


def date(text):
    """ISO 8601 date or date-time, or a time back from now (90m, 24h, 7d, 2w)."""
    from halo_lib.cli.when import When
    return When(text)


def instant(text):
    """A date flag that names a moment: a plain date is sent as its midnight UTC."""
    from halo_lib.cli.when import When
    return When(text, instant=True)


def number(text):
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def uuid(text):
    if not re.fullmatch(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}", text):
        raise ValueError(text)
    return text


def id_(text):
    if not re.fullmatch(r"\d{1,18}", text):
        raise ValueError(text)
    return int(text)


def name(text):
    """A text id: it goes into the URL path, so it must stay one path segment as sent
    (`.` and `..` would be folded away by URL normalisation)."""
    if not text.strip() or text.strip() in (".", ".."):
        raise ValueError(text)
    return text


def positive(text):
    value = int(text, 10)
    if value < 1:
        raise ValueError(text)
    return value


MAX_SECONDS = 86400.0   # a day: any larger --timeout is a typo


def seconds(text):
    value = float(text)
    if not 0 < value <= MAX_SECONDS:
        raise ValueError(text)
    return value


_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def size(text):
    """Bytes, with an optional K, M or G (KiB, MiB, GiB): 64M, 512K, 1G."""
    match = re.fullmatch(r"\s*(\d{1,12})\s*([kmg]?)(i?b)?\s*", text, re.I)
    if not match:
        raise ValueError(text)
    value = int(match.group(1)) * _UNITS[match.group(2).lower()]
    if not 1024 <= value <= 1 << 40:
        raise ValueError(text)
    return value


def count(text):
    value = int(text, 10)
    if value < 0:
        raise ValueError(text)
    return value


def probability(text):
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise ValueError(text)
    return value


def rate(text):
    from halo_lib.http.ratebudget import parse_rate
    parse_rate(text)   # a ValueError: argparse's one-line usage error
    return text.strip()


def pair(text):
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ValueError(text)
    return key, value


id_.__name__ = "id"
int_.__name__ = "int"
number.__name__ = "number"
name.__name__ = "id"
pair.__name__ = "key=value"
rate.__name__ = "rate (N/PERIOD or off)"
positive.__name__ = "positive integer"
seconds.__name__ = "number of seconds (up to 86400)"
size.__name__ = "size (1K to 1024G)"
count.__name__ = "non-negative integer"
VALUE_TYPES = {INT: int_, STR: str, DATE: date, TIME: instant, INTS: ints, FLOAT: number, UUID: uuid}
ID_TYPES = {INT: id_, UUID: uuid, STR: name}
METAVARS = {INT: "N", STR: "TEXT", DATE: "DATE", TIME: "WHEN", INTS: "N,N", FLOAT: "X", UUID: "UUID"}


class Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter, sized without importing shutil (and bz2, lzma) at start-up."""

    def __init__(self, prog):
        super().__init__(prog, width=_terminal_width() - 2)


def _terminal_width():
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(1).columns or 80
    except OSError:
        return 80


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing and exiting, so main() keeps control."""

    out = None       # a callable taking text; set by build() for help and version output
    deepest = None   # the last sub-parser the command line reached

    def __init__(self, *args, **kwargs):
        # No abbreviated flags: a script's `--client` must not change meaning when a
        # later release adds another flag starting with it.
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message):
        choice = re.match(r"argument (COMMAND|VERB): invalid choice: '([^']*)'", message)
        if choice:
            message = _unknown(choice.group(1).lower(), choice.group(2), self._choices())
        # Unknown flags are found by the top parser after the sub-parsers ran: point the
        # user at the help of the command they were typing.
        prog = (Parser.deepest or self).prog if message.startswith("unrecognized") else self.prog
        raise UsageError(f"{message} (see '{prog} --help')")

    def _choices(self):
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                return list(action.choices)
        return []

    def exit(self, status=0, message=None):
        if message:
            raise UsageError(message.strip())
        raise Exit(status)

    def _print_message(self, message, file=None):
        if message and Parser.out:
            Parser.out(message)


def _unknown(kind, word, choices):
    import difflib
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        close = [c for c in choices if c.startswith(word[:2])][:1] if len(word) >= 2 else []
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown {kind} '{word}'{hint}"


class LazySubParsers(argparse._SubParsersAction):
    """Sub-parsers made only when the command line reaches them.

    Until then a command is a name and a help line: `halo --help` lists 35 commands
    without building 35 parsers, let alone their hundreds of flags.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.builders = {}

    def add_lazy(self, name, builder, help, **kwargs):
        self.builders[name] = (builder, kwargs)
        self._choices_actions.append(self._ChoicesPseudoAction(name, (), help))
        self._name_parser_map[name] = None   # a valid choice, not built yet

    def build(self, name):
        if self._name_parser_map.get(name) is None:
            builder, kwargs = self.builders.pop(name)
            parser = self._parser_class(prog=f"{self._prog_prefix} {name}", **kwargs)
            self._name_parser_map[name] = parser
            builder(parser)
        return self._name_parser_map[name]

    def __call__(self, parser, namespace, values, option_string=None):
        if values and values[0] in self._name_parser_map:
            Parser.deepest = self.build(values[0])
        super().__call__(parser, namespace, values, option_string)


# Global options: (flags, keyword arguments). Accepted before the command and after it.
GLOBAL_OPTIONS = (
    (("--profile",), dict(metavar="NAME", help="use this profile of the config file")),
    (("--url",), dict(metavar="URL", help="base URL of the Halo tenant [HALO_URL]")),
    (("--tenant",), dict(metavar="NAME", help="tenant name of a hosted Halo [HALO_TENANT]")),
    (("--client-id",), dict(metavar="ID", help="API application client id [HALO_CLIENT_ID]")),
    (("--scope",), dict(metavar="SCOPE", help="OAuth scope (default: all) [HALO_SCOPE]")),
    (("--timeout",), dict(metavar="SECONDS", type=seconds, help="time allowed each attempt, from connecting to the last byte (default 30)")),
    (("--max-answer",), dict(metavar="SIZE", type=size, help="largest answer read into memory, e.g. 64M (default; downloads have no cap)")),
    (("--retries",), dict(metavar="N", type=count, help="retries of a failed request (default 5)")),
    (("--ca-bundle",), dict(metavar="FILE", help="CA certificates to verify TLS with [HALO_CA_BUNDLE]")),
    (("--proxy",), dict(metavar="URL", help="HTTP proxy for every request (default: from HTTPS_PROXY, HTTP_PROXY, NO_PROXY)")),
    (("--rate",), dict(metavar="N/PERIOD", type=rate, help="request budget per tenant, e.g. 500/3m, or off (default 300/5m) [HALO_RATE]")),
    (("--insecure-http",), dict(action="store_true", help="allow plain http:// to a non-loopback host")),
    (("--dry-run",), dict(action="store_true", help="print the request as JSON, send nothing")),
    (("--sandbox",), dict(action="store_true", help="run against a private in-process sandbox")),
    (("--rate-limit",), dict(metavar="N/PERIOD", type=rate, help="with --sandbox: answer 429 beyond N requests per PERIOD")),
    (("-o", "--output"), dict(choices=FORMATS,
                              help="output format (default ndjson) [HALO_OUTPUT]")),
    (("--fields",), dict(metavar="A,B.C", help="fields to show, in order; dots reach into nested fields")),
    (("--query",), dict(metavar="EXPR", help="JMESPath applied to each record (lists) or the answer; "
                        "with -o json, to the whole array")),
    (("--no-color",), dict(action="store_true", dest="no_color", help="no colour in -o json on a terminal [NO_COLOR]")),
    (("-r", "--raw"), dict(action="store_true", help="print string results without quotes")),
    (("-v", "--verbose"), dict(action="store_true", help="log requests on stderr (secrets redacted)")),
    (("-q", "--quiet"), dict(action="store_true", help="no progress line on stderr")),
)


def _add_globals(parser, top):
    """Global options; after the command too, except where a verb's own flag has the name
    (`halo --client-id APP tickets list --client-id 12`: the app, then the Halo client)."""
    group = parser.add_argument_group("global options")
    for flags, kwargs in GLOBAL_OPTIONS:
        if not top:
            if any(f in parser._option_string_actions for f in flags):
                continue
            kwargs = dict(kwargs, default=argparse.SUPPRESS)
        group.add_argument(*flags, **kwargs)


def _finish(parser):
    """The global options, and a usage line short enough to read: positionals, [OPTIONS]."""
    _add_globals(parser, top=False)
    formatter = parser._get_formatter()
    words = [formatter._format_args(a, a.metavar or a.dest) for a in parser._actions
             if not a.option_strings]
    parser.usage = " ".join([parser.prog, *words, "[OPTIONS]"])


def _describe_exit_status():
    lines = ["exit status:"]
    lines += [f"  {code:<4} {meaning}" for code, meaning in EXIT_STATUS]
    return "\n".join(lines)


def _parser(sub, name, builder, help, description=None):
    return sub.add_lazy(name, builder, help=help, description=description or help,
                        formatter_class=Formatter)


def build(out=None):
    """The top-level parser; sub-parsers are filled in as the command line reaches them."""
    Parser.out, Parser.deepest = out, None
    parser = Parser(
        prog=PROG, formatter_class=Formatter,
        description="A shell-native client for the HaloPSA REST API: records in and out "
                    "as JSON lines.",
        usage="halo [GLOBAL] RESOURCE VERB [ARGS] [OPTIONS]\n"
              "       halo [GLOBAL] request METHOD PATH [BODY] [OPTIONS]\n"
              "       halo [GLOBAL] sql QUERY|-|@FILE [OPTIONS]\n"
              "       halo [GLOBAL] configure [--test]\n"
              "       halo sandbox [--port N] [--records N]",
        epilog=_describe_exit_status() + "\n\nSee 'halo RESOURCE --help' and man halo(1).")
    parser.add_argument("--version", action="version", version=f"halo {__version__}")
    _add_globals(parser, top=True)
    sub = parser.add_subparsers(action=LazySubParsers, dest="command", metavar="COMMAND",
                                required=True, title="commands", prog=PROG)
    for resource in RESOURCES:
        _parser(sub, resource.name, _resource_builder(resource), resource.summary)
    _parser(sub, "request", _build_request, "send any request to the API",
            "Send one request to any endpoint under /api and print the answer.")
    _parser(sub, "sql", _build_sql, "run an SQL query as a report, rows as NDJSON",
            "Run an ad-hoc SQL query through Halo's reporting (POST /Report with "
            "_loadreportonly; nothing is saved) and write each row as one JSON line. One "
            "request instead of many pages: the cheap way to read a lot under the rate "
            "limit. The API application needs reporting permission in Halo.")
    _parser(sub, "configure", _build_configure, "write a profile to the config file",
            "Write the [default] or [profile NAME] section of the config file from the "
            "global flags and the environment, prompting on a terminal for what is missing.")
    _parser(sub, "sandbox", _build_sandbox, "serve a local Halo-compatible API",
            "Serve a Halo-compatible API with generated records on 127.0.0.1 until "
            "interrupted, after printing the environment lines that point halo at it. "
            "It applies every filter the resources declare, keeps names in step with ids, "
            "runs report SQL over its tickets, keeps any other group path as an in-memory "
            "collection, and POSTs ticket and action events to webhooks on loopback.")
    return parser


def build_all(out=None):
    """Every parser built, for the documentation generators."""
    parser = build(out)
    for action in _subparser_actions(parser):
        for name in list(action.builders):
            for inner in _subparser_actions(action.build(name)):
                for verb in list(inner.builders):
                    inner.build(verb)
    return parser


def _subparser_actions(parser):
    return [a for a in parser._actions if isinstance(a, LazySubParsers)]


def _resource_builder(resource):
    def fill(parser):
        parser.set_defaults(resource=resource.name)
        sub = parser.add_subparsers(action=LazySubParsers, dest="verb", metavar="VERB",
                                    required=True, title="verbs",
                                    prog=f"{PROG} {resource.name}")
        for verb in resource.verbs():
            sub.add_lazy(verb.name, _verb_builder(resource, verb), help=verb.help,
                         description=f"halo {resource.name} {verb.name}: {verb.help}.",
                         formatter_class=Formatter)
    return fill


def _typed(group, opt, dest_prefix):
    flag = "--" + opt.flag
    dest = dest_prefix + opt.name
    where = "query" if dest_prefix == "q." else "field"
    help = f"{opt.help} [{where} {opt.name}]"
    if opt.type == BOOL:
        group.add_argument(flag, dest=dest, action="store_true", help=help)
    else:
        group.add_argument(flag, dest=dest, type=VALUE_TYPES[opt.type],
                           metavar=METAVARS[opt.type], help=help)


def _verb_builder(resource, verb):
    def fill(parser):
        parser.set_defaults(verb_kind=verb.kind)
        id_type = ID_TYPES[resource.id_type]
        if verb.kind == "upload":
            parser.add_argument("file", metavar="FILE", help="the file to upload")
        if verb.ids == "one":
            parser.add_argument("id", metavar="ID", type=id_type, help="id of the record")
        elif verb.ids == "many":
            parser.add_argument("ids", metavar="ID", nargs="+", type=_or_stdin(id_type),
                                help="ids of the records; '-' reads ids from stdin, one a "
                                     "line or NDJSON records with an id")
        elif verb.ids == "list":
            parser.add_argument("ids", metavar="ID", nargs="+", type=id_,
                                help="ids sent as a JSON array")
        elif verb.ids == "optional":
            parser.add_argument("target", metavar="ID", nargs="?",
                                help="id of the record (omit when BODY records carry ids)")
        if verb.body:
            parser.add_argument("body", metavar="BODY", nargs="?",
                                help="'-' for stdin, @FILE, or JSON text: an object, an "
                                     "array, or NDJSON")
        if verb.filters:
            group = parser.add_argument_group("filters" if verb.kind == "list" else "query")
            for opt in verb.filters:
                _typed(group, opt, "q.")
        if verb.fields:
            group = parser.add_argument_group("fields")
            for opt in verb.fields:
                _typed(group, opt, "b.")
        _add_verb_options(parser, verb)
        _finish(parser)
    return fill


def _add_verb_options(parser, verb):
    group = parser.add_argument_group("options")
    if verb.kind == "list":
        group.add_argument("--limit", type=positive, metavar="N",
                           help="stop after N records")
        group.add_argument("--page-size", type=positive, metavar="N",
                           help="records per page (default 100)")
        group.add_argument("--concurrency", type=positive, metavar="N",
                           help="pages fetched ahead at once (default 4)")
    if verb.checkpoints:
        group.add_argument("--checkpoint", metavar="FILE",
                           help="list what changed since the last successful run, then "
                                "save this run's start time (less 5 minutes) in FILE")
    if verb.body or verb.kind == "upload":
        _add_field_setters(group)
    if verb.custom_fields:
        group.add_argument("--cf", type=pair, action="append", metavar="NAME=VALUE",
                           dest="b.customfields",
                           help="set a custom field, sent in customfields (repeatable)")
    if verb.kind in ("create", "update"):
        group.add_argument("--batch-size", type=positive, metavar="N",
                           help="records per request (default 50)")
        group.add_argument("--failed", metavar="FILE",
                           help="write refused records here, as NDJSON to feed back in")
    if verb.binary:
        group.add_argument("-O", "--output-file", metavar="FILE", dest="output_file",
                           help="write a file answer here (stdout only when not a terminal)")
    if verb.kind == "listen":
        _add_listen_options(group)
        return
    group.add_argument("--param", type=pair, action="append", metavar="KEY=VALUE",
                       default=[], help="add any query parameter (repeatable)")


def _add_listen_options(group):
    group.add_argument("--port", type=int, default=0, metavar="N",
                       help="port to listen on (default: a free one, named on stderr)")
    group.add_argument("--host", default="127.0.0.1", metavar="HOST",
                       help="address to listen on (default 127.0.0.1)")
    group.add_argument("--basic-auth", metavar="USER:PASS",
                       help="accept only deliveries with this basic authentication")
    group.add_argument("--count", type=positive, metavar="N",
                       help="exit after N deliveries")


def _add_field_setters(group):
    group.add_argument("-F", "--field", type=pair, action="append", metavar="KEY=VALUE",
                       dest="typed_fields", default=[],
                       help="set a field: numbers, true/false/null converted, @FILE read; "
                            "KEY:=JSON sets a JSON value, a.b=1 a nested field")
    group.add_argument("-f", "--raw-field", type=pair, action="append",
                       metavar="KEY=VALUE", dest="raw_fields", default=[],
                       help="set a field to a string, as given")


def _build_request(parser):
    parser.set_defaults(verb_kind="request")
    parser.add_argument("method", metavar="METHOD", type=str.upper,
                        choices=("GET", "POST", "PUT", "PATCH", "DELETE"),
                        help="GET, POST, PUT, PATCH or DELETE")
    parser.add_argument("path", metavar="PATH", help="path under /api, e.g. /Tickets/123")
    parser.add_argument("body", metavar="BODY", nargs="?",
                        help="'-' for stdin, @FILE, or JSON text")
    group = parser.add_argument_group("options")
    group.add_argument("--paginate", action="store_true",
                       help="stream every page of a list as NDJSON")
    group.add_argument("--page-size", type=positive, metavar="N",
                       help="records per page with --paginate (default 100)")
    group.add_argument("--limit", type=positive, metavar="N",
                       help="stop after N records with --paginate")
    group.add_argument("--concurrency", type=positive, metavar="N",
                       help="pages fetched ahead at once with --paginate (default 4)")
    group.add_argument("-O", "--output-file", metavar="FILE", dest="output_file",
                       help="write a file answer here")
    _add_field_setters(group)
    group.add_argument("--param", type=pair, action="append", metavar="KEY=VALUE",
                       default=[], help="add a query parameter (repeatable)")
    _finish(parser)


def _build_sql(parser):
    parser.set_defaults(verb_kind="sql")
    parser.add_argument("sql", metavar="QUERY",
                        help="the SQL text, '-' to read it from stdin, or @FILE")
    _finish(parser)


def _build_configure(parser):
    parser.set_defaults(verb_kind="configure")
    parser.add_argument("--test", action="store_true",
                        help="fetch a token with the saved settings and report the result")
    _finish(parser)


def _build_sandbox(parser):
    parser.set_defaults(verb_kind="sandbox")
    parser.add_argument("--port", type=int, default=0, metavar="N",
                        help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--records", type=positive, default=1000, metavar="N",
                        help="number of tickets (default 1000)")
    parser.add_argument("--seed", type=int, default=1, metavar="N",
                        help="seed of the generated data (default 1)")
    parser.add_argument("--latency", type=int, default=0, metavar="MS",
                        help="delay every API answer by MS milliseconds")
    parser.add_argument("--fail-rate", type=probability, default=0.0, metavar="P",
                        help="answer a fraction P of API requests with 429 or 503")
    parser.add_argument("--rate-limit", type=rate, metavar="N/PERIOD", default=argparse.SUPPRESS,
                        help="answer 429 beyond N requests in any rolling PERIOD, e.g. 30/3s")


def _or_stdin(id_type):
    """An id, or '-' for ids read from stdin."""
    def convert(text):
        return text if text == "-" else id_type(text)
    convert.__name__ = id_type.__name__
    return convert


def parse(argv, out):
    """argv -> argparse namespace; raises UsageError or Exit."""
    parser = build(out)
    args = parser.parse_args(argv)
    _check_text(args, parser)
    return args


# Values that name local files: any bytes the file system allows are fine there.
PATH_DESTS = {"output_file", "failed", "ca_bundle", "file"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_text(args, parser):
    """Every flag value is valid UTF-8 (Python decodes argv with surrogateescape)."""
    for dest, value in vars(args).items():
        if dest in PATH_DESTS:
            continue
        for text in _strings(value):
            if dest == "body" and text.startswith("@"):
                continue
            if _SURROGATE.search(text):
                raise UsageError(f"{_flag_of(dest, parser)}: invalid UTF-8 in "
                                 f"'{_shown(text)}'; nothing was sent")


def _shown(text):
    """The text with its undecodable bytes as \\xNN (and control characters escaped)."""
    from halo_lib.errors import printable
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")
    return printable(raw.decode("utf-8", "backslashreplace"))[:200]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _flag_of(dest, parser):
    for candidate in (Parser.deepest, parser):
        for action in getattr(candidate, "_actions", ()):
            if action.dest == dest:
                return action.option_strings[0] if action.option_strings else \
                    (action.metavar or dest)
    return dest
