"""Column indexes of the generated ticket-like lists, so a filter over 100,000 tickets needs
no record generation: the first page of a filtered list costs one pass over small arrays.

The fields lists filter on come from data.ticket_core (two hashes per ticket), so their
values for every index are computed in one pass (about 0.2 s for 100,000 tickets, once
per sandbox) and the other fields of a column are derived from those arrays. A condition
on a column is answered from it; the others (search, for one) still test whole records.
Only generated records are indexed: the store tests changed and created ones itself.
"""

import threading
from array import array
from datetime import datetime, timezone

from halo_lib.sandbox.data import (ASSETS_PER_CLIENT, TYPE_IDS, last_touched, ticket_core,
                                   ticket_summary)
from halo_lib.sandbox.words import CLOSED_STATUS_IDS, SLAS

_lock = threading.Lock()
CORE = ("client_id", "user_id", "agent_id", "opened", "status_id", "priority_id",
        "tickettype_id", "categoryid_1")
DATES = {"dateoccurred": "opened", "last_update": "touched", "lastactiondate": "touched"}


def epoch(text):
    """An ISO 8601 bound as epoch seconds (without a zone: UTC), or None."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(value.timestamp())


def _core(ds, name):
    cache = ds.column_cache.setdefault(name, {})
    if "opened" not in cache:
        count = ds.count(name)
        rows = [ticket_core(ds, name, i, count) for i in range(1, count + 1)]
        arrays = [array("q", values) for values in zip(*rows)] if rows else \
            [array("q") for _ in CORE]
        arrays[-1] = array("q", (v + 1 for v in arrays[-1]))   # category ids count from 1
        cache.update(zip(CORE, arrays))
    return cache


def column(ds, name, field):
    """The values of `field` for indexes 1.. (position 0 is index 1), or None."""
    if name not in TYPE_IDS:
        return None
    ready = ds.column_cache.get(name, {}).get(field)
    if ready is not None:   # built already: no wait behind a column being built
        return ready
    with _lock:
        cache = _core(ds, name)
        if field in cache:
            return cache[field]
        made = _derived(ds, name, cache, field)
        if made is not None:
            cache[field] = made
        return made


def warm(ds, name):
    """Build the columns filters use most, so the first such list does not wait."""
    for field in ("status_id", "team", "site_id"):
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
    if field == "team":
        return [ds.agent_team(a).lower() for a in cache["agent_id"]]
    if field == "summary":
        sites = cache.get("site_id") or _derived(ds, name, cache, "site_id")
        return [ticket_summary(ds, name, i, c, s).lower()
                for i, (c, s) in enumerate(zip(clients, sites), 1)]
    if field == "touched":
        return array("q", (last_touched(ds, o, i) for i, o in enumerate(cache["opened"], 1)))
    return None


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
        if kind == "after":
            return lambda i: values[i - 1] >= bound
        return lambda i: values[i - 1] <= bound
    if kind == "search" and field == ("summary",):
        texts = column(ds, name, "summary")
        return lambda i: arg in texts[i - 1]
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
