"""Names for ids: `--client-id "Acme Corp"`, `--agent-id me`, resolved before anything of
the command is sent.

The parser keeps a name as a Name (halo_lib.values); here each becomes the id of the one
record of exactly that name (case-insensitive), found through the lookup cache
(halo_lib.run.lookups). Several records of that name, none, or only near ones are exit 2
naming the candidates, and the command itself is not sent. --dry-run sends nothing: it
shows the lookups it would make and the value still to be resolved.
"""
from halo_lib.errors import UsageError, printable
from halo_lib.values import Name, Names

SHOWN = 5          # candidates named in a message


def resolve(invocation, env):
    """The invocation with every name replaced by its id."""
    resolver = _Resolver(env)
    return _replaced(invocation, resolver.value)


def unresolved(invocation, env):
    """--dry-run: (the invocation with each name the cache cannot answer shown as
    `<NAME>`, the lookup requests that would answer them, {Halo name: [{resource, name}]}
    still to resolve). Nothing is sent."""
    dry = _DryRun(env)
    return _replaced(invocation, dry.value), list(dry.requests.values()), dry.pending


class _DryRun:
    """Names answered from the fresh cache alone; the rest noted with their lookups."""

    def __init__(self, env):
        from halo_lib.run.lookups import Lookups
        self.lookups = Lookups(env)
        self.requests = {}     # URL -> Request: a whole list read once for many names
        self.pending = {}

    def value(self, opt, given):
        return _each(opt, given, lambda name: self.shown(opt, name))

    def shown(self, opt, name):
        found = self.cached(opt, name)
        if found is None:
            self.pending.setdefault(opt.name, []).append({"resource": opt.ref, "name": name})
            return f"<{name}>"
        return found

    def cached(self, opt, name):
        from halo_lib.resources import BY_NAME
        from halo_lib.run.lookups import me_request, name_request
        lookups, resource = self.lookups, BY_NAME[opt.ref]
        if name.lower() == "me" and resource.me:
            found, request = lookups.cache.my_id(opt.ref), me_request(resource)
        elif lookups.known(opt.ref, name):
            return _only(opt, name, *lookups.records_named(opt.ref, name))
        else:
            found, request = None, name_request(resource, name)
        if found is None:
            self.requests.setdefault(request.url(""), request)
        return found


def _replaced(invocation, value):
    """A copy of the invocation with value(opt, given) for every filter and field."""
    def swap(pairs):
        return tuple((opt, value(opt, given) if isinstance(given, (Name, Names)) else given)
                     for opt, given in pairs)
    facts = {name: getattr(invocation, name) for name in type(invocation).__annotations__}
    facts.update(filters=swap(invocation.filters), fields=swap(invocation.fields))
    return type(invocation)(**facts)


def _each(opt, given, one):
    """A Name -> one(name); Names (a comma-separated list) -> the ids joined by commas."""
    if isinstance(given, Name):
        return one(given)
    return ",".join(str(part if not isinstance(part, Name) else one(part)) for part in given)


class _Resolver:
    def __init__(self, env):
        from halo_lib.run.lookups import Lookups
        self.env = env
        self.lookups = Lookups(env)

    def value(self, opt, given):
        return _each(opt, given, lambda name: self.id_of(opt, name))

    def id_of(self, opt, name):
        from halo_lib.resources import BY_NAME
        lookups, resource = self.lookups, BY_NAME[opt.ref]
        if name.lower() == "me" and resource.me:
            cached = lookups.cache.my_id(opt.ref) is not None
            found = lookups.my_id(opt.ref)
            self._tell(opt, name, found, cached)
            return found
        cached = lookups.known(opt.ref, name)
        exact, seen = lookups.records_named(opt.ref, name)
        found = _only(opt, name, exact, seen, lookups.cut_short(opt.ref, name))
        self._tell(opt, name, found, cached)
        return found

    def _tell(self, opt, name, found, cached):
        if self.env.settings.verbose:
            how = "from the lookup cache" if cached else "looked up"
            self.env.streams.err(f"* --{opt.flag} {printable(name)!r} is {opt.ref} {found} "
                                 f"({how})")


def _only(opt, name, exact, seen, cut=False):
    """The id of the one record named `name`; exit 2 naming the candidates otherwise
    (cut: the search matched more records than the page compared)."""
    ids = {}
    for record_id, record_name, detail in exact:
        ids.setdefault(record_id, (record_name, detail))
    if len(ids) == 1:
        return next(iter(ids))
    flag, shown = f"--{opt.flag} {printable(name)!r}", printable(name)
    if ids:
        listed = "; ".join(_candidate(i, n, d) for i, (n, d) in list(ids.items())[:SHOWN])
        more = f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else ""
        raise UsageError(f"{flag}: {len(ids)} {opt.ref} have this name: {listed}{more}; "
                         "give the id (the command was not sent)")
    if cut:
        raise UsageError(f"{flag}: Halo's search matched more {opt.ref} than one page holds "
                         "and none on it has exactly this name; give the id (the command "
                         "was not sent)")
    near = _near(name, seen)
    if near:
        raise UsageError(f"{flag}: no {opt.ref} record has this name; did you mean "
                         + " or ".join(repr(printable(n)) for n in near)
                         + "? (the command was not sent)")
    raise UsageError(f"{flag}: no {opt.ref} record is named {shown!r} (searched {opt.ref}; "
                     "the command was not sent)")


def _candidate(record_id, name, detail):
    words = f"{record_id} {printable(name)!r}"
    return f"{words} ({printable(detail)})" if detail else words


def _near(name, seen):
    """Names like this one: those holding it (a search's other answers), then those
    difflib finds close."""
    import difflib
    wanted = name.casefold()
    names = list(dict.fromkeys(n for _, n, _ in seen))
    holding = [n for n in names if wanted in n.casefold()]
    folded = {n.casefold(): n for n in names}
    close = [folded[n] for n in difflib.get_close_matches(wanted, list(folded), n=SHOWN,
                                                           cutoff=0.75)]
    return list(dict.fromkeys(holding + close))[:SHOWN]
