"""Pages of a list, in server order, each record once, fetched ahead concurrently.

Halo pages with pageinate=true&page_size=S&page_no=N (from 1) and tells record_count on
every page, so after page 1 the last page is known and the next pages can be fetched
while earlier ones are written. Pages are handed out strictly in order. Halo may serve
fewer records a page than asked (its cap) without saying so, so record_count, not a
short page, ends the list. Without a record_count, pages are fetched one at a time until
a short or empty one.
"""
import threading
import time
from operator import itemgetter

from halo_lib.errors import ApiError
# The most pages fetched ahead when halo chooses (see Pace); --help says it from there.
from halo_lib.options import ADAPTIVE_CONCURRENCY as DEFAULT_CONCURRENCY

DEFAULT_PAGE_SIZE = 100
_ID = itemgetter("id")


def records_of(doc, key):
    """The records of a list answer: a plain array, the list key, or the only array.

    An answer that is JSON but holds no records is a refusal (ApiError), not a truncated
    page to fetch again."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        if key and isinstance(doc.get(key), list):
            return doc[key]
        arrays = [value for value in doc.values() if isinstance(value, list)]
        if len(arrays) == 1:
            return arrays[0]
        if not arrays and not doc:
            return []
    if doc is None:
        return []
    raise ApiError("the answer holds no list of records: " + type(doc).__name__)


def _in_order(fetch, first, last, window, throttled=lambda: False):
    """Yield fetch(n) for n = first, first+1, ... in order.

    window: how many requests to keep in flight, an int or a callable asked before each
    page (see Pace). At 1 the pages are fetched in the caller's thread, one after the
    other, with no thread at all. Above 1 a slot is refilled as soon as any request
    finishes, not only the oldest, and at most 4 x window finished pages wait to be
    written, so memory stays bounded. Requests run on daemon threads, never joined: a
    closed pipe ends the process at once. With the last page unknown (last is None), or
    once throttled() is true (the server answered 429), one at a time.
    """
    want = window if callable(window) else (lambda: window)
    changed = threading.Condition()
    finished = {}                    # page number -> (ok, result or exception)
    state = {"in_flight": 0, "next": first}

    def run(number):
        try:
            outcome = (True, fetch(number))
        except BaseException as exc:   # handed to the main thread, which reports it
            outcome = (False, exc)
        with changed:
            finished[number] = outcome
            state["in_flight"] -= 1
            changed.notify()

    def ahead():
        return 1 if last is None or throttled() else max(1, want())

    wanted = first
    while last is None or wanted <= last:
        with changed:
            inline = state["next"] == wanted and ahead() == 1
            while not inline and wanted not in finished:
                limit = ahead()
                while (state["in_flight"] < limit and state["next"] - wanted < 4 * limit
                       and (last is None or state["next"] <= last)):
                    state["in_flight"] += 1
                    threading.Thread(target=run, args=(state["next"],), daemon=True).start()
                    state["next"] += 1
                if wanted not in finished:
                    changed.wait()
            if not inline:
                ok, result = finished.pop(wanted)
        if inline:
            state["next"] = wanted + 1
            result = fetch(wanted)      # an error here is raised as it is
        elif not ok:
            raise result
        yield result
        wanted += 1


class Pace:
    """How many pages to fetch ahead, from what the list observes.

    Fetching ahead pays when a page's round trip is long against the time to write a page
    (a remote tenant), and costs CPU when it is not (a fast local server, two cores). So:
    the first PROBE pages go one at a time, timing the round trip and the writing. When
    the round trip is not clearly the longer, it stays one at a time. Otherwise it tries
    the window the two times call for (at most `cap`) for 2 x PROBE pages, and keeps it
    only when the pages really came faster than one at a time. Once settled it times
    nothing more (fetching() and writing() say whether it still wants the times).

    Only the waiting in a round trip can be hidden: the CPU a fetch spends (sending,
    parsing) is serialised by the GIL whichever thread spends it. Against a fast local
    server a page's round trip is mostly that CPU, so the pace stays at one without even
    trying more (a trial there starts threads and connections for nothing).
    """
    PROBE = 3

    def __init__(self, cap, clock=time.perf_counter):
        self.cap, self.clock = max(1, cap), clock
        self.fetch = self.handle = None      # moving averages, seconds per page
        self.busy = 0.0                      # of fetch: the fetching thread's own CPU
        self.choice = 1
        self.phase = "probe"
        self.marks = []                      # (pages written, time) at phase starts

    @property
    def learning(self):
        """Whether it still wants the times of fetches and writes."""
        return self.phase != "settled"

    def fetched(self, seconds, busy=0.0):
        """A fetch took `seconds`, of which `busy` were its thread's own CPU time."""
        if self.fetch is None:
            self.fetch, self.busy = seconds, busy
        else:
            self.fetch = 0.8 * self.fetch + 0.2 * seconds
            self.busy = 0.8 * self.busy + 0.2 * busy

    def handled(self, seconds):
        self.handle = seconds if self.handle is None else 0.8 * self.handle + 0.2 * seconds

    def written(self, count):
        """Called after each page is written; count: pages written so far."""
        now = self.clock()
        if not self.marks:
            self.marks.append((count, now))
            return
        since, started = self.marks[-1]
        done = count - since
        if self.phase == "probe" and done >= self.PROBE:
            self.serial = (now - started) / done
            wanted = self._wanted()
            if wanted > 1:
                self.phase, self.choice = "trial", wanted
                self.marks.append((count, now))
            else:
                self.phase = "settled"
        elif self.phase == "trial" and done >= 2 * self.PROBE:
            faster = (now - started) / done < 0.8 * self.serial
            self.phase, self.choice = "settled", (self.choice if faster else 1)

    def _wanted(self):
        if self.fetch is None or self.handle is None:
            return 1
        waiting = max(0.0, self.fetch - self.busy)    # what other pages' fetches can use
        working = self.busy + self.handle             # what the GIL lets only one thread do
        if waiting < 1.5 * working:
            return 1
        return min(self.cap, 1 + int(waiting / max(working, 1e-4)))

    def window(self):
        return self.choice


def page_size_for(page_size, limit):
    """The page size to ask for: never more records than will be written."""
    size = page_size or DEFAULT_PAGE_SIZE
    return min(size, limit) if limit else size


def page_request(request, size, number):
    return request.with_params([("pageinate", "true"), ("page_size", size), ("page_no", number)])


def pages(api, request, key, paged, page_size=None, limit=None, concurrency=None,
          progress=None, notice=None, gap=None, first=None):
    """Yield lists of records, in order, each id once, stopping at limit.

    With a record_count the list ends once that many records are written (or at limit),
    or at the first empty page; a short page in the middle is not the end. Without one,
    the first short or empty page ends it. A page identical to the one before means the
    server ignores page_no: an ApiError. notice(line) is told of records skipped as
    duplicates and of a server that announced more than it served; gap(reason) is told
    the same, in short, as signs that the list was not served whole (the list changed
    while it was paged: a record may have moved to a page already fetched). first() is
    called once page 1 is answered, before any record is yielded (it may raise).
    """
    size = page_size_for(page_size, limit)
    pace = None if concurrency else Pace(_cap(api.transport))
    fetch = _fetcher(api, request, key, size if paged else None, pace)
    doc, records = fetch(1)
    if first:
        first()
    total = doc.get("record_count") if isinstance(doc, dict) else None
    total = total if isinstance(total, int) and not isinstance(total, bool) else None
    tally = _Tally(limit, total, progress, gap)
    kept = tally.keep(records)
    if kept:
        yield kept
    if not paged or not isinstance(doc, dict) or not records or tally.done(len(records), size):
        tally.finish(notice, ended_empty=not records)
        return
    # A server that caps page_size may say so in the answer, or only serve fewer records:
    # its pages are that long, which tells how many pages record_count needs.
    served = doc.get("page_size")
    if isinstance(served, int) and not isinstance(served, bool) and 0 < served < size:
        size = served
    step = min(size, len(records)) if total is not None else size
    last = -(-total // step) if total is not None else None
    if limit is not None:
        wanted = -(-limit // step)
        last = wanted if last is None else min(last, wanted)
    window = pace.window if pace else concurrency
    previous, number = records, 1
    # Fetched ahead up to the last page the counts foresee, then one at a time for as long
    # as the list is not done (short pages in the middle, duplicates).
    for start, stop in ((2, last), (None, None)):
        start = number + 1 if start is None else start
        if stop is not None and start > stop:
            continue
        for _, records in _in_order(fetch, start, stop, window,
                                    lambda: api.transport.throttled):
            number += 1
            if not records:
                tally.finish(notice, ended_empty=True)
                return
            if records == previous:
                raise ApiError(f"{request.method} /api{request.path} page {number}: same as "
                               f"page {number - 1}; the server ignores page_no, so the list "
                               f"was cut after {tally.written} records")
            previous = records
            kept = tally.keep(records)
            if not kept:
                raise ApiError(f"{request.method} /api{request.path} page {number}: only "
                               "records already written; the server ignores page_no, so the "
                               f"list was cut after {tally.written} records")
            if pace is None or not pace.learning:
                yield kept
            else:
                handling = time.perf_counter()
                yield kept
                pace.handled(time.perf_counter() - handling)
                pace.written(number)
            if tally.done(len(records), size):
                tally.finish(notice)
                return
        if stop is None:
            break
    tally.finish(notice)


class _Tally:
    """What a list has written so far: ids (to skip repeats), count, the limit left."""

    def __init__(self, limit, total, progress, gap=None):
        self.gap = gap or (lambda reason: None)
        self.remaining = limit
        self.total = total
        self.progress = progress
        self.written = 0
        self.skipped = 0
        self.ids = _Ids()

    def keep(self, records):
        """The records not written before, cut at the limit."""
        if (self.remaining is None or len(records) <= self.remaining) \
                and self.ids.add_page(records):
            kept = records                # the usual page: all of it, every id new
        else:
            kept = []
            for record in records:
                if self.remaining is not None and len(kept) >= self.remaining:
                    break
                record_id = record.get("id") if isinstance(record, dict) else None
                if isinstance(record_id, (int, str)) and not isinstance(record_id, bool):
                    if not self.ids.add(record_id):
                        self.skipped += 1
                        continue
                kept.append(record)
        self.written += len(kept)
        if self.remaining is not None:
            self.remaining -= len(kept)
        if self.progress:
            self.progress(self.written, self.total)
        return kept

    def done(self, served, size):
        """Whether the list has ended after a page of `served` records."""
        if self.remaining == 0:
            return True
        if self.total is not None:
            return self.written >= self.total
        return served < size

    def finish(self, notice, ended_empty=False):
        notice = notice or (lambda line: None)
        if self.skipped:
            notice(f"halo: skipped {self.skipped} record(s) whose id was already written "
                   "in this list")
            self.gap(f"{self.skipped} record(s) served twice")
        if ended_empty and self.total is not None and self.written < self.total \
                and self.remaining != 0:
            notice(f"halo: warning: the server announced {self.total} records and served "
                   f"{self.written}")
            self.gap(f"announced {self.total} records, served {self.written}")


class _Ids:
    """The ids written so far: a byte per id for Halo's numeric ids (memory stays flat in
    the length of the list: it follows the largest id, 1 MiB for ids up to a million), a
    set for the others."""

    MAP_LIMIT = 1 << 24          # ids from this on (16 MiB of bytes) go to the set

    def __init__(self):
        self.seen = bytearray()
        self.others = set()

    def add(self, value):
        """Record value; False when it was there already."""
        if isinstance(value, int) and 0 <= value < self.MAP_LIMIT:
            if value >= len(self.seen):
                self._grow(value)
            if self.seen[value]:
                return False
            self.seen[value] = 1
            return True
        if value in self.others:
            return False
        self.others.add(value)
        return True

    def add_page(self, records):
        """Record the ids of a page whose records all have new, distinct numeric ids, and
        say True; else record nothing and say False (the caller goes record by record).

        Checked with the standard library's loops in C: no Python step per record, where
        going record by record costs as much as the page's request on a fast server. The
        usual page, ids in order and each once, is not even sorted."""
        try:
            ids = list(map(_ID, records))
        except (KeyError, TypeError):
            return False
        count = len(ids)
        if count < 2 or set(map(type, ids)) != {int}:
            return False
        low, high = ids[0], ids[-1]
        run = high - low + 1 == count and ids == list(range(low, high + 1))
        if not run:
            order = sorted(ids)
            low, high = order[0], order[-1]
            run = high - low + 1 == count and order == list(range(low, high + 1))
        if low < 0 or high >= self.MAP_LIMIT or not run and len(set(ids)) != count:
            return False
        if high >= len(self.seen):
            self._grow(high)
        seen = self.seen
        if run:                               # each id from low to high once: one step
            if seen.find(1, low, high + 1) >= 0:
                return False
            seen[low:high + 1] = b"\1" * count
            return True
        if any(itemgetter(*ids)(seen)):
            return False
        for value in ids:
            seen[value] = 1
        return True

    def _grow(self, value):
        """Room for that id, at least doubling (the same bytearray grows in place)."""
        self.seen.extend(bytes(max(value + 1 - len(self.seen), len(self.seen))))


def _cap(transport):
    """Pages in flight at most when halo chooses: never a large share of the rate budget."""
    budget = getattr(transport, "budget", None)
    share = max(1, budget.limit // 10) if budget else DEFAULT_CONCURRENCY
    return min(DEFAULT_CONCURRENCY, share)


def _fetcher(api, request, key, size, pace=None):
    from halo_lib import jsontext   # orjson, or the stdlib for a page orjson refuses

    def fetch(number):
        if pace is None or not pace.learning:
            return _fetch(number)
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return _fetch(number)
        finally:
            pace.fetched(time.perf_counter() - started, time.thread_time() - cpu)

    def _fetch(number):
        this_page = page_request(request, size, number) if size else request
        what = f"{request.method} /api{request.path}" + (f" page {number}" if size else "")

        def parse(response):
            doc = jsontext.loads(response.data) if response.data.strip() else None
            try:
                return doc, records_of(doc, key)   # a ValueError above: fetched again
            except ApiError as exc:
                raise ApiError(f"{what}: {exc}") from None

        return api.send(this_page, parse=parse, idempotent=True, what=what)[1]
    return fetch
