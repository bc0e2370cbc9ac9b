"""The prose sections of halo(1): input, checked names, dates and checkpoints, output,
configuration, proxies, the rate limit, and limits and security. Each writes one section
of a Page."""
from halo_lib import config
from halo_lib.docs.roff import bold, code, italic


def records_in(page):
    page.section("INPUT")
    page.paragraph(
        f"The {italic('BODY')} of {bold('create')}, {bold('update')} and the verbs that send "
        f"records is {bold('-')} for standard input, {bold('@FILE')} for a file, or JSON text: "
        "one object, an array of objects, or NDJSON (one object per line).",
        f"{bold('-F')} {italic('KEY=VALUE')} sets a field, converting numbers, "
        f"{bold('true')}, {bold('false')} and {bold('null')} and reading {bold('@FILE')}; "
        f"{bold('-f')} {italic('KEY=VALUE')} sets a field to the string as given.",
        f"A file read by {bold('-F')} {italic('KEY=@FILE')} must hold UTF-8 text: anything "
        "else is exit status 2 naming the file, nothing sent.",
        "Both may be repeated and override the body, as do the typed field flags of a verb.",
        f"{bold('-F')} {italic('KEY:=JSON')} sets a field to a JSON value (an array, an "
        "object, a number, true, false or null) and bad JSON is exit status 2 naming the "
        f"field; a {italic('KEY')} with dots, {bold('-F a.b=1')}, sets a nested field.",
        f"{bold('--cf')} {italic('NAME=VALUE')} sets a custom field in Halo's "
        f"{bold('customfields')} array, replacing an entry of the same name in the body.",
        "Input that is not valid is refused before anything is sent, with the line and "
        "column in the message and exit status 2.",
        f"Empty input to {bold('-')} or {bold('@FILE')} (nothing, or only blank lines) is "
        "zero records: nothing is sent and the exit status is 0, so a pipeline whose "
        "filter matched nothing does not fail.")
    page.paragraph(
        f"{bold('update')} {italic('ID')} {italic('BODY')} sets the id of the record from "
        f"{italic('ID')}; {bold('update -')} takes records that each carry their "
        f"{bold('id')}.",
        f"{bold('update')} {italic('ID')} is one request: a refusal is one line on standard "
        f"error with its own exit status, as for {bold('get')} {italic('ID')} (4 for an id "
        f"that does not exist), and the record also goes to the {bold('--failed')} file.",
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
        "A batch answered with a timeout, a dropped connection, a 5xx, or a 2xx whose body "
        f"cannot be read (HTML, cut-off JSON) is {bold('unknown')}, never {bold('failed')}: "
        "the server may have saved it.",
        f"Without {bold('--failed')} each is one NDJSON line on standard error: "
        + code('{"outcome": ..., "number": N, "error": ..., "record": {...}}') + "; saved "
        "records that standard output could not take are reported there too, with their id.",
        f"{bold('--failed')} {italic('FILE')} is emptied before the first request (a path "
        "that cannot be written is exit status 2, nothing sent) and receives the failed and "
        "not sent records; unknown ones stay on standard error.",
        f"When {italic('FILE')} fails during the run (a full disk), the records it did not "
        "take are reported on standard error, the tally says where they are, and the exit "
        "status is 6.")
    page.paragraph(
        "A batch refused as a whole with 400, 404 (an update of a missing id), 409 or 422 "
        "is split in halves and sent again until each refused record stands alone, so "
        "every good record is saved; 401, 403 and 429 are not split.",
        "A POST answered 429 is retried, honouring Retry-After; when the retries run out "
        f"its records are {bold('not sent')}.")


def checked_names(page):
    page.section("CHECKED NAMES")
    page.paragraph(
        "Halo ignores a query parameter it does not know and answers with every record, so "
        "halo checks names against its catalogue of Halo's API before sending anything:",
        f"each {bold('--param')} name of a verb or of {bold('request')}, and each name in the "
        f"query string of request's {italic('PATH')}, must be one the catalogue documents "
        "for that method and path (in any case); each -F and -f field name of a "
        f"{bold('create')} or {bold('update')} (its top-level part) must be a field of the "
        "operation's body.",
        "Anything else is exit status 2, nothing sent, with the closest documented names.",
        "The paging parameters halo adds itself and count are always allowed; records read "
        f"from {italic('BODY')} and {bold('--cf')} names are not checked, nor are the "
        "operations halo reaches that Halo's API document leaves out.")
    page.paragraph(
        f"{bold('request')} to a method and path the catalogue does not know prints one "
        "warning line naming the closest known paths, and sends it.",
        f"{bold('--unchecked')} sends unchecked and without the warning, for a tenant newer "
        "than the catalogue.",
        f"{bold('halo api')} lists and shows the catalogue; see")
    page.macro(".BR halo-api (1).")


def dates(page):
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
        f"started less 5 minutes (an overlap for records saved while the run paged), by "
        f"Halo's clock: the {bold('Date')} header of Halo's answer to the first page, this "
        "machine's clock only when that answer has none.",
        f"A {italic('FILE')} holding a time later than Halo's clock is not trusted: the run "
        "warns and lists everything, as a first run does.",
        f"A run that fails or is interrupted leaves {italic('FILE')} as it was, so records "
        "may repeat at the overlap but none is skipped.",
        "So does a list that was not served whole: a record deleted or added while it is "
        "paged shifts the others across pages, so one may never come. Fewer records than "
        "announced, a record served twice or pages that repeat end the run with exit "
        f"status 5 and {italic('FILE')} as it was; the records written stay written and the "
        "next run lists them again.",
        f"{bold('--append-to')} {italic('OUT')} (with {bold('--checkpoint')} only) writes the "
        f"records to {italic('OUT')} together with the checkpoint instead of standard output: "
        "they are kept in an anonymous temporary file until the run succeeds; then the "
        f"checkpoint is rewritten with its old time and the size of {italic('OUT')}, the "
        f"records are appended and synced, and the checkpoint gets the new time and size. A "
        f"run killed at any moment leaves {italic('OUT')} with exactly the records of the "
        f"runs that succeeded, each once: the next run cuts back a half-made append to the "
        f"saved size. {italic('OUT')} must be written only by halo.",
        f"A {italic('FILE')} that does not hold one UTC date-time, that exists and is not a "
        f"regular file (a device, a named pipe), or an empty {italic('FILE')} name, is exit "
        "status 2, naming it, before anything is sent.",
        "The run must reach up to now, or the records it leaves out would never be listed: "
        f"{bold('--checkpoint')} with {bold('--limit')}, {bold('--updated-since')}, "
        f"{bold('--updated-until')}, a relative {bold('--end-date')} or a {bold('--param')} "
        "of the last-update window is exit status 2, nothing sent.")
    page.paragraph(
        f"{bold('get')} and {bold('delete')} take several ids, and {bold('-')} for ids read "
        f"from standard input, one per line or NDJSON records with an {bold('id')}.",
        "They go out one request each, in input order; each id that fails is one NDJSON "
        f"line on standard error ({bold('id')}, {bold('outcome')}, {bold('error')}), and an "
        "id that was only missing ends with exit status 4.",
        f"Deleting several ids accounts for each like a bulk write: when standard output is "
        "closed or fails, no further DELETE is sent, each id deleted but not written is "
        f"reported on standard error with outcome {bold('deleted')}, each id left as "
        f"{bold('not sent')}, a tally line follows, and the exit status is 6. SIGINT or "
        f"SIGTERM stops it alike: the id whose DELETE was under way is {bold('unknown')}, "
        f"the ids left {bold('not sent')}, then the tally; the exit status is 130 or 143.")


def output(page):
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
              "streams; long cells are cut with an ellipsis (numbers never: a wider id pushes its "
              "row) and control characters escaped; without a terminal width nothing is cut.")
    page.item(bold("csv"), "RFC 4180 with a header row, UTF-8, CRLF line ends; nested values "
              "as compact JSON, numbers and dates as Halo sent them; saved to a new file "
              "(> report.csv), it starts with a UTF-8 byte-order mark so that Excel reads it "
              "as UTF-8, while a pipe or a file appended to gets none.")
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
        f"under FIELDS in its page (with {bold('--query')}: the keys of the first result).",
        "A path that is null in every record written draws a warning on standard error "
        "naming it; the exit status stays 0.")
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


def configuration(page):
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
        f"The URL names its scheme ({bold('https://acme.halopsa.com')}): one without is "
        "exit status 3, naming where it came from, before anything is sent.",
        f"Plain {bold('http://')} is refused for any host but the loopback address unless "
        f"{bold('--insecure-http')} is given.")


def proxies(page):
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
        "Suffixes match host names only: an IP address matches the same address or a "
        "network holding it.",
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
        "exit status 3, naming the proxy without its credentials.",
        "A tunnel answered with a 5xx, or a proxy that cannot be reached, is a network "
        "failure: retried, then exit status 5, on one line naming the proxy.",
        f"A proxy URL halo cannot read ({bold('http://[::1')}, a port that is not a number, "
        "a scheme other than http or https) is exit status 3 before anything is sent, "
        "naming the setting it came from.",
        f"An {bold('https://')} proxy is spoken to over TLS; connections through a proxy "
        f"have the whole {bold('--timeout')} of the attempt.")


def rate_limit(page):
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
        "A 429 without Retry-After is tried again after 1 s, then 2, 4, 8 ... s for each "
        "further 429 in a row, never longer than the window takes to free; any wait over a "
        "second is told on standard error when it is a terminal.",
        "A 429 that comes again after the first wait is taken as the tenant's real limit "
        "for now: the requests in the window then, less the refused ones and a 10% margin, "
        "become every halo process's budget for one period, through the state file.",
        "A missing or unreadable state file is rebuilt, never an error; anything at its path "
        "that is not a small regular file (a symlink, a FIFO, a device) is replaced, never "
        "followed or read.",
        f"The lock is waited for at most {bold('--timeout')}; held longer by another "
        "process, it ends the command with exit status 5 and a line naming the state file.",
        "The cache directory is used only when it is a directory of the user's own; when it "
        "is not, or the state file cannot be used, the budget is kept by that process alone "
        "and standard error says so on one line.")
    page.paragraph(
        "A list chooses how many pages to fetch ahead from what it observes: one at a time "
        "while the waiting in a round trip is short against the work of a page (halo's own "
        "sending, reading and writing, which only one thread at a time can do: a fast or "
        "local server), up to 8 when the waiting is the longer and fetching ahead really "
        "proves faster, "
        f"never more than a tenth of the budget, and one at a time after a 429. "
        f"{bold('--concurrency')} {italic('N')} fixes the number.")
    page.paragraph(
        f"{bold('halo sandbox --rate-limit')} {italic('N/PERIOD')} (and "
        f"{bold('halo --sandbox --rate-limit')} {italic('N/PERIOD')}) plays a rate-limited "
        "tenant: beyond N requests in any rolling PERIOD it answers 429 without "
        "Retry-After, as Halo does, so a script can be rehearsed against it.")


def limits(page):
    page.section("LIMITS AND SECURITY")
    page.paragraph(
        f"An answer is read into memory up to {bold('--max-answer')} bytes of decoded size "
        "(default 64M); a gzip answer is inflated a piece at a time and stops at the cap.",
        "A larger answer is exit 5, naming the cap. File answers (PDFs, attachments) are "
        f"not capped: they stream to the {bold('-O')} file or standard output.")
    page.paragraph(
        "Any valid JSON is read and written: a string holding a lone surrogate escape "
        "is written back with that escape (valid UTF-8 in every format), and a record "
        "nested deeper than 254 levels is written as received; neither fails a list or a "
        "bulk write.")
    page.paragraph(
        f"{bold('--timeout')} bounds each attempt from connecting to the last byte, on "
        "every connection (also one opened after the server closed the one before), so a "
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
        "characters, brackets or line breaks, and a URL, proxy, rate or output format it "
        "could not use (exit 2, nothing written); it saves url, tenant, client_id, "
        "client_secret, scope, proxy, rate and output from the flags and environment. It "
        "replaces the file whole: a "
        "symlink at its path is replaced, not written through, and the mode is 0600.")
    page.paragraph(
        "Flag values must be valid UTF-8, a --query may nest at most 100 deep, and an id "
        "or PATH that URL normalisation would change (a segment that is '.' or '..' once "
        "percent-decoded, or holds an encoded slash or a backslash) is refused: exit 2, "
        "nothing sent. Other characters are percent-encoded as sent (UTF-8), and "
        f"{bold('--dry-run')} shows that URL byte for byte.",
        "Settings from the environment that are not valid UTF-8 are exit 3 naming the "
        "variable, before any request; no Python warning is ever printed.",
        "Server text on standard error has control characters and escape sequences shown "
        "escaped (\\ex1b), and secrets cut out in plain, URL-encoded and base64 form.",
        "On a terminal standard output, table, csv, tsv and -r text show control "
        "characters escaped, and JSON writes C1 controls, line separators and "
        "bidirectional overrides as \\eu009b escapes; a file or a pipe gets the data "
        "unchanged.",
        f"An {bold('-O')} file that cannot be written (a directory, a missing directory, a "
        "full disk) is exit 6, naming the path and the system's reason; no partial file "
        "is left.",
        f"An {bold('-O')} or {bold('--failed')} path that exists and is not a regular file "
        "(a device such as /dev/null, a named pipe) is written straight into, as curl -o "
        "does, never replaced: /dev/null discards, a pipe's reader gets the bytes, /dev/full "
        "is exit 6.")


def names(page):
    """NAMES FOR IDS: names and me in place of ids, the lookup cache, labels."""
    page.section("NAMES FOR IDS")
    page.paragraph(
        "A flag whose value is the id of another resource (its help says "
        f"{italic('id or name of')} the resource) also takes that record's name: "
        f"{bold('--client-id')} 'Acme Corp', {bold('--status-id')} Closed, "
        f"{bold('--priority')} High,Low.",
        "A value of digits is an id, as always; a name is the id of the one record of "
        "exactly that name, ignoring case, found before anything of the command is sent.",
        f"{bold('me')} is the caller's own record, for agents, users and clients "
        f"({bold('--agent-id me')}).",
        "A priority name gives the integer tickets carry (the priority's priorityid), not "
        "its GUID.")
    page.paragraph(
        "Several records of that name are exit 2, listing their ids and what tells them "
        "apart (a site's client); no such record but similar names is exit 2 with "
        f"{italic('did you mean')}; nothing at all is exit 2 naming the resource searched.",
        f"Under {bold('-v')} each resolution is shown on standard error.",
        f"{bold('--dry-run')} sends nothing: it prints the lookups it would make (lines "
        "with " + bold('"lookup": true') + f"), then the requests with each name still to be "
        f"resolved shown as {bold('<NAME>')} and listed under {bold('unresolved')}.")
    page.paragraph(
        "A lookup is one request per distinct name, Halo's search where the list has one, "
        "else the whole list (statuses, priorities, teams...), which then answers every "
        "other name of it too; lookups count against the rate budget.",
        "Their answers are kept in a per-tenant file in the cache directory (mode 0600; a "
        "file that is not a small regular file of ours for that tenant is ignored and "
        f"replaced) for {bold('HALO_LOOKUP_TTL')} (90s, 10m, 1h; default 10 minutes; 0 "
        "keeps nothing between runs), so a cron job run every minute does not look the "
        "same name up every time.",
        "Shell completion offers the names in it, without a request.")
    page.paragraph(
        f"{bold('--labels')} adds a name beside each id Halo sent without one: "
        f"{bold('status_name')} beside {bold('status_id')}, and priority_name, agent_name, "
        "team_name, tickettype_name, sla_name...",
        "It never replaces a field Halo sent and never changes an id; an id whose name is "
        "not known stays bare, without an error.",
        "A list Halo serves whole (statuses, priorities, ticket types, SLAs, teams, "
        "agents) is read at most once per cache period, and only when a record needs it; "
        "the ids of paged lists (clients, sites, users) get the names already in the "
        "cache.",
        f"{bold('-o table')}, {bold('csv')} and {bold('tsv')} add the labels their columns "
        f"show by default ({bold('--no-labels')}: none); NDJSON and JSON stay exactly what "
        f"Halo sent unless {bold('--labels')} is given, so a pipeline makes no hidden "
        "request.")
