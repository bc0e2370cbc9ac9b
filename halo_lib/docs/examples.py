"""The EXAMPLES of the man pages. Each verb kind gives its own (halo_lib.run.kinds); the
lines here are the samples they are built from and the examples of the top page and the
other commands. Every halo command line in them is parsed by the real parser when the pages
are generated, so an example that names a flag the parser lacks stops the generator.
"""
import re
import shlex

from halo_lib.cli import parse
from halo_lib.docs.roff import roff
from halo_lib.resources import BOOL, DATE, FLOAT, INT, INTS, STR, TIME, UUID
from halo_lib.run.kinds import kind_named

_SAMPLE_VALUES = {INT: "12", STR: "example", DATE: "2026-01-31", TIME: "24h", INTS: "1,2",
                  FLOAT: "1.5",
                  UUID: "0f8fad5b-d9cb-469f-a165-70867728950e"}
_SAMPLE_IDS = {INT: ("123", "124"), STR: ("123", "124"),
               UUID: ("0f8fad5b-d9cb-469f-a165-70867728950e",
                      "7c9e6679-7425-40de-944b-e07fc1f90ae7")}


def sample_id(resource):
    return _SAMPLE_IDS[resource.id_type][0]


class Sample:
    """What the examples of one resource are built from: its name, two sample ids, the
    words of its first list filter and its first body field, and how to write a value."""

    def __init__(self, resource):
        self.name = resource.name
        self.one, self.two = _SAMPLE_IDS[resource.id_type]
        lst = resource.verb("list")
        self.narrow = self.flag_words(lst.filters[0]) + " " if lst and lst.filters else ""
        self.field = resource.fields[0] if resource.fields else None

    @staticmethod
    def flag_words(opt):
        """The words that set a typed option to a sample value: `--client-id 12`."""
        flag = "--" + opt.flag
        return flag if opt.type == BOOL else f"{flag} {_SAMPLE_VALUES[opt.type]}"

    @staticmethod
    def json(opt):
        """A sample value of a body field as JSON, for jq."""
        if opt.type in (INT, FLOAT):
            return _SAMPLE_VALUES[opt.type]
        return "true" if opt.type == BOOL else f'"{_SAMPLE_VALUES[opt.type]}"'

    @staticmethod
    def assignment(opt):
        """`summary=example`, for -F."""
        return f"{opt.name}={'true' if opt.type == BOOL else _SAMPLE_VALUES[opt.type]}"


def resource_examples(resource):
    """[(what it does, command line)]: the examples of the first verb of each example key
    (each verb kind says its key and its rank), in rank order."""
    first = {}
    for verb in resource.verbs():
        kind = kind_named(verb.kind)
        key = kind.example_key(verb)
        if key is not None and key not in first:
            first[key] = (kind, verb)
    sample = Sample(resource)
    ranked = sorted(first.values(), key=lambda found: found[0].example_rank)
    return [example for kind, verb in ranked for example in kind.examples(sample, verb)]


TOP_EXAMPLES = (
    ("Open tickets of one client, as tab-separated id and summary:",
     "halo -o ndjson tickets list --client-id 12 --open-only | jq -r '[.id, .summary] | @tsv'"),
    ("Every client as one JSON array in a file:",
     "halo -o json clients list > clients.json"),
    ("The open tickets of agent 4 as a table sized to the terminal:",
     "halo tickets list --agent-id 4 --open-only -o table"),
    ("The tickets of one client as a CSV file for a spreadsheet:",
     "halo tickets list --client-id 12 -o csv --fields id,summary,client_name,"
     "last_update > acme.csv"),
    ("Your own open tickets of a client named as you know it, with status names:",
     "halo tickets list --client-id 'Acme Corp' --agent-id me --open-only -o table"),
    ("Closed tickets of high or critical priority, ids read from names:",
     "halo -o ndjson --labels tickets list --status-id Closed --priority High,Critical"),
    ("Reassign the open tickets of agent 4 to agent 7:",
     "halo -o ndjson tickets list --agent-id 4 --open-only | jq -c '{id, agent_id: 7}'"
     " | halo tickets update -"),
    ("Delete the tickets a search finds, after checking the requests with --dry-run:",
     "halo -o ndjson tickets list --search spam --query id --raw | xargs halo --dry-run tickets delete"),
    ("Create tickets from a file, then retry the ones the server refused:",
     "halo tickets create @new.ndjson --failed refused.ndjson"
     " || halo tickets create @refused.ndjson"),
    ("A crontab line saving the open tickets at 06:00 on weekdays with the work profile "
     "(cron's PATH is short, so halo is named by its full path):",
     "0 6 * * 1-5 /usr/local/bin/halo --profile work -o ndjson tickets list --open-only"
     " > /var/tmp/open-tickets.ndjson"),
    ("A crontab line appending the tickets changed since the last successful run (a run "
     "killed midway adds nothing):",
     "*/15 * * * * /usr/local/bin/halo -o ndjson tickets list"
     " --checkpoint ~/.local/state/halo/tickets.since --append-to ~/tickets.ndjson"),
    ("Delete the tickets in status 9, the ids read from standard input:",
     "halo -o ndjson tickets list --status-id 9 --query id -r | halo tickets delete -"),
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
    "api": (
        ("Every operation on invoice lines, as a table:",
         "halo api list invoice lines -o table"),
        ("The operations on paths holding /Tickets that no named verb covers:",
         "halo -o ndjson api list /Tickets | jq -c 'select(.verb == null)'"),
        ("The query parameters of the ticket list, as one JSON array:",
         "halo api show /Tickets GET --query 'params[?in==`query`].name'"),
        ("The body fields a ticket create or update takes, as one JSON array:",
         "halo api show /Tickets POST --query 'body.fields[].name'"),
    ),
    "sql": (
        ("Tickets opened since 1 November 2026, one JSON line each (FAULTS is Halo's "
         "table of tickets):",
         "halo sql \"SELECT faultid, symptom FROM faults"
         " WHERE dateoccured >= '2026-11-01'\""),
        ("A longer query from a file, or from standard input:",
         "halo sql @open-by-agent.sql"),
        ("Only one column, as plain text:",
         "echo 'SELECT faultid FROM faults' | halo -o ndjson sql - --query faultid --raw"),
        ("Halo cuts a result at 50,000 rows (halo warns at exactly that many, and never "
         "runs a query again after a timeout or a 5xx): fetch a large one by key range:",
         "halo sql 'SELECT faultid, symptom FROM faults WHERE faultid > 0 AND faultid "
         "<= 40000'"),
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


def check_examples(lines, sample_id="123"):
    """Parse every halo command in the example lines; a usage error stops the generator."""
    for line in lines:
        for argv in halo_invocations(line, sample_id):
            try:
                parse(argv, out=lambda text: None)
            except Exception as exc:   # UsageError, or argparse's own complaints
                raise SystemExit(f"halo_lib.docs: example does not parse: {line!r}: {exc}")


def add_examples(page, examples, sample_id="123"):
    check_examples([line for _, line in examples], sample_id)
    page.section("EXAMPLES")
    for what, line in examples:
        page.paragraph(roff(what))
        page.literal(line)


# ---------------------------------------------------------------------------------------
# Man pages
