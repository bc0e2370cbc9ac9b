"""The top man page, halo(1): synopsis, global options, input, dates, output, settings,
environment, files, examples and exit status."""
from halo_lib import config
from halo_lib.docs.entries import add_exit_status, add_options
from halo_lib.docs import topics
from halo_lib.docs.examples import TOP_EXAMPLES, add_examples
from halo_lib.docs.model import GLOBAL_GROUP, groups, options, other_commands, subcommands
from halo_lib.docs.roff import Page, bold, italic, roff
from halo_lib.options import WEBHOOK_SECRET_ENV
from halo_lib.resources import BY_NAME


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
    topics.records_in(page)
    topics.checked_names(page)
    topics.dates(page)
    topics.output(page)
    topics.names(page)
    topics.configuration(page)
    topics.proxies(page)
    topics.rate_limit(page)
    _top_environment(page, top)
    _top_files(page)
    topics.limits(page)
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
    add_examples(page, TOP_EXAMPLES)
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
        f"Every query parameter Halo documents for a {bold('list')} or {bold('get')} is a "
        f"flag: {bold('--help')} shows those described here, {bold('--help-all')} the "
        "others too.",
        f"{bold('halo request')} reaches any other endpoint.")


def _top_commands(page, top):
    page.section("COMMANDS")
    for name, help, _ in subcommands(top):
        page.item(bold(name), f"{roff(help)}; see {bold('halo-' + name)}(1).")














def _environment(top):
    """[(variable, meaning)]: the settings, the variables named in the global flags' help,
    then the locations."""
    flags = {}
    for action in groups(top).get(GLOBAL_GROUP, []):
        if action.env:
            flags[action.env] = action
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
        ("XDG_CACHE_HOME", "where access tokens, the rate budget's state and the lookup "
                           "cache are kept (default ~/.cache)"),
        ("HALO_LOOKUP_TTL", "how long looked-up names are kept, e.g. 90s, 10m (the default), "
                            "1h, or 0; see NAMES FOR IDS"),
        (WEBHOOK_SECRET_ENV, f"the password, token or key {bold('halo webhooks listen')} "
                             "checks; see halo-webhooks(1)"),
    ]
    return found


def _flag_meaning(action):
    """`base URL of the Halo tenant, as --url`, from the flag's help."""
    help = action.help
    return f"{roff(help)}, as {bold(action.flags[-1])}"


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
              ", the rate budget's state (mode 0600), one per tenant URL and client id; and "
              + bold("names-*") + ", the lookup cache of names (mode 0600, plain text, one "
              "record a line), one per tenant URL, tenant and client id.")
