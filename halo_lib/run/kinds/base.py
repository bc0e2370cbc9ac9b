"""The base of every verb kind, and the registry the kinds enter by being defined."""
from abc import ABC, abstractmethod

from halo_lib.options import ID_VALUES, Option, param_option

KINDS = {}


class Kind(ABC):
    """A kind of verb. Subclasses set `name` and override what differs:

    positionals(resource, verb) and options(resource, verb): the arguments its verbs take
    (facts of halo_lib.options; the parser, the help and the docs read them);
    plan(invocation, env): the requests to send and how their answers are presented;
    examples(sample, verb): command lines for the man pages.
    """

    name = None
    filter_title = "query"    # the help group of the verb's typed query flags
    resource_records = False  # answers are the resource's records: its default columns
    description = None        # how its verbs behave, for the man page, when it needs saying
                              # (a paragraph, or a tuple of them)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.name:
            KINDS[cls.name] = cls()

    def positionals(self, resource, verb):
        return id_positionals(resource, verb)

    def options(self, resource, verb):
        return [param_option()]

    @abstractmethod
    def plan(self, invocation, env):
        """The Plan of one invocation (every named kind defines it)."""

    example_rank = 99    # where its examples come in a man page

    def example_key(self, verb):
        """Verbs sharing a key share examples (those of the first such verb); None: none."""
        return self.name

    # (what it does, command line) templates; {name}, {one}, {two}, {narrow} and {verb}
    # come from the sample (halo_lib.docs.examples.Sample) and the verb.
    example_lines = ()

    def examples(self, sample, verb):
        facts = {"name": sample.name, "one": sample.one, "two": sample.two,
                 "narrow": sample.narrow, "verb": verb.name}
        return [(what.format(**facts), line.format(**facts))
                for what, line in self.example_lines]

    def __repr__(self):
        return f"<kind {self.name}>"


def kind_named(name):
    return KINDS[name]


def id_positionals(resource, verb):
    """The ID argument(s) a verb's `ids` fact asks for."""
    id_value = ID_VALUES[resource.id_type] if resource else "id"
    return {
        "one": [Option((), "id", "id of the record", value=id_value, metavar="ID")],
        "many": [Option((), "ids", "ids of the records; '-' reads ids from stdin, one a line "
                                   "or NDJSON records with an id", value=id_value,
                        metavar="ID", nargs="+", dash=True)],
        "list": [Option((), "ids", "ids sent as a JSON array", value="id", metavar="ID",
                        nargs="+")],
        "optional": [Option((), "target", "id of the record (omit when BODY records carry "
                                          "ids)", metavar="ID", nargs="?")],
    }.get(verb.ids, [])


def query_params(invocation, env):
    """Typed filter flags (in the table's order), then the --param pairs, whose names are
    checked against the catalogue first. Dates go out as Halo reads them, relative ones
    counted back from the injected clock's now."""
    if invocation.params and not invocation.unchecked:
        from halo_lib.run.checks import check_query
        verb = invocation.verb
        check_query(verb.method, verb.path, [name for name, _ in invocation.params])
    filters = [(opt, value) for opt, value in invocation.filters if value not in (None, False)]
    if not filters:    # halo_lib.when compiles its date patterns when imported
        return list(invocation.params)
    from halo_lib.when import wire_value
    now = env.streams.now
    params = [(opt.name, "true" if value is True else wire_value(value, now))
              for opt, value in filters]
    return params + list(invocation.params)


def field_values(invocation, now):
    """Typed field flags as {Halo name: value}, and --cf pairs as Halo's customfields."""
    from halo_lib.when import wire_value
    fields = {opt.name: wire_value(value, now) for opt, value in invocation.fields
              if value not in (None, False)}
    if invocation.writing.custom_fields:
        fields["customfields"] = [{"name": name, "value": value}
                                  for name, value in invocation.writing.custom_fields]
    return fields
