"""Generated records for the sandbox: each one a pure function of (resource, index, seed).

Nothing is built up front. A record is made when it is asked for, from a random generator
seeded with (seed, resource, index), so 100,000 tickets cost no memory until served and the
same seed always gives the same data. Links between records (a ticket's client, site, user
and agent) come from cheap integer arithmetic and hashes, so a ticket names the same client
the client list shows without either being stored.

Indexes run from 1 to count(resource). For resources with integer ids the index is the
id; the others get a deterministic UUID string (see public_id).

The words records are made of are in words.py, the maker of each resource's records in
makers.py. Standard library only: the sandbox must run wherever `halo` does.
"""

import functools
import itertools
import random
import time
import unicodedata
import uuid
import zlib
from array import array
from bisect import bisect_left

from halo_lib.sandbox.words import (APPS, BRAND, CATEGORIES, CITIES, FIRST, FLOORS, LAST,
                                    OPPORTUNITY_SUMMARIES, PROJECT_SUMMARIES, SERVERS, SUFFIX,
                                    TEAMS, TICKET_SUMMARIES, TRADE)

_MASK = (1 << 64) - 1
EPOCH = 1672646400          # 2023-01-02T08:00:00Z: the oldest generated ticket
SPAN = 730 * 86400          # tickets are spread over two years from EPOCH
SITES_PER_CLIENT = 2        # fixed so a site's client is arithmetic, not a lookup
USERS_PER_CLIENT = 6
ASSETS_PER_CLIENT = 3
LICENCES_PER_CLIENT = 2
MAX_ACTIONS = 4             # a ticket has 1..MAX_ACTIONS actions


def mix(*parts):
    """A 64-bit hash of integers (splitmix64 steps): stable across runs, unlike hash()."""
    h = 0x9E3779B97F4A7C15
    for p in parts:
        h = ((h ^ p) * 0xBF58476D1CE4E5B9) & _MASK
        h ^= h >> 31
        h = (h * 0x94D049BB133111EB) & _MASK
        h ^= h >> 29
    return h


def name_code(name):
    return zlib.crc32(name.encode())


def iso(ts):
    """Epoch seconds as Halo writes date-times: ISO 8601, UTC, with Z."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def ascii_slug(text, sep="."):
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in plain.replace("'", "")).split()
    return sep.join(words).lower()



def _company(index, seed):
    # An affine map over all BRAND x TRADE x SUFFIX combinations is a permutation, so the
    # first 8,000 clients all get distinct names.
    size = len(BRAND) * len(TRADE) * len(SUFFIX)
    k = ((index - 1) * 7919 + seed * 131) % size
    brand, trade = BRAND[k % len(BRAND)], TRADE[(k // len(BRAND)) % len(TRADE)]
    suffix = SUFFIX[k // (len(BRAND) * len(TRADE))]
    return brand, trade, suffix


class Dataset:
    """The generated records of one sandbox: counts, ids, and records made on demand."""

    def __init__(self, records=1000, seed=1):
        self.records = max(0, int(records))
        self.seed = int(seed)
        r = self.records
        self.n_clients = max(5, r // 50)
        self.n_agents = max(6, min(60, r // 2000 + 6))
        # Dense action ids: ticket t owns ids action_end[t-1]+1 .. action_end[t]. One array
        # of ints (400 kB for 100,000 tickets) makes both directions a bisect or an index.
        per_ticket = (1 + mix(self.seed, 7, t) % MAX_ACTIONS for t in range(1, r + 1))
        self._action_end = array("q", [0])
        self._action_end.extend(itertools.accumulate(per_ticket))
        # Large enough that a 10,000-ticket sandbox serves repeat lists from memory.
        self._make_cached = functools.lru_cache(maxsize=16384)(self._make)
        self._uuid_index = {}
        self._prefixes = {}
        self.column_cache = {}   # columns.py: name -> {field: values by index}
        self.column_locks = {}   # columns.py: (name, field) -> the lock building it

    # ---- counts and ids -------------------------------------------------------------------

    def count(self, name):
        spec = _specs().get(name)
        return spec[0](self) if spec else max(5, self.records // 100)

    def prefix(self, name):
        found = self._prefixes.get(name)
        if found is None:
            found = self._prefixes[name] = mix(self.seed, name_code(name))
        return found

    def public_id(self, name, index, id_type):
        """The id a record shows: the index itself, or a UUID string fixed by the seed."""
        if id_type == "int":
            return index
        return str(uuid.UUID(int=mix(self.seed, name_code(name), index, 1) << 64
                             | mix(self.seed, name_code(name), index, 2), version=4))

    def index_of(self, name, public, id_type):
        """The index of a generated record from its public id, or None."""
        if id_type == "int":
            return public if isinstance(public, int) and 1 <= public <= self.count(name) else None
        table = self._uuid_index.get(name)
        if table is None:   # UUID resources are small lists, so a reverse table is cheap
            table = {self.public_id(name, i, id_type): i
                     for i in range(1, self.count(name) + 1)}
            self._uuid_index[name] = table
        return table.get(str(public).lower())

    def base_range(self, name, field, value):
        """Indexes that can hold records with field == value, when arithmetic knows them.

        Lets a filter such as actions?ticket_id=N skip a scan. None means "scan them all".
        """
        try:
            value = int(value)
        except ValueError:
            return None
        if name == "actions" and field == "ticket_id":
            if not 1 <= value <= self.records:
                return range(0)
            return range(self._action_end[value - 1] + 1, self._action_end[value] + 1)
        per_client = {"sites": SITES_PER_CLIENT, "users": USERS_PER_CLIENT,
                      "assets": ASSETS_PER_CLIENT, "software-licences": LICENCES_PER_CLIENT}
        if field == "client_id" and name in per_client:
            n = per_client[name]
            if not 1 <= value <= self.n_clients:
                return range(0)
            return range((value - 1) * n + 1, value * n + 1)
        return None

    # ---- records ----------------------------------------------------------------------------

    def record(self, name, index):
        """The generated record (a shared dict: callers copy before changing it)."""
        return self._make_cached(name, index)

    def _make(self, name, index):
        rng = random.Random(mix(self.seed, name_code(name), index))
        spec = _specs().get(name)
        if spec is None:
            return {"id": index, "name": f"{name.replace('-', ' ').title()} {index}"}
        return spec[1](self, index, rng)

    def content(self, name, index):
        """The file of a generated record with a filesize (attachments): that many bytes."""
        rec = self.record(name, index)
        size = rec.get("filesize")
        if not size:
            return b""
        line = (f"Sandbox {name} {index}: {rec.get('filename')} "
                f"of ticket {rec.get('ticket_id')}\n").encode()
        return (line * (size // len(line) + 1))[:size]

    # ---- names shared by several resources (hashes, so every record agrees) -----------------

    def client_name(self, c):
        brand, trade, suffix = _company(c, self.seed)
        return f"{brand} {trade} {suffix}"

    def client_domain(self, c):
        brand, trade, _ = _company(c, self.seed)
        return f"{ascii_slug(brand, '')}{ascii_slug(trade, '')}.example.com"

    def person(self, salt, index):
        h = mix(self.seed, salt, index)
        return FIRST[h % len(FIRST)], LAST[(h >> 16) % len(LAST)]

    def user_name(self, u):
        return " ".join(self.person(1, u))

    def agent_name(self, a):
        return " ".join(self.person(2, a))

    def agent_team(self, a):
        return TEAMS[(a - 1) % len(TEAMS)]

    def site_name(self, s):
        c = self.site_client(s)
        if (s - 1) % SITES_PER_CLIENT == 0:
            return "Head Office"
        return f"{CITIES[mix(self.seed, 3, c) % len(CITIES)]} Office"

    def site_client(self, s):
        return (s - 1) // SITES_PER_CLIENT + 1

    def user_client(self, u):
        return (u - 1) // USERS_PER_CLIENT + 1

    def user_site(self, u):
        c = self.user_client(u)
        return (c - 1) * SITES_PER_CLIENT + 1 + (u % SITES_PER_CLIENT)

    def action_ticket(self, a):
        return bisect_left(self._action_end, a)

    def client_toplevel(self, c):
        return 1 if c % 7 else 2

    def user_asset(self, u):
        """The asset used by end user u, or 0: asset i is used by user (c-1)*6 + 1 + i % 6."""
        c, position = self.user_client(u), (u - 1) % USERS_PER_CLIENT
        for i in range((c - 1) * ASSETS_PER_CLIENT + 1, c * ASSETS_PER_CLIENT + 1):
            if i % USERS_PER_CLIENT == position:
                return i
        return 0

    def touched(self, name, index):
        """When a generated record was last changed: a stable time in the two years."""
        return iso(EPOCH + mix(self.seed, name_code(name), index, 98) % SPAN)

    def flag(self, name, index, one_in):
        """Yes for one record in `one_in`, at a place fixed by the seed (inactive, ...)."""
        return (index + mix(self.seed, name_code(name))) % one_in == 0


# ---- one maker per resource: (dataset, index, rng) -> record ---------------------------------

def step(h, p):
    """One splitmix64 step: mix(*parts, p) is step(mix(*parts), p), at a quarter the cost."""
    h = ((h ^ p) * 0xBF58476D1CE4E5B9) & _MASK
    h ^= h >> 31
    h = (h * 0x94D049BB133111EB) & _MASK
    return h ^ (h >> 29)


# The ids of ticket types each ticket-like list draws from.
TYPE_IDS = {"tickets": (1, 1, 1, 2, 3, 4, 4, 7), "opportunities": (6,), "projects": (5,)}
SUMMARIES = {"tickets": TICKET_SUMMARIES, "opportunities": OPPORTUNITY_SUMMARIES,
             "projects": PROJECT_SUMMARIES}


_CLOSED_PICK, _OPEN_PICK = (9, 9, 9, 10), (1, 1, 2, 2, 3, 4, 5, 6, 7, 8)
_PRIORITY_PICK = (1, 2, 2, 3, 3, 3, 3, 4, 4)
_ATTACHMENT_PICK = (0, 0, 0, 1, 2)


def ticket_core(ds, name, i, count):
    """The fields lists filter on of ticket-like record i, as ticket_cores gives them."""
    return tuple(values[0] for values in ticket_cores(ds, name, i, i + 1, count))


def ticket_cores(ds, name, start, stop, count):
    """The fields lists filter on, for records start..stop-1, from two hashes of
    (seed, name, i) and no generator: columns.py computes them for 100,000 tickets in a
    fraction of a second. One loop with the hash steps written out, as it is the cost of
    the first filtered list of a large sandbox.
    -> lists of (client, user, agent, opened, status, priority, ticket type, category
       index, attachment count, seconds from opening to assignment, to closing if closed)."""
    prefix, count, n_clients, n_agents = ds.prefix(name), count or 1, ds.n_clients, ds.n_agents
    types, n_types, n_categories = TYPE_IDS[name], len(TYPE_IDS[name]), len(CATEGORIES)
    closed_pick, open_pick, priority_pick, files_pick = (_CLOSED_PICK, _OPEN_PICK,
                                                         _PRIORITY_PICK, _ATTACHMENT_PICK)
    m1, m2, mask = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, _MASK
    out = [[] for _ in range(11)]
    cs, us, ags, opens, statuses, prios, tts, cats, files, assigned, closing = \
        [values.append for values in out]
    for i in range(start, stop):
        h = ((prefix ^ (2 * i)) * m1) & mask    # step(prefix, 2i), written out
        h ^= h >> 31
        h = (h * m2) & mask
        h ^= h >> 29
        h2 = ((prefix ^ (2 * i + 1)) * m1) & mask    # step(prefix, 2i + 1)
        h2 ^= h2 >> 31
        h2 = (h2 * m2) & mask
        h2 ^= h2 >> 29
        c = (h & 0xFFFF) % n_clients + 1
        cs(c)
        us((c - 1) * USERS_PER_CLIENT + 1 + ((h >> 16) & 0xFF) % USERS_PER_CLIENT)
        ags(((h >> 24) & 0xFF) % n_agents + 1)
        opens(EPOCH + (i - 1) * SPAN // count + ((h >> 32) & 0xFFFF) % 28800)   # 8 hours
        # Older tickets are more likely to be closed, as on a real desk.
        if ((h >> 48) & 0x3FF) / 1024 < 0.95 - 0.85 * i / count:
            statuses(closed_pick[(h >> 58) % 4])
        else:
            statuses(open_pick[(h >> 58) % 10])
        prios(priority_pick[(h2 & 0xFF) % 9])
        tts(types[((h2 >> 8) & 0xFF) % n_types])
        cats(((h2 >> 16) & 0xFF) % n_categories)
        files(files_pick[((h2 >> 24) & 0xFF) % 5])
        assigned(1 + ((h2 >> 32) & 0xFFF) % 3599)
        closing(3600 + (h2 >> 44) % (10 * 86400 - 3600))
    return out


def ticket_summary(ds, name, i, c, s, user_name=None, site_name=None):
    """The summary of ticket-like record i (client c, site s), from one hash: columns.py
    makes every summary of 100,000 tickets in a fraction of a second (passing memoised
    user_name and site_name), so search needs no records."""
    h = step(ds.prefix(name + ":summary"), i)
    template = SUMMARIES[name][h % len(SUMMARIES[name])]
    return template.format(
        person=(user_name or ds.user_name)(
            (c - 1) * USERS_PER_CLIENT + 1 + (h >> 8 & 0xFF) % USERS_PER_CLIENT),
        app=APPS[(h >> 16 & 0xFF) % len(APPS)], server=SERVERS[(h >> 24 & 0xFF) % len(SERVERS)],
        floor=FLOORS[(h >> 32 & 0xFF) % len(FLOORS)], site=(site_name or ds.site_name)(s),
        city=CITIES[(h >> 40 & 0xFF) % len(CITIES)])


def last_touched(ds, opened, i):
    """When ticket i (opened then) was last changed: within 30 days of opening."""
    return opened + step(ds.prefix("touched"), i) % (30 * 86400)


def _specs():
    from halo_lib.sandbox.makers import SPECS   # the makers need this module first
    return SPECS
