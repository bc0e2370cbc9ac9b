"""The typed flags of the query parameters Halo documents that the resource table does not
curate: every parameter of a list or get endpoint becomes a flag, its kind and values
taken from the catalogue at run time, its help our own (never the document's words).

    documented(resource, verb, taken)    # -> (Opt, ...) in the document's order

Read only when a command line needs them (an unknown flag, --help-all, the man pages and
completions): the catalogue costs an orjson import and a parse that `halo tickets get 1`
must not pay.
"""
from halo_lib.catalogue import catalogue
from halo_lib.resources import BOOL, DATE, FLOAT, INT, INTS, STR, TIME, UPDATED_FROM, \
    UPDATED_TO, UUID, Opt

# Parameters halo sets itself on every page of a paged list: no flag may send them too.
# `count` caps the records of one answer, which --limit does on a paged list; on a list
# Halo answers whole it is a filter like any other and keeps its flag.
PAGING = ("pageinate", "page_no", "page_size")
PAGED_ONLY = ("count",)

# A generated flag named like a flag the verb already has (its curated flags, its own
# options, the global options it accepts after it) would change what that flag means, or
# mean one thing only once the catalogue is read. It gets this prefix instead:
# users get's client_id is --param-client-id, as --client-id is the API application's.
CLASH_PREFIX = "param-"

# The catalogue's value kinds as the resource table's (halo_lib.resources).
KINDS = {"int": INT, "str": STR, "bool": BOOL, "float": FLOAT, "time": TIME, "uuid": UUID,
         "ints": INTS}


def documented(resource, verb, taken):
    """Opt of each query parameter the catalogue documents for verb's endpoint that neither
    a curated flag of verb sends (counted once, under the curated flag) nor halo sets
    itself. taken: the flags (with dashes) the command already has."""
    op = catalogue().find(verb.method, verb.path)
    if op is None:
        return ()
    covered = {o.name.lower() for o in verb.filters}
    skipped = set(PAGING) | (set(PAGED_ONLY) if resource.paged else set())
    taken = set(taken)
    found = []
    for param in op.query():
        name = param.name
        if name.lower() in covered or name.lower() in skipped:
            continue
        flag = kebab(name)
        if "--" + flag in taken:
            flag = CLASH_PREFIX + flag
        taken.add("--" + flag)
        kind = kind_of(param)
        # Documented values are offered and checked as the text sent (argparse compares
        # a choice after converting it, so an enum of numbers stays text here).
        choices = [str(v) for v in param.enum] if param.enum and kind != BOOL else None
        found.append(Opt(flag, STR if choices else kind, help_of(kind, choices), name=name,
                         choices=choices))
    return tuple(found)


def kind_of(param):
    """The table's kind of a parameter. Halo's document types its date filters as plain
    text (startdate, billing_date, calendar_enddate) and the last-update pair as booleans;
    taken as dates, a typo is exit 2 and `7d` works. So, by name, in this one place: the
    last-update pair is an instant (as the curated --updated-since), and a text parameter
    whose name ends in "date" a date. Names such as includeslaactiondate are booleans in
    the document and stay switches."""
    if param.name.lower() in (UPDATED_FROM, UPDATED_TO):
        return TIME
    if param.kind == "str" and param.name.lower().endswith("date"):
        return DATE
    return KINDS.get(param.kind, STR)


# What a value flag's help calls its value; the Halo name follows the help everywhere it
# is shown ([query name] in --help, "sets the Halo query parameter name" in the man page).
NOUNS = {INT: "number", FLOAT: "number", STR: "text", DATE: "date", TIME: "time",
         INTS: "list of numbers", UUID: "UUID"}


def help_of(kind, choices=None):
    """Our own short help, from the kind alone (the document's descriptions are not kept)."""
    if kind == BOOL:
        return "switch on (sends true)"
    return "filter by this " + ("value" if choices else NOUNS.get(kind, "text"))


def kebab(name):
    """Halo's name as a flag: lower case, words joined by '-' (client_id: client-id,
    excludeAgent: exclude-agent, globalSearchID: global-search-id)."""
    out = []
    for i, char in enumerate(name):
        before = name[i - 1] if i else ""
        after = name[i + 1] if i + 1 < len(name) else ""
        upper_starts = char.isupper() and (before.islower() or before.isdigit()
                                           or (before.isupper() and after.islower()))
        if upper_starts:
            out.append("-")
        out.append("-" if char == "_" else char.lower())
    return "".join(out)
