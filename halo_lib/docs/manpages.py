"""halo's man pages from the command tree (halo_lib.docs.model): the top page halo(1)
(toppage.py), one page per resource and one per other command. `man_pages(top)` returns
them; `python -m halo_lib.docs` writes them to man/. roff.py writes roff; examples.py holds
the examples; entries.py the option entries every page shares.
"""
from halo_lib.docs.entries import (add_exit_status, add_options, add_positionals, option_body,
                                   option_tag, usage_words)
from halo_lib.docs.examples import COMMAND_EXAMPLES, add_examples, resource_examples, sample_id
from halo_lib.docs.model import (GLOBAL_GROUP, global_flags, groups, options, other_commands,
                                 positionals, resource_verbs)
from halo_lib.docs.roff import Page, bold, italic, roff, sentence
from halo_lib.docs.toppage import top_page
from halo_lib.cli.spec import DOCUMENTED_TITLE
from halo_lib.resources import INT, STR, UUID

TYPED_GROUPS = ("filters", "query", DOCUMENTED_TITLE, "fields")


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
    described = parser.kind.description or ()
    for paragraph in (described,) if isinstance(described, str) else described:
        page.paragraph(roff(paragraph))
    add_positionals(page, parser)
    found = groups(parser)
    for title in TYPED_GROUPS:
        if title == DOCUMENTED_TITLE and found.get(title):
            page.paragraph(f"The other query parameters Halo documents for {bold(verb.path)}, "
                           "each a flag named after it (the switches send true):")
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
