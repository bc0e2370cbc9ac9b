"""Labels: a name beside each id Halo sent without one (`status_name` beside `status_id`).

On with --labels, and by default with -o table, csv and tsv (--no-labels turns them off);
NDJSON and JSON stay exactly what Halo sent unless --labels is given, so a pipeline never
makes a hidden request. A label never replaces a field Halo sent and never changes an id;
an id without a known name stays bare, without an error.

The names come from the lookup cache (halo_lib.run.lookups): a list Halo serves whole
(statuses, priorities, ticket types, SLAs, teams, agents...) is read at most once per
cache period, and only when a record needs it; the ids of a paged list (clients, sites,
users...) get the names already in the cache, since reading it whole costs a request a
page.
"""
from halo_lib.errors import HaloError
from halo_lib.resources import REFERENCES

# (id field, referenced resource, label field) of every labelled reference of a record.
LABELLED = tuple((key, resource, key[:-len("_id")] + "_name")
                 for key, resource in REFERENCES.items() if key.endswith("_id"))
LABELS = {label for _, _, label in LABELLED}


def wanted(fmt, explicit, refused, columns, query):
    """The labels a run adds: None for none, else the set of label fields (every one, or
    only those among the table's columns, when nothing else can see the rest)."""
    from halo_lib.errors import UsageError
    if explicit and refused:
        raise UsageError("--labels and --no-labels contradict each other; give one")
    if refused or not (explicit or fmt in ("table", "csv", "tsv")):
        return None
    if fmt in ("table", "csv", "tsv") and columns and not query:
        return {path[0] for _, path in columns} & LABELS
    return set(LABELS)


class Labeller:
    """records -> the same records with labels added; each list is read on first need."""

    def __init__(self, env, labels, beside=True):
        self.env = env
        # beside: each label right after its id (NDJSON, JSON); a table's columns have
        # their own order, so there a label is simply added (a third of the cost).
        self.beside = beside
        self.fields = tuple(f for f in LABELLED if f[2] in labels)
        self.unread = {resource for _, resource, _ in self.fields}
        self.names = {}          # resource -> {id text: name}
        self.lookups = None

    def __call__(self, records):
        if not self.fields:
            return records
        if self.unread:   # once every list is read, a page is not scanned twice
            needed = self._needed(records)
            if not needed:
                return records
            for resource in needed & self.unread:
                self.names[resource] = self._load(resource)
                self.unread.discard(resource)
        return [self._labelled(r) if isinstance(r, dict) else r for r in records]

    def document(self, doc):
        if isinstance(doc, dict):
            return self([doc])[0]
        if isinstance(doc, list):
            return self(doc)
        return doc

    def _needed(self, records):
        found = set()
        for record in records:
            if not isinstance(record, dict):
                continue
            for key, resource, label in self.fields:
                if label not in record and record.get(key) not in (None, 0, ""):
                    found.add(resource)
        return found

    def _load(self, resource):
        if self.lookups is None:   # a bad HALO_LOOKUP_TTL is an error here (exit 3)
            from halo_lib.run.lookups import Lookups
            self.lookups = Lookups(self.env)
        try:
            return self.lookups.names(resource)
        except HaloError as exc:   # no label is no error: the ids stay bare
            if self.env.settings.verbose:
                self.env.streams.err(f"* no labels from {resource}: {exc}")
            return {}

    def _labelled(self, record):
        added = {}
        for key, resource, label in self.fields:
            value = record.get(key)
            if label in record or value in (None, 0, "") or isinstance(value, (dict, list)):
                continue
            name = self.names.get(resource, {}).get(str(value))
            if name is not None:
                added[key] = (label, name)
        if not added:
            return record
        if not self.beside:
            record.update(added.values())
            return record
        out = {}
        for key, value in record.items():   # each label right after its id
            out[key] = value
            if key in added:
                label, name = added[key]
                out[label] = name
        return out
