"""Finding the records other options refer to: by name, as `me`, or a whole list of names
for labels, through the lookup cache (halo_lib.run.lookupcache).

A request is sent only when the cache has no fresh answer: at most one per distinct name
(Halo's `search` where the list offers it, else the whole list, which is then known for
every other name of it too), one per `me`, one per list read for labels. Every one goes
through the API, so it counts against the shared rate budget and is logged under -v.
"""
from halo_lib.resources import BY_NAME, NAMING, PAGE_CAP
from halo_lib.run.lookupcache import Cache, cache_key, lifetime

# Flags of a list that make Halo show the records it hides by default (inactive clients,
# disabled agents, every status): a record a ticket refers to may be one of them.
_EVERYTHING = ("includeinactive", "includedisabled", "showinactive", "showall")


def cache_for(env):
    """The lookup cache of the tenant env points at (in memory only with --sandbox, whose
    records are its own, or without a usable cache directory)."""
    import os
    settings = env.settings
    key = cache_key(settings.url, settings.tenant, settings.client_id)
    directory = None if env.connection.sandbox else settings.cache_dir
    path = os.path.join(directory, f"names-{key}") if directory else None
    return Cache(path, key, lifetime(env.streams.env))


def searchable(resource):
    return any(o.name == "search" for o in resource.filters)


def name_request(resource, name):
    """The one request that finds the records of this name: a search, else the list."""
    from halo_lib.http.api import Request
    if not searchable(resource):
        return whole_request(resource)
    params = [("search", name)] + _everything(resource)
    if resource.paged:
        params += [("pageinate", "true"), ("page_size", PAGE_CAP), ("page_no", 1)]
    return Request("GET", resource.path, params)


def whole_request(resource):
    from halo_lib.http.api import Request
    return Request("GET", resource.path, _everything(resource))


def _everything(resource):
    declared = {o.name for o in resource.filters}
    return [(name, "true") for name in _EVERYTHING if name in declared]


def me_request(resource):
    from halo_lib.http.api import Request
    return Request("GET", resource.path + "/me")


def entry(resource_name, record):
    """(id, name, detail) of a record, or None when it lacks either. detail: the fields
    that tell records of the same name apart, as `field=value` words."""
    name_field, id_field, details = NAMING[resource_name]
    record_id, name = record.get(id_field), record.get(name_field)
    if not is_id(record_id) or not isinstance(name, str) or not name:
        return None
    detail = " ".join(f"{field}={record[field]}" for field in details
                      if record.get(field) not in (None, ""))
    return record_id, name, detail


def is_id(value):
    """Whether a record's id field holds an id (not empty, 0, a boolean or a structure)."""
    return value not in (None, "", 0) and not isinstance(value, (bool, dict, list))


class Lookups:
    """The lookups of one run: its cache, and the API it sends through when it must."""

    def __init__(self, env):
        self.env = env
        self.cache = cache_for(env)
        self.cut = set()     # (resource, name) whose search answer was cut at one page

    def known(self, resource_name, name):
        """Whether the cache can answer for this name without a request."""
        cache = self.cache
        return cache.whole(resource_name) or cache.searched(resource_name, name)

    def records_named(self, resource_name, name):
        """((id, name, detail) of the records of exactly this name, case-insensitive,
        every record seen that is named like it), looking up when the cache cannot tell."""
        if not self.known(resource_name, name):
            self._look_up(resource_name, name)
        wanted = name.casefold()
        seen = self.cache.named(resource_name)
        return [e for e in seen if e[1].casefold() == wanted], seen

    def my_id(self, resource_name):
        found = self.cache.my_id(resource_name)
        if found is None:
            resource = BY_NAME[resource_name]
            record = self.env.api.json(me_request(resource), what=f"lookup of "
                                       f"{resource_name} me")
            id_field = NAMING[resource_name][1]
            found = record.get(id_field) if isinstance(record, dict) else None
            if not is_id(found):
                from halo_lib.errors import ApiError
                raise ApiError(f"GET {resource.path}/me answered no {resource_name} record")
            named = entry(resource_name, record)
            if named is not None:
                self.cache.learn(resource_name, [named])
            self.cache.learn_me(resource_name, found)
            self.cache.save()
        return found

    def names(self, resource_name):
        """{id text: name} for labels: a list served whole is read once per cache period;
        a paged one (clients, users...) only gives the names already in the cache."""
        resource = BY_NAME[resource_name]
        if not resource.paged and not self.cache.whole(resource_name):
            self._store(resource_name, self._fetch(whole_request(resource), resource)[0],
                        whole=True)
        return {str(record_id): name for record_id, name, _ in self.cache.named(resource_name)}

    def cut_short(self, resource_name, name):
        """Whether the search for this name matched more records than its one page held
        (so "no record of that name" is not certain)."""
        return (resource_name, name.casefold()) in self.cut

    def _look_up(self, resource_name, name):
        resource = BY_NAME[resource_name]
        request = name_request(resource, name)
        records, total = self._fetch(request, resource)
        whole = not searchable(resource)
        if not whole and total is not None and total > len(records):
            self.cut.add((resource_name, name.casefold()))
            self._store(resource_name, records)   # no search noted: not a whole answer
            return
        self._store(resource_name, records, whole=whole, term=None if whole else name)

    def _fetch(self, request, resource):
        """(the records of a list answer, the record_count it announced or None)."""
        from halo_lib.http.paging import records_of
        doc = self.env.api.json(request, what=f"lookup in {request.method} /api{resource.path}")
        total = doc.get("record_count") if isinstance(doc, dict) else None
        records = [r for r in records_of(doc, resource.key) if isinstance(r, dict)]
        return records, total if isinstance(total, int) else None

    def _store(self, resource_name, records, whole=False, term=None):
        entries = [e for e in (entry(resource_name, r) for r in records) if e is not None]
        self.cache.learn(resource_name, entries, whole=whole, term=term)
        self.cache.save()
