"""Records of one resource: generated ones plus the overlay of writes made while serving."""

import base64
import binascii
import collections
import threading
import time
import uuid

from halo_lib.sandbox.data import iso
from halo_lib.sandbox.words import PRIORITIES, STATUSES
from halo_lib.sandbox import columns
from halo_lib.sandbox.query import TESTS, sort_key
from halo_lib.sandbox.types import documented_types, type_problems
from halo_lib.sandbox.wire import ApiError, error, guess_type

# Fields a create must carry, non-blank (Halo refuses a ticket without a summary).
REQUIRED = {"tickets": ("summary",)}
# A child names its parent: a create (or a move) to a parent that does not exist is refused,
# as Halo refuses an action or an attachment for a missing ticket. Fields required non-zero
# are marked True.
PARENTS = {"actions": (("ticket_id", "tickets", True),),
           "attachments": (("ticket_id", "tickets", False), ("action_id", "actions", False))}
# Derived fields: an id field -> (the resource it names, the field of ours holding its name).
DERIVED = {"status_id": ("statuses", "status_name"), "agent_id": ("agents", "agent_name"),
           "client_id": ("clients", "client_name"), "site_id": ("sites", "site_name"),
           "user_id": ("users", "user_name"), "tickettype_id": ("ticket-types", "tickettype_name"),
           "sla_id": ("slas", "sla_name"), "toplevel_id": ("top-levels", "toplevel_name"),
           "supplier_id": ("suppliers", "supplier_name"), "who_agentid": ("agents", "who"),
           "priority_id": (None, "priority_name")}
QUERY_CACHE = 8        # filtered id lists kept per resource, so paging a filter is cheap


class Keys:
    """The ids of a list in server order: a base part (often a range) then created ids.

    Slicing a window is what a page needs, so 100,000 ids never become a Python list
    unless deletes or a filter make one necessary.
    """

    def __init__(self, base, tail=()):
        self.base, self.tail = base, tuple(tail)

    def __len__(self):
        return len(self.base) + len(self.tail)

    def window(self, start, stop):
        nb = len(self.base)
        head = list(self.base[start:min(stop, nb)]) if start < nb else []
        return head + list(self.tail[max(start - nb, 0):max(stop - nb, 0)])

    def __iter__(self):
        yield from self.base
        yield from self.tail


class Collection:
    """One resource: generated records plus the writes made while the sandbox runs."""

    def __init__(self, resource, data, new_uuid, registry=None, on_write=None,
                 generated=True):
        self.resource, self.name, self.id_type = resource, resource.name, resource.id_type
        self._field_types = None      # read on the first write (field_types)
        self.data, self.new_uuid = data, new_uuid
        self.registry = {} if registry is None else registry   # name -> Collection
        self.on_write = on_write   # (resource name, "create"/"update"/"delete", record)
        self.base_count = data.count(self.name) if generated else 0
        self.changed = {}        # key -> record: updated generated records and created ones
        self.created = []        # keys of created records, in creation order
        self.deleted = set()     # keys of generated records deleted
        self.contents = {}       # key -> file bytes stored with a record (attachments)
        self.next_id = self.base_count + 1
        self.version = 0         # bumped on every write: invalidates the cached views
        self.lock = threading.RLock()
        self._base_view = None   # (version, ids of generated records still present)
        self._queries = collections.OrderedDict()

    # ---- ids ------------------------------------------------------------------------------

    def key(self, raw):
        """The normalised id of `raw` (path text or JSON value), or 400 if malformed."""
        if self.id_type == "int":
            if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
                return raw
            text = str(raw).strip()
            if text.isascii() and text.isdigit():
                return int(text)
            raise error(400, f"invalid id {raw!r}: {self.name} ids are integers")
        if self.id_type == "uuid":
            try:
                return str(uuid.UUID(str(raw)))
            except ValueError:
                raise error(400, f"invalid id {raw!r}: {self.name} ids are UUIDs") from None
        text = str(raw).strip()
        if not text:
            raise error(400, f"invalid id: {self.name} ids are non-empty strings")
        return text.lower()

    def _public(self, index):
        return self.data.public_id(self.name, index, self.id_type)

    def _index(self, key):
        if not self.base_count:   # nothing generated (a group outside the table)
            return None
        return self.data.index_of(self.name, key, self.id_type)

    def get(self, key):
        rec = self.changed.get(key)
        if rec is not None or key in self.deleted:
            return rec
        index = self._index(key)
        return None if index is None else self.data.record(self.name, index)

    def keys(self):
        with self.lock:
            if self._base_view is None or self._base_view[0] != self.version:
                self._base_view = (self.version, self._present_base())
            return Keys(self._base_view[1], self.created)

    def _present_base(self):
        if self.id_type == "int" and not self.deleted:
            return range(1, self.base_count + 1)
        ids = (self._public(i) for i in range(1, self.base_count + 1))
        return [k for k in ids if k not in self.deleted]

    def records(self, keys, start, stop):
        for k in keys.window(start, stop):
            rec = self.get(k)
            if rec is not None:   # deleted since the ids were listed
                yield rec

    def first(self):
        keys = self.keys()
        return self.get(keys.window(0, 1)[0]) if len(keys) else None

    def sample(self):
        """A representative record, to know which fields the resource has."""
        if self.base_count:
            return self.data.record(self.name, 1)
        return next(iter(self.changed.values()), {})

    # ---- queries ---------------------------------------------------------------------------

    def select(self, query):
        """The ids matching a list query (filters and order), in answer order."""
        if not query.conditions and not query.order and not query.descending:
            return self.keys()
        with self.lock:
            signature = (query.signature, self.version)
            hit = self._queries.get(signature)
            if hit is not None:
                self._queries.move_to_end(signature)
                return hit
            changed = tuple(self.changed)
        # The scan (seconds for 100,000 tickets) runs unlocked: pages of other lists and
        # writes go on meanwhile, and a write made during it just leaves it uncached.
        keys = Keys(self._match(query, changed))
        with self.lock:
            if self.version == signature[1]:
                self._queries[signature] = keys
                if len(self._queries) > QUERY_CACHE:
                    self._queries.popitem(last=False)
        return keys

    def _candidates(self, query, changed):
        for field, values in query.equalities():
            narrowed = self.data.base_range(self.name, field, values[0]) if len(values) == 1 \
                else None
            if narrowed is not None and self.id_type == "int":
                # Changed records may have moved into (or out of) the narrowed set.
                return sorted(set(narrowed) | set(changed))
        return self.keys()

    def _match(self, query, changed):
        matched = self._from_columns(query, changed)
        if matched is None and not query.conditions:
            matched = list(self.keys())   # only an order: nothing to test
        elif matched is None:
            matched = []
            for k in self._candidates(query, changed):
                rec = self.get(k)
                if rec is not None and query.matches(rec):
                    matched.append(k)
        if query.order:
            field = query.order
            key = self._column_order(field)
            if field == "id" and self.id_type == "int":
                key = None   # integer ids order themselves
            elif key is None:
                key = lambda k: sort_key((self.get(k) or {}).get(field))  # noqa: E731
            matched.sort(key=key, reverse=query.descending)
        elif query.descending:
            matched.reverse()
        return matched

    def _column_order(self, field):
        """Order by a column of the generated records, when there is one and nothing has
        been written (a written record's value is only in the record)."""
        if self.id_type != "int" or not self.base_count or self.changed or self.deleted:
            return None
        return columns.order_key(self.data, self.name, field)

    def _from_columns(self, query, changed):
        """The matching ids when a column index answers some conditions, else None."""
        if self.id_type != "int" or not self.base_count:
            return None
        found = columns.match(self.data, self.name, query.conditions, self.base_count)
        if found is None:
            return None
        indexes, rest = found
        changed, created = set(changed), set(self.created)
        matched = []
        for k in indexes:
            if k in changed or k in self.deleted:
                continue   # a changed record is tested whole below; a deleted one is gone
            if rest and not all(TESTS[kind](self.get(k), f, a) for kind, f, a in rest):
                continue
            matched.append(k)
        moved = [k for k in changed if k not in created and query.matches(self.get(k))]
        if moved:
            matched = sorted(matched + moved)
        matched += [k for k in self.created if query.matches(self.get(k))]
        return matched

    # ---- writes ----------------------------------------------------------------------------

    def upsert(self, items):
        """Validate the whole batch, then save it: all or nothing."""
        with self.lock:
            plans = [self._plan(n, item) for n, item in enumerate(items, 1)]
            saved = [self._save(key, fields, content) for key, fields, content in plans]
            self._touch()
        for (key, _, _), rec in zip(plans, saved):
            self._event("create" if key is None else "update", rec)
        return saved

    def _event(self, what, rec):
        if self.on_write is not None:
            self.on_write(self.name, what, rec)

    def _plan(self, n, item):
        fields = dict(item)
        content = self._take_content(n, fields)
        raw_id = fields.pop("id", None)
        if raw_id in (None, 0, "", "0"):
            key = None
            for name in REQUIRED.get(self.name, ()):
                if not str(fields.get(name) or "").strip():
                    raise error(400, f"record {n}: {name} must not be empty")
        else:
            try:
                key = self.key(raw_id)
            except ApiError as e:
                raise error(400, f"record {n}: {e.message}") from None
            if self.get(key) is None:
                raise error(404, f"record {n}: no {self.name} record with id {raw_id}")
        for name in REQUIRED.get(self.name, ()):
            if name in fields and not str(fields[name] or "").strip():
                raise error(400, f"record {n}: {name} must not be empty")
        problems = type_problems(fields, self.field_types())
        if problems:
            raise error(400, f"record {n}: " + "; ".join(problems))
        self.check_parents(n, fields, creating=key is None)
        return key, fields, content

    def field_types(self):
        """The type of each body field: those Halo's API document gives this resource's
        POST, then those the table declares (stricter where they differ). A value Halo could
        not bind to its field is refused with 400 (halo_lib.sandbox.types). The document
        is read on the first write, so the sandbox starts as fast without it."""
        if self._field_types is None:
            types = documented_types(self.resource.path)
            types.update((opt.name, opt.type) for opt in self.resource.fields)
            self._field_types = types
        return self._field_types

    def check_parents(self, n, fields, creating=True):
        """Refuse a child whose parent does not exist (400, naming it)."""
        for field, parent, required in PARENTS.get(self.name, ()):
            value = fields.get(field)
            if value in (None, 0, "", "0"):
                if required and creating:
                    raise error(400, f"record {n}: {field} is required")
                continue
            other = self.registry.get(parent)
            try:
                found = other is not None and other.get(other.key(value)) is not None
            except ApiError:
                found = False
            if not found:
                raise error(400, f"record {n}: {parent[:-1]} {value} does not exist")

    @staticmethod
    def _take_content(n, fields):
        """Decode data_base64: the bytes are kept beside the record, not inside it."""
        data = fields.pop("data_base64", None)
        if data is None:
            return None
        try:
            content = base64.b64decode(str(data), validate=True)
        except (binascii.Error, ValueError):
            raise error(400, f"record {n}: data_base64 is not valid base64") from None
        fields["filesize"] = len(content)
        return content

    def _save(self, key, fields, content):
        if key is None:
            key = self._new_key()
            rec = {"id": key, **self._defaults(), **fields}
            self.created.append(key)
        else:
            rec = {**self.get(key), **fields}
        self._derive(rec, fields)
        if "last_update" in rec:
            rec["last_update"] = iso(int(time.time()))
        if content is not None:
            self.contents[key] = content
            if rec.get("filename") and not rec.get("content_type"):
                rec["content_type"] = guess_type(rec["filename"])
        self.changed[key] = rec
        return rec

    def _derive(self, rec, fields):
        """Names that follow ids: a new status_id brings its status_name, and so on."""
        sample = self.sample()
        for field, (other, name_field) in DERIVED.items():
            if field not in fields or (name_field not in rec and name_field not in sample):
                continue
            value = fields[field]
            if other is None:   # priorities are keyed by (sla, priority): names by number
                ok = isinstance(value, int) and 1 <= value <= len(PRIORITIES)
                rec[name_field] = PRIORITIES[value - 1][0] if ok else None
                continue
            col = self.registry.get(other)
            try:
                found = col.get(col.key(value)) if col is not None and value else None
            except ApiError:
                found = None
            rec[name_field] = (found or {}).get("name")

    def create(self, fields, content=None):
        with self.lock:
            rec = self._save(None, fields, content)
            self._touch()
        self._event("create", rec)
        return rec

    def _new_key(self):
        if self.id_type == "int":
            self.next_id += 1
            return self.next_id - 1
        return self.new_uuid()

    def _defaults(self):
        """What Halo fills in on a new record: the date it was made, a first status."""
        sample, now = self.sample(), iso(int(time.time()))
        fields = {name: now for name in ("dateoccurred", "datecreated", "date_created",
                                         "last_update", "lastactiondate")
                  if name in sample}
        if "summary" in sample and "status_id" in sample:
            fields.update(status_id=1, status_name=STATUSES[0][0])
        return fields

    def delete(self, key):
        with self.lock:
            rec = self.get(key)
            if rec is None:
                return False
            if key in self.created:
                self.created.remove(key)
            else:
                self.deleted.add(key)
            self.changed.pop(key, None)
            self.contents.pop(key, None)
            self._touch()
        self._event("delete", rec)
        return True

    def _touch(self):
        self.version += 1
        self._queries.clear()

    def content(self, key):
        """The file stored with a record: uploaded bytes, or generated ones, or nothing."""
        if key in self.contents:
            return self.contents[key]
        index = None if key in self.created else self._index(key)
        return b"" if index is None else self.data.content(self.name, index)
