"""halo's man pages, generated from the parser and the resource table: roff escaping, a
man(7) page writer (Page), the examples (each parsed by the real parser), and the top page
halo(1), one page per resource and one per other command. `man_pages(top)` returns them;
`python -m halo_lib.docs` writes them to man/.
"""
import argparse
import re
import shlex

from halo_lib import __version__
from halo_lib import config
from halo_lib.errors import EXIT_STATUS
from halo_lib.docs.parsers import (GENERATED, GLOBAL_GROUP, global_flags, groups, help_text, options,
                      other_commands, positionals, resource_verbs, subcommands, takes_value,
                      value_name)
from halo_lib.resources import BOOL, BY_NAME, DATE, FLOAT, TIME, INT, INTS, STR, UUID

# The date in each page's .TH line. A constant, so that regenerating never changes a page;
# move it forward when a release changes the manual.
MANUAL_DATE = "2026-11-29"
MANUAL = "Halo Manual"

TYPED_GROUPS = ("filters", "query", "fields")
_HALO_NAME = re.compile(r"\s*\[(query|field) ([^\]]+)\]$")
_ENV_NAME = re.compile(r"\s*\[(HALO_[A-Z_]+)\]$")


# ---------------------------------------------------------------------------------------
# roff

def roff(text):
    """Prose for a roff text line: backslashes escaped, and the hyphens of flag-like words
    (--client-id, '-') made minus signs, never hyphenated, so that they can be copied from
    the terminal."""
    text = text.replace("\\", "\\e")
    return re.sub(r"(?<![\w-])-[\w-]*",
                  lambda m: "\\%" + m.group(0).replace("-", "\\-"), text)


def code(text):
    """A literal word (flag, command, path): every hyphen and quote kept as typed."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return text.replace("'", "\\(aq").replace("`", "\\(ga").replace("^", "\\(ha") \
               .replace("~", "\\(ti")


def bold(text):
    """A literal word in bold; \\% keeps groff from hyphenating it."""
    return f"\\fB\\%{code(text)}\\fR"


def italic(text):
    return f"\\fI\\%{code(text)}\\fR"


def sentence(text):
    return text[:1].upper() + text[1:] if text else text


class Page:
    """A man(7) page being written line by line, free of mandoc lint warnings."""

    def __init__(self, name, summary):
        self.lines = [f'.\\" {GENERATED}',
                      f'.TH {name.upper()} 1 {MANUAL_DATE} "halo {__version__}" "{MANUAL}"']
        self.fresh = False   # right after .SH/.SS, where .PP would be redundant
        self.section("NAME")
        self.text(f"{code(name)} \\- {roff(summary)}")

    def section(self, title):
        self.lines.append(f'.SH "{title}"' if " " in title else f".SH {title}")
        self.fresh = True

    def subsection(self, title):
        self.lines.append(f'.SS "{title}"' if " " in title else f".SS {title}")
        self.fresh = True

    def text(self, *lines):
        for line in lines:
            self.lines.append("\\&" + line if line[:1] in (".", "'") else line)
        self.fresh = False

    def paragraph(self, *lines):
        if not self.fresh:
            self.lines.append(".PP")
        self.text(*lines)

    def macro(self, *requests):
        """Raw roff requests (.br, .BR name (1), ...), written as given."""
        self.lines.extend(requests)
        self.fresh = False

    def item(self, tag, *body):
        self.lines.append(".TP")
        self.text(tag, *body)

    def literal(self, *lines):
        """Lines shown as typed (examples, synopsis, file contents)."""
        if not self.fresh:
            self.lines.append(".PP")
        self.lines += [".RS 4", ".EX"]
        self.lines.extend("\\&" + code(line) if line else "" for line in lines)
        self.lines += [".EE", ".RE"]
        self.fresh = False

    def see_also(self, *pages):
        refs = [f".BR {code(name)} ({section})" for name, section in pages]
        self.lines.extend(ref + " ," for ref in refs[:-1])
        self.lines.append(refs[-1])
        self.fresh = False

    def render(self):
        return "\n".join(self.lines) + "\n"


def option_tag(action):
    """`\\fB\\-o\\fR, \\fB\\-\\-output\\fR \\fIndjson|json\\fR`"""
    tag = ", ".join(bold(flag) for flag in action.option_strings)
    if takes_value(action):
        tag += " " + italic(value_name(action))
    return tag


def option_body(parser, action):
    """The help of action as prose; a trailing [query NAME] or [field NAME] becomes the Halo
    name it sets, and [HALO_X] the environment variable."""
    help = help_text(parser, action)
    halo = _HALO_NAME.search(help)
    if halo:
        where = "query parameter" if halo.group(1) == "query" else "body field"
        return f"{roff(help[:halo.start()])}; sets the Halo {where} {bold(halo.group(2))}."
    env = _ENV_NAME.search(help)
    if env:
        return f"{roff(help[:env.start()])}; environment: {bold(env.group(1))}."
    return roff(help) + "."


def add_options(page, parser, actions):
    for action in actions:
        page.item(option_tag(action), option_body(parser, action))


def add_positionals(page, parser):
    for action in positionals(parser):
        page.item(italic(action.metavar or action.dest), roff(help_text(parser, action)) + ".")


def usage_words(command, parser, with_global=True):
    """`\\fBhalo\\fR [\\fIGLOBAL\\fR] \\fBtickets get\\fR \\fIID\\fR [\\fIOPTIONS\\fR]`"""
    words = [bold("halo")]
    if with_global:
        words.append(f"[{italic('GLOBAL')}]")
    words.append(bold(command))
    for action in positionals(parser):
        name = italic(action.metavar or action.dest)
        words.append({"?": f"[{name}]", "+": f"{name} ...", "*": f"[{name} ...]"}
                     .get(action.nargs, name))
    words.append(f"[{italic('OPTIONS')}]")
    return " ".join(words)


def add_exit_status(page):
    page.section("EXIT STATUS")
    for code_, meaning in EXIT_STATUS:
        page.item(bold(str(code_)), roff(meaning) + ".")


# ---------------------------------------------------------------------------------------
# Examples. Every halo command line in them is parsed by the real parser when the pages are
# generated, so an example that names a flag the parser lacks stops the generator.

_SAMPLE_VALUES = {INT: "12", STR: "example", DATE: "2026-01-31", TIME: "24h", INTS: "1,2", FLOAT: "1.5",
                  UUID: "0f8fad5b-d9cb-469f-a165-70867728950e"}
_SAMPLE_IDS = {INT: ("123", "124"), STR: ("123", "124"),
               UUID: ("0f8fad5b-d9cb-469f-a165-70867728950e",
                      "7c9e6679-7425-40de-944b-e07fc1f90ae7")}


def flag_words(opt):
    """The words that set a typed option to a sample value: `--client-id 12`."""
    flag = "--" + opt.flag
    return flag if opt.type == BOOL else f"{flag} {_SAMPLE_VALUES[opt.type]}"


def field_json(opt):
    """A sample value of a body field as JSON, for jq."""
    if opt.type in (INT, FLOAT):
        return _SAMPLE_VALUES[opt.type]
    return "true" if opt.type == BOOL else f'"{_SAMPLE_VALUES[opt.type]}"'


def field_assignment(opt):
    """`summary=example`, for -F."""
    return f"{opt.name}={'true' if opt.type == BOOL else _SAMPLE_VALUES[opt.type]}"


class _Sample:
    """What the examples of one resource are built from: its name, two sample ids, the
    words of its first list filter and its first body field."""

    def __init__(self, resource):
        self.name = resource.name
        self.one, self.two = _SAMPLE_IDS[resource.id_type]
        lst = resource.verb("list")
        self.narrow = flag_words(lst.filters[0]) + " " if lst and lst.filters else ""
        self.field = resource.fields[0] if resource.fields else None


def _list_examples(s, verb):
    examples = [(f"Stream {s.name} into jq, stopping after 100 records:",
                 f"halo {s.name} list {s.narrow}--limit 100 | jq -c ."),
                ("Print only their ids, one per line:",
                 f"halo {s.name} list {s.narrow}--query id --raw")]
    if verb.checkpoints:
        examples += [("Those changed in the last 24 hours:",
                      f"halo {s.name} list --updated-since 24h"),
                     ("Those changed since the last successful run (for cron):",
                      f"halo {s.name} list --checkpoint ~/.local/state/halo/{s.name}.since"
                      f" >> {s.name}.ndjson")]
    return examples


def _report_examples(s, verb):
    return [("Run a report for a period and keep its rows as NDJSON:",
             f"halo {s.name} {verb.name} {s.one} --from 30d --to 2026-11-30 > rows.ndjson")]


def _get_examples(s, verb):
    return [(f"Show one record of {s.name} as indented JSON:",
             f"halo {s.name} get {s.one} | jq ."),
            ("Show several, in the order given, the ids read from a file:",
             f"halo {s.name} get - < ids.txt")]


def _create_examples(s, verb):
    if not s.field:
        return []
    return [("Create a record from flags:", f"halo {s.name} create {flag_words(s.field)}"),
            ("Create one record per line of an NDJSON file, keeping the refused ones:",
             f"halo {s.name} create @new.ndjson --failed refused.ndjson")]


def _update_examples(s, verb):
    if not s.field:
        return []
    return [("Update one record:",
             f"halo {s.name} update {s.one} -F {field_assignment(s.field)}"),
            ("Update every record a list finds:",
             f"halo {s.name} list {s.narrow}| jq -c '{{id, {s.field.name}: "
             f"{field_json(s.field)}}}' | halo {s.name} update -")]


def _delete_examples(s, verb):
    return [("Delete two records:", f"halo {s.name} delete {s.one} {s.two}"),
            ("See what deleting every record a list finds would send:",
             f"halo {s.name} list {s.narrow}--query id --raw"
             f" | halo --dry-run {s.name} delete -")]


def _me_examples(s, verb):
    return [("Show the record of the caller:", f"halo {s.name} me")]


def _upload_examples(s, verb):
    flag = " " + flag_words(verb.fields[0]) if verb.fields else ""
    return [("Attach a file:", f"halo {s.name} {verb.name} report.pdf{flag}")]


def _download_examples(s, verb):
    return [("Save a file answer:", f"halo {s.name} {verb.name} {s.one} -O out.bin")]


def _listen_examples(s, verb):
    return [("Print each delivery Halo sends to port 8080 as one NDJSON line:",
             f"halo {s.name} {verb.name} --port 8080 --basic-auth halo:S3cret"),
            ("Print the event name of each delivery as it arrives:",
             f"halo {s.name} {verb.name} --port 8080 | jq --unbuffered -r '.body.event'")]


LISTEN_TEXT = (
    "Each delivery it accepts is one NDJSON line on standard output, written and flushed "
    "before the sender gets 200: {\"received_at\": ..., \"path\": ..., \"body\": ...} with "
    "the delivery's JSON as body, or \"text\" instead of body when it is not JSON. "
    "With --basic-auth a missing or wrong credential is answered 401 and prints nothing. "
    "It runs until SIGINT or SIGTERM (exit 130 or 143), or until --count deliveries "
    "(exit 0); a closed standard output ends it quietly (exit 0).")


# Examples by kind of verb, in the order they are shown. Every resource lists, so the list
# and delete examples may use it.
_EXAMPLES = (("list", _list_examples), ("get", _get_examples),
             ("create", _create_examples), ("update", _update_examples),
             ("delete", _delete_examples), ("me", _me_examples),
             ("upload", _upload_examples), ("download", _download_examples),
             ("report", _report_examples), ("listen", _listen_examples))


def resource_examples(resource):
    """[(what it does, command line)]: a few generic lines per kind of verb, built from the
    first verb of each kind (a binary call that takes an id counts as a download)."""
    first = {}
    for verb in resource.verbs():
        kind = "download" if verb.binary and verb.ids == "one" else verb.kind
        first.setdefault(kind, verb)
    sample = _Sample(resource)
    return [example for kind, make in _EXAMPLES if kind in first
            for example in make(sample, first[kind])]


TOP_EXAMPLES = (
    ("Open tickets of one client, as tab-separated id and summary:",
     "halo tickets list --client-id 12 --open-only | jq -r '[.id, .summary] | @tsv'"),
    ("Every client as one JSON array in a file:",
     "halo -o json clients list > clients.json"),
    ("The open tickets of agent 4 as a table sized to the terminal:",
     "halo tickets list --agent-id 4 --open-only -o table"),
    ("The tickets of one client as a CSV file for a spreadsheet:",
     "halo tickets list --client-id 12 -o csv --fields id,summary,client_name,"
     "last_update > acme.csv"),
    ("Reassign the open tickets of agent 4 to agent 7:",
     "halo tickets list --agent-id 4 --open-only | jq -c '{id, agent_id: 7}'"
     " | halo tickets update -"),
    ("Delete the tickets a search finds, after checking the requests with --dry-run:",
     "halo tickets list --search spam --query id --raw | xargs halo --dry-run tickets delete"),
    ("Create tickets from a file, then retry the ones the server refused:",
     "halo tickets create @new.ndjson --failed refused.ndjson"
     " || halo tickets create @refused.ndjson"),
    ("A crontab line saving the open tickets at 06:00 on weekdays with the work profile "
     "(cron's PATH is short, so halo is named by its full path):",
     "0 6 * * 1-5 /usr/local/bin/halo --profile work tickets list --open-only"
     " > /var/tmp/open-tickets.ndjson"),
    ("A crontab line appending the tickets changed since the last successful run:",
     "*/15 * * * * /usr/local/bin/halo tickets list"
     " --checkpoint ~/.local/state/halo/tickets.since >> tickets.ndjson"),
    ("Delete the tickets in status 9, the ids read from standard input:",
     "halo tickets list --status-id 9 --query id -r | halo tickets delete -"),
    ("Tickets counted per client with one SQL request:",
     "halo sql 'SELECT areaint AS client, COUNT(*) AS n FROM faults GROUP BY areaint'"),
    ("Try a command without a Halo tenant, against the built-in sandbox:",
     "halo --sandbox tickets list --limit 3"),
)

COMMAND_EXAMPLES = {
    "request": (
        ("Fetch one ticket by its path:", "halo request GET /Tickets/123"),
        ("Stream every page of a list endpoint:",
         "halo request GET /Invoice --paginate --limit 500"),
        ("Send a JSON body:",
         "halo request POST /Tickets '[{\"summary\": \"example\", \"client_id\": 12}]'"),
        ("Show the request a DELETE would send, without sending it:",
         "halo --dry-run request DELETE /Tickets/123"),
    ),
    "sql": (
        ("Tickets opened in the last week, one JSON line each:",
         "halo sql \"SELECT faultid, symptom FROM faults"
         " WHERE dateoccured > DATEADD(day, -7, GETDATE())\""),
        ("A longer query from a file, or from standard input:",
         "halo sql @open-by-agent.sql"),
        ("Only one column, as plain text:",
         "echo 'SELECT faultid FROM faults' | halo sql - --query faultid --raw"),
    ),
    "configure": (
        ("Write the default profile, prompting for what is missing:",
         "halo --url https://acme.halopsa.com --tenant acme --client-id ID configure"),
        ("Write a second profile, the secret read from the first line of stdin:",
         "printf '%s\\n' \"$SECRET\" | halo --profile work --url https://halo.example.com"
         " --client-id ID configure"),
        ("Check that the saved settings obtain a token:",
         "halo --profile work configure --test"),
    ),
    "sandbox": (
        ("Serve 5000 generated tickets on port 8080 (it prints the export lines to use):",
         "halo sandbox --port 8080 --records 5000"),
        ("Serve a slow, unreliable API to test a script's retries:",
         "halo sandbox --latency 200 --fail-rate 0.1"),
        ("Run one command against a private in-process sandbox instead:",
         "halo --sandbox tickets list --limit 3"),
        ("Rehearse a filtered list by date and an ad-hoc SQL report offline:",
         "halo --sandbox tickets list --date-search datecleared --start-date 2024-06-01"),
        ("Page through a group outside the 32 resources, kept in memory:",
         "halo --sandbox request GET /Lead --paginate"),
    ),
}


def halo_invocations(line, sample_id="123"):
    """The argument lists of each `halo` in a shell line (`xargs halo` gets a sample id)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    found, current, xargs = [], None, False
    for token in list(lexer) + [";"]:
        if current is not None and re.fullmatch(r"[|&;<>()]+", token):
            found.append(current + ([sample_id] if xargs else []))
            current = None
        elif current is not None:
            current.append(token)
        elif token == "halo" or token.endswith("/halo"):
            current = []
        elif re.fullmatch(r"[|&;<>()]+", token):
            xargs = False
        if token == "xargs":
            xargs = True
    return found


def check_examples(top, lines, sample_id="123"):
    """Parse every halo command in the example lines; a usage error stops the generator."""
    for line in lines:
        for argv in halo_invocations(line, sample_id):
            try:
                top.parse_args(argv)
            except Exception as exc:   # UsageError, or argparse's own complaints
                raise SystemExit(f"halo_lib.docs: example does not parse: {line!r}: {exc}")


def add_examples(page, top, examples, sample_id="123"):
    check_examples(top, [line for _, line in examples], sample_id)
    page.section("EXAMPLES")
    for what, line in examples:
        page.paragraph(roff(what))
        page.literal(line)


# ---------------------------------------------------------------------------------------
# Man pages

def top_page(top):
    page = Page("halo", "a shell-native client for the HaloPSA REST API")
    page.section("SYNOPSIS")
    page.lines.append(".nf")
    for line in top.usage.splitlines():
        page.text(_usage_line(line.strip()))
    page.lines.append(".fi")
    _top_description(page, top)
    _top_commands(page, top)
    page.section("OPTIONS")
    add_options(page, top, options(top, exclude_globals=True))
    page.section("GLOBAL OPTIONS")
    page.paragraph("These options are accepted before the command, and after the verb of a "
                   "resource unless the verb has a flag of the same name.")
    add_options(page, top, groups(top)[GLOBAL_GROUP])
    _top_input(page)
    _top_dates(page)
    _top_output(page)
    _top_configuration(page)
    _top_proxies(page)
    _top_rate_limit(page)
    _top_environment(page, top)
    _top_files(page)
    _top_limits(page)
    add_exit_status(page)
    page.paragraph("A closed standard output (as in " + bold("halo tickets list | head -1") +
                   ") ends a list quietly, and no further pages are fetched.",
                   "A standard output that cannot be written (a full disk, an I/O error, "
                   "closed with " + bold(">&-") + ") is one line naming the reason and exit "
                   "status 6; so is a bulk write whose reader went away, after its report.")
    page.paragraph("A list ends when it has written the " + bold("record_count") + " the "
                   "server announced (or " + bold("--limit") + "), or at the first empty "
                   "page; a short page in the middle is not the end.",
                   "A server that announces more than it serves gets a warning and exit "
                   "status 0; a page identical to the one before is an error (1); a record "
                   "whose id was already written is skipped, and the count of them said.",
                   "On the big lists Halo serves at most 100 records a page, so a larger " +
                   bold("--page-size") + " is sent as 100 (" + bold("-v") + " says so).")
    add_examples(page, top, TOP_EXAMPLES)
    page.section("SEE ALSO")
    refs = [("halo-" + r.name, 1) for r in BY_NAME.values()]
    refs += [("halo-" + n, 1) for n, _, _ in other_commands(top)]
    page.see_also(*refs, ("jq", 1), ("xargs", 1), ("crontab", 5))
    return page.render()


def _usage_line(line):
    """`halo [GLOBAL] request METHOD PATH [BODY] [OPTIONS]`: literal words bold, the
    upper-case placeholders italic."""
    words = []
    for word in line.split():
        inner = word.strip("[]")
        mark = italic(inner) if inner.isupper() else bold(inner)
        words.append(word.replace(inner, "\0").replace("\0", mark, 1))
    return " ".join(words)


def _top_limits(page):
    page.section("LIMITS AND SECURITY")
    page.paragraph(
        f"An answer is read into memory up to {bold('--max-answer')} bytes of decoded size "
        "(default 64M); a gzip answer is inflated a piece at a time and stops at the cap.",
        "A larger answer is exit 5, naming the cap. File answers (PDFs, attachments) are "
        f"not capped: they stream to the {bold('-O')} file or standard output.")
    page.paragraph(
        f"{bold('--timeout')} bounds each attempt from connecting to the last byte, so a "
        "server that trickles its answer is cut off and retried like any other timeout; "
        "for a file answer it bounds each read. It must be above 0 and at most 86400.")
    page.paragraph(
        "The client secret travels over https only (plain http to loopback, or with "
        f"{bold('--insecure-http')}), including to the auth server named by "
        "/api/authinfo, and the token request follows no redirect to another origin.",
        "The token is kept across a redirect only to the same scheme, host and port.",
        "A token with control characters, spaces or non-ASCII is refused (exit 3), never "
        "cached or shown.",
        "The token cache is keyed by a one-way hash of the client secret as well, so a "
        "changed secret is never hidden by an old token; a cache file that is not a small "
        "regular file of the expected JSON is ignored and replaced, and a cache directory "
        "that is a symlink is left alone.")
    page.paragraph(
        "The config file must be a regular file of at most 1 MiB (else exit 3).",
        f"{bold('halo configure')} refuses profile names and settings with control "
        "characters, brackets or line breaks (exit 2), and replaces the file whole: a "
        "symlink at its path is replaced, not written through, and the mode is 0600.")
    page.paragraph(
        "Flag values must be valid UTF-8, a --query may nest at most 100 deep, and an id "
        "or PATH that URL normalisation would change ('.' or '..') is refused: exit 2, "
        "nothing sent.",
        "Server text on standard error has control characters and escape sequences shown "
        "escaped (\\ex1b), and secrets cut out in plain, URL-encoded and base64 form.",
        f"An {bold('-O')} file that cannot be written (a directory, a missing directory, a "
        "full disk) is exit 6, naming the path and the system's reason; no partial file "
        "is left.")


def _top_description(page, top):
    page.section("DESCRIPTION")
    page.paragraph(
        f"{bold('halo')} reads and writes the records of a HaloPSA tenant through its REST "
        "API.",
        "Records are written to standard output as NDJSON: one compact JSON object per line, "
        "in the order the server sent them, so the output feeds")
    page.macro(".BR jq (1),", ".BR xargs (1),")
    page.text(
        "a file or another halo.",
        "A list streams: the first records appear as soon as the first page arrives, and "
        "memory stays flat however many follow.",
        "Diagnostics go to standard error, never to standard output.")
    page.paragraph(
        f"The {italic('RESOURCE')} names one of the {len(BY_NAME)} parts of the Halo API "
        f"below, and the {italic('VERB')} what to do with it: {bold('list')}, "
        f"{bold('get')}, {bold('create')}, {bold('update')}, {bold('delete')}, and named "
        "verbs for the other endpoints of the resource.",
        f"Each resource has its own page, {bold('halo-RESOURCE')}(1), listing every verb "
        "with the endpoint it calls and every flag with the Halo query parameter or body "
        "field it sets.",
        f"{bold('halo request')} reaches any other endpoint.")


def _top_commands(page, top):
    page.section("COMMANDS")
    for name, help, _ in subcommands(top):
        page.item(bold(name), f"{roff(help)}; see {bold('halo-' + name)}(1).")


def _top_input(page):
    page.section("INPUT")
    page.paragraph(
        f"The {italic('BODY')} of {bold('create')}, {bold('update')} and the verbs that send "
        f"records is {bold('-')} for standard input, {bold('@FILE')} for a file, or JSON text: "
        "one object, an array of objects, or NDJSON (one object per line).",
        f"{bold('-F')} {italic('KEY=VALUE')} sets a field, converting numbers, "
        f"{bold('true')}, {bold('false')} and {bold('null')} and reading {bold('@FILE')}; "
        f"{bold('-f')} {italic('KEY=VALUE')} sets a field to the string as given.",
        "Both may be repeated and override the body, as do the typed field flags of a verb.",
        f"{bold('-F')} {italic('KEY:=JSON')} sets a field to a JSON value (an array, an "
        "object, a number, true, false or null) and bad JSON is exit status 2 naming the "
        f"field; a {italic('KEY')} with dots, {bold('-F a.b=1')}, sets a nested field.",
        f"{bold('--cf')} {italic('NAME=VALUE')} sets a custom field in Halo's "
        f"{bold('customfields')} array, replacing an entry of the same name in the body.",
        "Input that is not valid is refused before anything is sent, with the line and "
        "column in the message and exit status 2.")
    page.paragraph(
        f"{bold('update')} {italic('ID')} {italic('BODY')} sets the id of the record from "
        f"{italic('ID')}; {bold('update -')} takes records that each carry their "
        f"{bold('id')}.",
        f"Records are sent in batches ({bold('--batch-size')}); each saved record is written "
        "to standard output as it comes back, and each refused one is reported on standard "
        f"error with the record itself, or written to the {bold('--failed')} file, to be fed "
        "back in.")
    page.paragraph(
        "Bulk input is copied to a temporary file while every record is checked, and only "
        "then sent batch by batch, so memory stays flat however long the input is and "
        "invalid input still sends nothing.",
        "NDJSON streams; one JSON object or array is read whole.")
    page.paragraph(
        "Every input record, numbered from 1 over the whole input, ends exactly once as "
        f"{bold('saved')} (on standard output), {bold('failed')} (with the server's reason), "
        f"{bold('unknown')} (sent, no answer seen) or {bold('not sent')}, whatever ends the "
        "run: the end of the input, a fatal error, a closed or failing standard output, "
        "SIGINT or SIGTERM.",
        f"Without {bold('--failed')} each is one NDJSON line on standard error: "
        + code('{"outcome": ..., "number": N, "error": ..., "record": {...}}') + "; saved "
        "records that standard output could not take are reported there too, with their id.",
        f"{bold('--failed')} {italic('FILE')} is emptied before the first request (a path "
        "that cannot be written is exit status 2, nothing sent) and receives the failed and "
        "not sent records; unknown ones stay on standard error.")
    page.paragraph(
        "A batch refused as a whole with 400, 409 or 422 is split in halves and sent again "
        "until each refused record stands alone, so every good record is saved; 401, 403 "
        "and 429 are not split.",
        "A POST answered 429 is retried, honouring Retry-After; when the retries run out "
        f"its records are {bold('not sent')}.")


def _top_dates(page):
    page.section("DATES AND CHECKPOINTS")
    page.paragraph(
        f"A {italic('DATE')} flag takes an ISO 8601 date ({bold('2026-11-30')}, sent as "
        f"given), an ISO 8601 date-time ({bold('2026-11-30T08:00+02:00')}; without a zone it "
        "is UTC), or a time back from now: a number and " + bold("m") + ", " + bold("h")
        + ", " + bold("d") + " or " + bold("w") + f" ({bold('90m')}, {bold('24h')}, "
        f"{bold('7d')}, {bold('2w')}). A {italic('WHEN')} flag takes the same, but a plain "
        f"date is sent as its midnight UTC ({bold('2026-11-30T00:00:00Z')}).",
        f"Date-times and relative times are sent as ISO 8601 UTC date-times, "
        f"{bold('2026-11-30T06:00:00Z')}; {bold('--dry-run')} shows the exact value.")
    page.paragraph(
        f"{bold('--updated-since')} and {bold('--updated-until')} (Halo's "
        f"{bold('lastupdatefromdate')} and {bold('lastupdatetodate')}) keep the records "
        "changed in that time, on the lists that have them.",
        f"There {bold('--checkpoint')} {italic('FILE')} lists what changed since the last "
        f"successful run: a missing {italic('FILE')} lists everything; after a run that ends "
        f"with exit status 0, {italic('FILE')} is replaced atomically with the time that run "
        "started less 5 minutes, an overlap for clocks that disagree and records saved "
        "while the run paged.",
        f"A run that fails or is interrupted leaves {italic('FILE')} as it was, so records "
        "may repeat at the overlap but none is skipped.",
        f"A {italic('FILE')} that does not hold one UTC date-time is exit status 2, naming it.")
    page.paragraph(
        f"{bold('get')} and {bold('delete')} take several ids, and {bold('-')} for ids read "
        f"from standard input, one per line or NDJSON records with an {bold('id')}.",
        "They go out one request each, in input order; each id that fails is one NDJSON "
        f"line on standard error ({bold('id')}, {bold('outcome')}, {bold('error')}), and an "
        "id that was only missing ends with exit status 4.")


def _top_output(page):
    page.section("OUTPUT")
    page.paragraph(
        f"{bold('-o')} chooses the format; NDJSON is the default on a terminal as on a pipe.")
    page.item(bold("ndjson"), "one compact JSON record per line.")
    page.item(bold("json"), "one JSON document: the object for a single answer ("
              f"{bold('get')}, {bold('me')}, a {bold('request')} of one document, a create or "
              "update of one object), one array for a list, a bulk write or a delete; "
              "indented and coloured on a terminal, compact and plain on a pipe.")
    page.item(bold("table"), "aligned columns sized to the terminal (or "
              f"{bold('COLUMNS')}), widths fixed from the first page so that a long list "
              "streams; long cells are cut with an ellipsis and control characters escaped.")
    page.item(bold("csv"), "RFC 4180 with a header row, UTF-8, CRLF line ends; nested values "
              "as compact JSON, numbers and dates as Halo sent them.")
    page.item(bold("tsv"), f"the same with tabs; tab, newline, carriage return and backslash "
              f"in a value are written {bold(chr(92) + 't')}, {bold(chr(92) + 'n')}, "
              f"{bold(chr(92) + 'r')} and {bold(chr(92) * 2)}.")
    page.paragraph(
        f"{bold('--fields')} {italic('A,B.C')} chooses the columns of table, csv and tsv, and "
        "with ndjson and json keeps only those fields, in that order, under the names as "
        "given.",
        "A dot reaches into a nested object, a number picks an element of a list "
        f"({bold('customfields.0.value')}), and a name on a list takes that field of every "
        "element.",
        "Without it, table, csv and tsv show the default columns of the resource, listed "
        f"under FIELDS in its page (with {bold('--query')}: the keys of the first result).")
    page.paragraph(
        f"{bold('--query')} runs before the format: on each record of a list (a null result "
        f"drops the record), or with {bold('-o json')} on the whole array, as in "
        f"{bold('--query')} '{bold('length(@)')}'.",
        "A query that gives null for every record of a non-empty list draws a warning on "
        "standard error; the exit status stays 0.",
        f"Colour is only used for {bold('-o json')} on a terminal, never on a pipe; "
        f"{bold('NO_COLOR')}, {bold('TERM=dumb')} or {bold('--no-color')} turn it off.",
        f"With {bold('--dry-run')} only the request lines are printed.")
    page.paragraph(
        f"The default format comes from {bold('HALO_OUTPUT')}, else the {bold('output')} key "
        f"of the profile; {bold('-o')} overrides both.",
        f"A script that parses the output says {bold('-o ndjson')}, so that a profile "
        "setting another default does not break it.")


def _top_configuration(page):
    page.section("CONFIGURATION")
    page.paragraph(
        "Each setting is taken from the first of: a global flag, the environment, the "
        "profile file, the default.",
        f"The profile file is INI, with a {bold('[default]')} section and one "
        f"{bold('[profile NAME]')} section per other profile, each holding "
        + ", ".join(bold(key) for key in config.KEYS)
        + f", and {bold('output')}, the default format (see OUTPUT):")
    page.literal("[default]", "url = https://acme.halopsa.com", "tenant = acme",
                 "client_id = 0c1d2e3f-example", "client_secret = example-secret",
                 "output = table", "", "[profile work]", "url = https://halo.example.com",
                 "client_id = 4a5b6c7d-example", "client_secret = example-secret")
    page.paragraph(
        f"{bold('halo configure')} writes a section with mode 0600; a file holding a client "
        "secret that others can read draws a warning.",
        f"The client secret has no flag, so that it never shows in {bold('ps')}(1): it comes "
        f"from {bold(config.ENV['client_secret'])} or the profile file.",
        f"Plain {bold('http://')} is refused for any host but the loopback address unless "
        f"{bold('--insecure-http')} is given.")


def _top_proxies(page):
    page.section("PROXIES")
    page.paragraph(
        "halo finds its proxy as curl does.",
        f"{bold('--proxy')} {italic('URL')} applies to every request; without it, https URLs "
        f"take {bold('HTTPS_PROXY')} (or {bold('https_proxy')}), plain http ones "
        f"{bold('HTTP_PROXY')} (or {bold('http_proxy')}), either falls back to "
        f"{bold('ALL_PROXY')}, and without those the profile's {bold('proxy')} key applies.",
        f"{bold('NO_PROXY')} (or {bold('no_proxy')}) lists hosts reached directly, separated "
        "by commas: a host name, a domain suffix with or without a leading dot (which also "
        "matches the domain itself), an IP address or network, any of them with "
        f"{italic(':PORT')}, or {bold('*')} for every host.",
        "A loopback host (localhost, 127.0.0.0/8, ::1) is reached directly unless the proxy "
        f"is named with {bold('--proxy')}.")
    page.paragraph(
        "Every request goes the same way: the token request and uploads to presigned URLs "
        "too.",
        "https goes through a CONNECT tunnel, and the Halo host's certificate is still "
        f"verified end to end ({bold('--ca-bundle')}).",
        f"Credentials in the proxy URL ({bold('http://user:pass@proxy:3128')}) are sent to "
        f"the proxy and never printed, in {bold('-v')}, {bold('--dry-run')} or errors.",
        "A proxy that refuses the tunnel or the credentials (403, 407) ends the command with "
        "exit status 3, naming the proxy without its credentials.")


def _top_rate_limit(page):
    page.section("RATE LIMIT")
    page.paragraph(
        "Hosted Halo answers 429 beyond a few hundred requests in any rolling window.",
        "halo keeps a budget of requests per tenant (URL and client id): 300 in any rolling "
        f"5 minutes unless {bold('--rate')} {italic('N/PERIOD')}, {bold('HALO_RATE')} or the "
        f"profile's {bold('rate')} key says otherwise, e.g. {bold('500/3m')} or "
        f"{bold('30/3s')} (units s, m, h); {bold('off')} turns it off, for a self-hosted "
        "Halo without a limit.")
    page.paragraph(
        "The budget is shared by every halo process of the user through a small state file "
        "(mode 0600) locked for each request, so cron jobs started together share it.",
        "A run within the budget never waits. A request beyond it waits until the oldest "
        "request of the window leaves it; the wait is shown on standard error when that is "
        f"a terminal, and in {bold('-v')}; never on standard output.",
        "A 429 without Retry-After waits the same way, until the window frees.",
        "A missing or unreadable state file is rebuilt, never an error.")
    page.paragraph(
        "A list chooses how many pages to fetch ahead from what it observes: one at a time "
        "while writing a page takes about as long as fetching one (a fast or local server), "
        "up to 8 when the round trip is the longer and fetching ahead really proves faster, "
        f"never more than a tenth of the budget, and one at a time after a 429. "
        f"{bold('--concurrency')} {italic('N')} fixes the number.")
    page.paragraph(
        f"{bold('halo sandbox --rate-limit')} {italic('N/PERIOD')} (and "
        f"{bold('halo --sandbox --rate-limit')} {italic('N/PERIOD')}) plays a rate-limited "
        "tenant: beyond N requests in any rolling PERIOD it answers 429 without "
        "Retry-After, as Halo does, so a script can be rehearsed against it.")


def _environment(top):
    """[(variable, meaning)]: the settings, the variables named in the global flags' help,
    then the locations."""
    flags = {}
    for action in groups(top).get(GLOBAL_GROUP, []):
        env = _ENV_NAME.search(action.help or "")
        if env:
            flags[env.group(1)] = action
    found = []
    for key in config.KEYS:
        name = config.ENV[key]
        action = flags.pop(name, None)
        found.append((name, _flag_meaning(action) if action else
                            f"the {key.replace('_', ' ')} setting (no flag)"))
    for name, action in flags.items():
        found.append((name, _flag_meaning(action)))
    found += [
        ("HALO_PROFILE", f"the profile to use, as {bold('--profile')}"),
        ("HALO_CONFIG", "the path of the profile file"),
        ("XDG_CONFIG_HOME", "where the profile file is looked for when HALO_CONFIG is unset "
                            "(default ~/.config)"),
        ("HTTPS_PROXY, https_proxy", "the proxy for https URLs; see PROXIES"),
        ("HTTP_PROXY, http_proxy", "the proxy for plain http URLs"),
        ("ALL_PROXY, all_proxy", "the proxy when the two above are unset"),
        ("NO_PROXY, no_proxy", "hosts reached without a proxy"),
        ("XDG_CACHE_HOME", "where access tokens and the rate budget's state are kept "
                           "(default ~/.cache)"),
    ]
    return found


def _flag_meaning(action):
    """`base URL of the Halo tenant, as --url`, from the flag's help."""
    help = _ENV_NAME.sub("", action.help)
    return f"{roff(help)}, as {bold(action.option_strings[-1])}"


def _top_environment(page, top):
    page.section("ENVIRONMENT")
    for name, meaning in _environment(top):
        page.item(bold(name), meaning.replace("~", "\\(ti") + ".")


def _top_files(page):
    page.section("FILES")
    page.item(italic("$HALO_CONFIG") + ", " + italic("$XDG_CONFIG_HOME/halo/config") + ", "
              + italic("~/.config/halo/config"),
              "the profile file, the first of these that is set.")
    page.item(italic("$XDG_CACHE_HOME/halo/") + ", " + italic("~/.cache/halo/"),
              "cached access tokens (mode 0600, directory 0700), keyed by URL, client id and "
              "scope, reused until shortly before they expire; and " + bold("rate-*") +
              ", the rate budget's state (mode 0600), one per tenant URL and client id.")


def resource_page(top, resource, verbs, parser):
    name = resource.name
    page = Page("halo-" + name, resource.summary)
    page.section("SYNOPSIS")
    page.lines.append(".nf")
    for verb, verb_parser in verbs:
        page.text(usage_words(f"{name} {verb.name}", verb_parser))
    page.lines.append(".fi")
    _resource_description(page, resource, verbs)
    page.section("VERBS")
    for verb, verb_parser in verbs:
        _verb_entry(page, top, resource, verb, verb_parser)
    _resource_options(page, verbs)
    page.section("FIELDS")
    page.paragraph(
        f"The default columns of {bold('-o table')}, {bold('csv')} and {bold('tsv')}, "
        "Halo's field names: " + ", ".join(bold(f) for f in resource.columns) + ".",
        f"{bold('--fields')} chooses others; see OUTPUT in")
    page.macro(".BR halo (1).")
    page.section("GLOBAL OPTIONS")
    page.paragraph("Every verb also accepts the global options of")
    page.macro(".BR halo (1),")
    page.text("before the resource name or after the verb: "
              + ", ".join(bold(f) for f in global_flags(top) if f.startswith("--")) + ".")
    add_examples(page, top, resource_examples(resource), _SAMPLE_IDS[resource.id_type][0])
    add_exit_status(page)
    page.section("SEE ALSO")
    page.see_also(("halo", 1), ("halo-request", 1), ("jq", 1))
    return page.render()


def _resource_description(page, resource, verbs):
    page.section("DESCRIPTION")
    what = {INT: "a number", UUID: "a UUID", STR: "a text id"}[resource.id_type]
    if resource.paged and resource.key:
        shape = (f"A list is fetched page by page, the records taken from the "
                 f"{bold(resource.key)} key of each page.")
        if resource.page_cap:
            shape += (f" Halo serves at most {resource.page_cap} records a page here, so a "
                      f"larger {bold('--page-size')} is sent as {resource.page_cap}.")
    elif resource.key:
        shape = f"A list comes in one answer, the records under its {bold(resource.key)} key."
    else:
        shape = "A list comes in one answer, as a plain array."
    page.paragraph(
        f"{bold('halo ' + resource.name)} works on {roff(resource.summary)} through the Halo "
        f"API at {bold(resource.path)}.",
        "Records are written to standard output as NDJSON, one JSON object per line.",
        shape, f"An {italic('ID')} is {what}.")
    if any(v.body for v, _ in verbs):
        page.paragraph(
            f"{italic('BODY')} is {bold('-')} for standard input, {bold('@FILE')}, or JSON "
            "text: one object, an array of objects, or NDJSON.",
            f"The field flags of a verb, {bold('-F')} {italic('KEY=VALUE')} and {bold('-f')} "
            f"{italic('KEY=VALUE')} set fields on every record and override the body.")


def _verb_entry(page, top, resource, verb, parser):
    page.subsection(verb.name)
    page.text(usage_words(f"{resource.name} {verb.name}", parser, with_global=False))
    page.macro(".br")
    page.text(f"{roff(sentence(verb.help))}: {bold(verb.method + ' ' + verb.path)}.")
    if verb.kind == "listen":
        page.paragraph(roff(LISTEN_TEXT))
    add_positionals(page, parser)
    found = groups(parser)
    for title in TYPED_GROUPS:
        add_options(page, parser, found.get(title, []))
    own = [a for a in found.get("options", []) if not isinstance(a, argparse._HelpAction)]
    if own:
        page.paragraph("Options: " + ", ".join(bold(a.option_strings[-1]) for a in own)
                       + " (see " + bold("OPTIONS") + ").")
    shadowed = [f for f in global_flags(top) if f not in global_flags(parser)]
    for flag in shadowed:
        page.paragraph(f"Here {bold(flag)} is the verb's own flag; the global {bold(flag)} "
                       "goes before the resource name.")


def _resource_options(page, verbs):
    """The verbs' common options, each described once."""
    page.section("OPTIONS")
    seen = set()
    for _, parser in verbs:
        for action in groups(parser).get("options", []):
            key = (tuple(action.option_strings), action.help)
            if key not in seen:
                seen.add(key)
                page.item(option_tag(action), option_body(parser, action))


def command_page(top, name, help, parser):
    """halo-request, halo-configure, halo-sandbox: one parser without verbs."""
    page = Page("halo-" + name, help)
    with_global = GLOBAL_GROUP in groups(parser)
    page.section("SYNOPSIS")
    page.text(usage_words(name, parser, with_global=with_global))
    page.section("DESCRIPTION")
    page.paragraph(roff(parser.description))
    if positionals(parser):
        page.section("ARGUMENTS")
        add_positionals(page, parser)
    page.section("OPTIONS")
    add_options(page, parser, options(parser, exclude_globals=True))
    if with_global:
        page.section("GLOBAL OPTIONS")
        page.paragraph("The global options of")
        page.macro(".BR halo (1)")
        page.text("are accepted before and after the command: "
                  + ", ".join(bold(f) for f in global_flags(parser) if f.startswith("--"))
                  + ".")
    if name in COMMAND_EXAMPLES:
        add_examples(page, top, COMMAND_EXAMPLES[name])
    add_exit_status(page)
    page.section("SEE ALSO")
    page.see_also(("halo", 1), ("jq", 1))
    return page.render()


def man_pages(top):
    """{file name: text} of every man page."""
    pages = {"halo.1": top_page(top)}
    for resource, verbs, parser in resource_verbs(top):
        pages[f"halo-{resource.name}.1"] = resource_page(top, resource, verbs, parser)
    for name, help, parser in other_commands(top):
        pages[f"halo-{name}.1"] = command_page(top, name, help, parser)
    return pages
