"""Column indexes of the generated ticket-like lists, so a filter over 100,000 tickets needs
no record generation: the first page of a filtered list costs one pass over small arrays.

The fields lists filter on come from data.ticket_core (two hashes per ticket), so their
values for every index are computed in one pass (about 0.2 s for 100,000 tickets, once
per sandbox) and the other fields of a column are derived from those arrays. A condition
on a column is answered from it; the others (search, for one) still test whole records.
Only generated records are indexed: the store tests changed and created ones itself.
"""

import functools
import threading
from array import array
from datetime import datetime, timezone

from halo_lib.sandbox.data import (ASSETS_PER_CLIENT, TYPE_IDS, last_touched, ticket_cores,
                                   ticket_summary)
from halo_lib.sandbox.words import CLOSED_STATUS_IDS, PRIORITIES, SLAS, SUPPLIERS

_lock = threading.Lock()
CORE = ("client_id", "user_id", "agent_id", "opened", "status_id", "priority_id",
        "tickettype_id", "categoryid_1", "attachment_count", "assigned", "closing")
# Date fields of a record -> the column of their epoch seconds (NONE where the date is null).
DATES = {"dateoccurred": "opened", "last_update": "touched", "lastactiondate": "touched",
         "dateassigned": "dateassigned", "fixbydate": "fixbydate", "dateclosed": "dateclosed"}
NONE = -(1 << 62)


def epoch(text):
    """An ISO 8601 bound as epoch seconds (without a zone: UTC), or None."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(value.timestamp())


def _lock_of(ds, name, what):
    """The lock building one column (or the core) of one list: one column being built
    never makes a request for another wait."""
    with _lock:
        return ds.column_locks.setdefault((name, what), threading.Lock())


def _core(ds, name):
    cache = ds.column_cache.setdefault(name, {})
    if "closing" in cache:   # the last of CORE: all of them are there
        return cache
    with _lock_of(ds, name, "core"):
        if "closing" not in cache:
            count = ds.count(name)
            arrays = [array("q", v) for v in ticket_cores(ds, name, 1, count + 1, count)]
            arrays[7] = array("q", (v + 1 for v in arrays[7]))   # category ids count from 1
            cache.update(zip(CORE, arrays))
    return cache


def column(ds, name, field):
    """The values of `field` for indexes 1.. (position 0 is index 1), or None."""
    if name not in TYPE_IDS:
        return None
    ready = ds.column_cache.get(name, {}).get(field)
    if ready is not None:   # built already: no wait behind a column being built
        return ready
    cache = _core(ds, name)
    if field in cache:
        return cache[field]
    with _lock_of(ds, name, field):
        made = cache.get(field)
        if made is None:
            made = _derived(ds, name, cache, field)
            if made is not None:
                cache[field] = made
    return made


def warm(ds, name, fields=("status_id", "touched", "site_id", "summary", "team")):
    """Build the columns filters use most, so the first such list does not wait."""
    for field in fields:
        column(ds, name, field)


def _derived(ds, name, cache, field):
    clients, users = cache["client_id"], cache["user_id"]
    if field == "site_id":
        return array("q", (ds.user_site(u) for u in users))
    if field == "sla_id":
        return array("q", (1 + c % len(SLAS) for c in clients))
    if field == "toplevel_id":
        return array("q", (ds.client_toplevel(c) for c in clients))
    if field == "contract_id":
        return clients
    if field == "asset_id":
        return array("q", ((c - 1) * ASSETS_PER_CLIENT + 1 + i % ASSETS_PER_CLIENT
                           for i, c in enumerate(clients, 1)))
    if field == "parent_id":
        return array("q", (i - 1 if i % 10 == 0 else 0 for i in range(1, len(clients) + 1)))
    if field == "supplier_id":
        return array("q", (1 + i % len(SUPPLIERS) if i % 10 == 0 else 0
                           for i in range(1, len(clients) + 1)))
    if field == "dateassigned":
        return array("q", map(int.__add__, cache["opened"], cache["assigned"]))
    if field == "fixbydate":
        hours = [0] + [p[1] * 3600 for p in PRIORITIES]
        return array("q", (o + hours[p] for o, p in zip(cache["opened"], cache["priority_id"])))
    if field == "dateclosed":
        return array("q", (o + d if s in CLOSED_STATUS_IDS else NONE for o, d, s in
                           zip(cache["opened"], cache["closing"], cache["status_id"])))
    if field == "team":
        return [ds.agent_team(a).lower() for a in cache["agent_id"]]
    if field == "summary":
        sites = column(ds, name, "site_id")
        users, places = _Memo(ds.user_name), _Memo(ds.site_name)
        return [ticket_summary(ds, name, i, c, s, users.__getitem__, places.__getitem__).lower()
                for i, (c, s) in enumerate(zip(clients, sites), 1)]
    if field == "touched":
        return array("q", (last_touched(ds, o, i) for i, o in enumerate(cache["opened"], 1)))
    return None


class _Memo(dict):
    """name(id), made once per id."""

    def __init__(self, name):
        super().__init__()
        self.name = name

    def __missing__(self, key):
        value = self[key] = self.name(key)
        return value


# Tests of query.TESTS on an integer column: (values, argument, index) -> bool.
INT_TESTS = {
    "positive": lambda values, _, i: values[i - 1] > 0,
    "truthy": lambda values, _, i: values[i - 1] != 0,
    "falsy": lambda values, _, i: values[i - 1] == 0,
}


def _test(ds, name, kind, field, arg):
    """A function index -> bool answering one condition from a column, or None."""
    if kind in ("open", "closed") and field == "status_id":
        status = column(ds, name, "status_id")
        if kind == "open":
            return lambda i: status[i - 1] not in CLOSED_STATUS_IDS
        return lambda i: status[i - 1] in CLOSED_STATUS_IDS
    if kind in ("after", "before") and field in DATES:
        values, bound = column(ds, name, DATES[field]), epoch(arg)
        if bound is None:
            return None
        if kind == "after":   # NONE (a null date) is below every bound
            return lambda i: values[i - 1] >= bound
        return lambda i: NONE < values[i - 1] <= bound
    if kind == "search" and field == ("summary",):
        texts = column(ds, name, "summary")
        return lambda i: arg in texts[i - 1]
    if kind in INT_TESTS and field not in DATES:
        values = column(ds, name, field)
        if values is None or isinstance(values, list):
            return None
        return functools.partial(INT_TESTS[kind], values, arg)
    if kind == "equal":
        values = column(ds, name, field)
        if values is None:
            return None
        if isinstance(values, list):
            wanted = frozenset(arg)
        else:
            wanted = frozenset(int(v) for v in arg if v.lstrip("-").isdigit())
        return lambda i: values[i - 1] in wanted
    return None


def match(ds, name, conditions, count):
    """(generated indexes passing the conditions a column answers, the other conditions),
    or None when no condition has a column."""
    if name not in TYPE_IDS:
        return None
    tests, rest = [], []
    for kind, field, arg in conditions:
        test = _test(ds, name, kind, field, arg)
        (tests.append(test) if test is not None else rest.append((kind, field, arg)))
    if not tests:
        return None
    found = range(1, count + 1)
    for test in tests:
        found = [i for i in found if test(i)]
    return found, rest


# Name fields of a ticket -> (the id column naming it, the name of an id).
def _names():
    from halo_lib.sandbox.words import STATUSES, TICKET_TYPES, TOP_LEVELS, CATEGORIES
    return {"client_name": ("client_id", lambda ds, v: ds.client_name(v)),
            "agent_name": ("agent_id", lambda ds, v: ds.agent_name(v)),
            "user_name": ("user_id", lambda ds, v: ds.user_name(v)),
            "site_name": ("site_id", lambda ds, v: ds.site_name(v)),
            "status_name": ("status_id", lambda ds, v: STATUSES[v - 1][0]),
            "priority_name": ("priority_id", lambda ds, v: PRIORITIES[v - 1][0]),
            "tickettype_name": ("tickettype_id", lambda ds, v: TICKET_TYPES[v - 1]),
            "sla_name": ("sla_id", lambda ds, v: SLAS[v - 1]),
            "toplevel_name": ("toplevel_id", lambda ds, v: TOP_LEVELS[v - 1]),
            "category_1": ("categoryid_1", lambda ds, v: CATEGORIES[v - 1])}


def order_key(ds, name, field):
    """A function generated index -> a key ordering records by `field` as query.sort_key
    orders their values (nulls last), or None when no column holds the field."""
    if name not in TYPE_IDS:
        return None
    if field == "id":
        return lambda i: i
    named = _names().get(field)
    if named is not None:
        ids, label = column(ds, name, named[0]), named[1]
        keys = {v: label(ds, v).lower() for v in set(ids)}
        return lambda i: keys[ids[i - 1]]
    values = column(ds, name, DATES.get(field, field))
    if values is None:
        return None
    if field in DATES:
        return lambda i: (values[i - 1] == NONE, values[i - 1])
    return lambda i: values[i - 1]
