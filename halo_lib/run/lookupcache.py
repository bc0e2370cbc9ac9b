"""The lookup cache: names and ids of the records other options refer to, kept a short
while in a small file per tenant, so a cron job run every minute does not look Acme up
every time.

The file (mode 0600, in the cache directory, `names-<hash of URL, tenant, client id>`)
is plain text, one fact a line, tab-separated, so the shell completions can read the
names in it without running Python:

    halo lookup cache 1 <TAB> <key>
    R <TAB> resource <TAB> id <TAB> name <TAB> detail <TAB> time     a record seen
    L <TAB> resource <TAB> time                                     the whole list read
    S <TAB> resource <TAB> time <TAB> term                          a search for term done
    M <TAB> resource <TAB> time <TAB> id                            the caller's own record

Tabs, newlines and backslashes in a value are written as \\t, \\n, \\\\. It is read with
the suspicion of the token cache: only a small regular file of ours, not a link, with our
header and key counts; anything else (another tenant's file, a FIFO, a device, a huge or
corrupt file) is ignored and replaced by a fresh file when the next lookup is saved.
Facts older than the lifetime (HALO_LOOKUP_TTL, 10 minutes by default) are not used.
"""
import hashlib
import os
import time

from halo_lib.errors import ConfigError

HEADER = "halo lookup cache 1"
FILE_LIMIT = 4 << 20          # a lookup cache is a few KiB; a larger file is not ours
DEFAULT_TTL = 600.0           # seconds
TTL_VARIABLE = "HALO_LOOKUP_TTL"
_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def lifetime(env):
    """Seconds a looked-up fact stays usable: HALO_LOOKUP_TTL (90s, 10m, 1h, or plain
    seconds; 0 keeps nothing between runs), else 10 minutes."""
    text = (env.get(TTL_VARIABLE) or "").strip().lower()
    if not text:
        return DEFAULT_TTL
    unit = text[-1] if text[-1] in _UNITS else "s"
    number = text[:-1] if text[-1] in _UNITS else text
    try:
        seconds = float(number) * _UNITS[unit]
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 7 * 86400 or seconds != seconds:
        raise ConfigError(f"{TTL_VARIABLE}={text!r} is not a lifetime: give e.g. 90s, 10m, "
                          "1h (up to a week) or 0")
    return seconds


def cache_key(url, tenant, client_id):
    key = "\n".join((url or "", tenant or "", client_id or ""))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def escape(text):
    text = str(text)
    if not any(char in text for char in _ESCAPES):
        return text
    return "".join(_ESCAPES.get(char, char) for char in text)


def unescape(text):
    if "\\" not in text:
        return text
    out, chars = [], iter(text)
    for char in chars:
        out.append(_UNESCAPES.get(next(chars, ""), "") if char == "\\" else char)
    return "".join(out)


def typed_id(text):
    """An id as the records carry it: digits as an int, anything else (a GUID) as text."""
    return int(text) if text.isdigit() and len(text) <= 18 else text


class Cache:
    """The facts of one tenant, from the file (path None: this process only)."""

    def __init__(self, path, key, ttl, clock=time.time):
        self.path, self.key, self.ttl, self.clock = path, key, ttl, clock
        self.records = {}     # (resource, id text) -> [id, name, detail, time]
        self.lists = {}       # resource -> time the whole list was read
        self.searches = {}    # (resource, term) -> time
        self.mine = {}        # resource -> (id text, time)
        self.changed = False
        self.started = clock()   # what this run learnt serves it to its end, whatever ttl
        if path and ttl > 0:
            self._load()

    def fresh(self, when):
        return when is not None and (when >= self.started or self.clock() - when < self.ttl)

    # -- what is known

    def whole(self, resource):
        return self.fresh(self.lists.get(resource))

    def searched(self, resource, term):
        return self.fresh(self.searches.get((resource, term.lower())))

    def named(self, resource):
        """[(id, name, detail)] of the fresh records of a resource."""
        return [(value[0], value[1], value[2]) for (kind, _), value in self.records.items()
                if kind == resource and self.fresh(value[3])]

    def my_id(self, resource):
        found = self.mine.get(resource)
        return typed_id(found[0]) if found and self.fresh(found[1]) else None

    # -- what was learnt

    def learn(self, resource, entries, whole=False, term=None):
        """entries: [(id, name, detail)] from one answer."""
        now = self.clock()
        if whole:   # the list as it is now: records gone from it are forgotten
            self.records = {k: v for k, v in self.records.items() if k[0] != resource}
            self.lists[resource] = now
        if term is not None:
            self.searches[(resource, term.lower())] = now
        for record_id, name, detail in entries:
            self.records[(resource, str(record_id))] = [record_id, name, detail, now]
        self.changed = True

    def learn_me(self, resource, record_id):
        self.mine[resource] = (str(record_id), self.clock())
        self.changed = True

    # -- the file

    def _load(self):
        try:
            text = _read_private(self.path).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return       # missing, foreign or unreadable: rebuilt by the next save
        lines = text.split("\n")
        if lines[0] != f"{HEADER}\t{self.key}":
            return       # another tenant's file, or not ours at all
        try:
            for line in lines[1:]:
                if line:
                    self._read_line([unescape(part) for part in line.split("\t")])
        except (ValueError, IndexError, KeyError):
            self.records, self.lists, self.searches, self.mine = {}, {}, {}, {}

    def _read_line(self, parts):
        kind, resource = parts[0], parts[1]
        if kind == "R":
            record_id = typed_id(parts[2])
            self.records[(resource, parts[2])] = [record_id, parts[3], parts[4],
                                                  float(parts[5])]
        elif kind == "L":
            self.lists[resource] = float(parts[2])
        elif kind == "S":
            self.searches[(resource, parts[3])] = float(parts[2])
        elif kind == "M":
            self.mine[resource] = (parts[3], float(parts[2]))
        else:
            raise ValueError(kind)

    def save(self):
        """Write the fresh facts back (atomically, 0600); a cache that cannot be written
        only costs a lookup next time."""
        if not (self.path and self.changed and self.ttl > 0):
            return
        from halo_lib.io.files import private_directory, write_atomically
        lines = [f"{HEADER}\t{self.key}"]
        lines += [_line("L", r, f"{t:.3f}") for r, t in self.lists.items() if self.fresh(t)]
        lines += [_line("S", r, f"{t:.3f}", term) for (r, term), t in self.searches.items()
                  if self.fresh(t)]
        lines += [_line("M", r, f"{t:.3f}", i) for r, (i, t) in self.mine.items()
                  if self.fresh(t)]
        lines += [_line("R", r, i, name, detail, f"{t:.3f}")
                  for (r, _), (i, name, detail, t) in self.records.items() if self.fresh(t)]
        data = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
        if len(data) > FILE_LIMIT:
            return       # kept in this process only: a file this big would be refused
        directory = os.path.dirname(self.path)
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            if not private_directory(directory):
                return   # a link or a stranger's directory: never written through
            write_atomically(self.path, data, mode=0o600)
            self.changed = False
        except OSError:
            pass


def _line(*parts):
    return "\t".join(escape(part) for part in parts)


def _read_private(path):
    """The bytes of a small regular file of ours; anything else is an OSError (a FIFO is
    never waited on, a link never followed, a device never read)."""
    from halo_lib.io.files import private_directory, read_small
    if not private_directory(os.path.dirname(path)) or os.lstat(path).st_uid != os.getuid():
        raise OSError(f"{path} is not ours")
    return read_small(path, FILE_LIMIT)
