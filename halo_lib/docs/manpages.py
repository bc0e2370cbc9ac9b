"""halo's man pages from the command tree (halo_lib.docs.model): the top page halo(1), one
page per resource and one per other command. `man_pages(top)` returns them; `python -m
halo_lib.docs` writes them to man/. roff.py writes roff; examples.py holds the examples.
"""
from halo_lib import config
from halo_lib.errors import EXIT_STATUS
from halo_lib.docs.examples import (COMMAND_EXAMPLES, TOP_EXAMPLES, add_examples,
                                    resource_examples, sample_id)
from halo_lib.docs.model import (GLOBAL_GROUP, global_flags, groups, options, other_commands,
                                 positionals, resource_verbs, subcommands)
from halo_lib.docs.roff import Page, bold, italic, roff, sentence
from halo_lib.resources import BY_NAME, INT, STR, UUID

TYPED_GROUPS = ("filters", "query", "fields")


def option_tag(action):
    """`\\fB\\-o\\fR, \\fB\\-\\-output\\fR \\fIndjson|json\\fR`"""
    tag = ", ".join(bold(flag) for flag in action.flags)
    if action.takes_value:
        tag += " " + italic(action.value_name)
    return tag


def option_body(parser, action):
    """The help of an option as prose, with the Halo name it sets or its variable."""
    if action.halo:
        where = "query parameter" if action.halo[0] == "query" else "body field"
        return f"{roff(action.help)}; sets the Halo {where} {bold(action.halo[1])}."
    if action.env:
        return f"{roff(action.help)}; environment: {bold(action.env)}."
    return roff(action.help) + "."


def add_options(page, parser, actions):
    for action in actions:
        page.item(option_tag(action), option_body(parser, action))


def add_positionals(page, parser):
    for action in positionals(parser):
        page.item(italic(action.metavar or action.dest), roff(action.help) + ".")


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
    _top_configuration(page)
    _top_environment(page, top)
    _top_files(page)
    add_exit_status(page)
    page.paragraph("A closed standard output (as in " + bold("halo tickets list | head -1") +
                   ") ends the command quietly, and no further pages are fetched.")
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


def _top_configuration(page):
    page.section("CONFIGURATION")
    page.paragraph(
        "Each setting is taken from the first of: a global flag, the environment, the "
        "profile file, the default.",
        f"The profile file is INI, with a {bold('[default]')} section and one "
        f"{bold('[profile NAME]')} section per other profile, each holding "
        + ", ".join(bold(key) for key in config.KEYS) + ":")
    page.literal("[default]", "url = https://acme.halopsa.com", "tenant = acme",
                 "client_id = 0c1d2e3f-example", "client_secret = example-secret",
                 "", "[profile work]", "url = https://halo.example.com",
                 "client_id = 4a5b6c7d-example", "client_secret = example-secret")
    page.paragraph(
        f"{bold('halo configure')} writes a section with mode 0600; a file holding a client "
        "secret that others can read draws a warning.",
        f"The client secret has no flag, so that it never shows in {bold('ps')}(1): it comes "
        f"from {bold(config.ENV['client_secret'])} or the profile file.",
        f"Plain {bold('http://')} is refused for any host but the loopback address unless "
        f"{bold('--insecure-http')} is given.")


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
        ("XDG_CACHE_HOME", "where access tokens are cached (default ~/.cache)"),
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
              "scope, reused until shortly before they expire.")


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
    page.section("GLOBAL OPTIONS")
    page.paragraph("Every verb also accepts the global options of")
    page.macro(".BR halo (1),")
    page.text("before the resource name or after the verb: "
              + ", ".join(bold(f) for f in global_flags(top) if f.startswith("--")) + ".")
    add_examples(page, resource_examples(resource), sample_id(resource))
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
    add_positionals(page, parser)
    found = groups(parser)
    for title in TYPED_GROUPS:
        add_options(page, parser, found.get(title, []))
    own = [a for a in found.get("options", []) if a.dest != "help"]
    if own:
        page.paragraph("Options: " + ", ".join(bold(a.flags[-1]) for a in own)
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
            key = (tuple(action.flags), action.help)
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
        add_examples(page, COMMAND_EXAMPLES[name])
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
