"""Pages of a list, in server order, each record once, fetched ahead concurrently.

Halo pages with pageinate=true&page_size=S&page_no=N (from 1) and tells record_count on
every page, so after page 1 the last page is known and the next pages can be fetched
while earlier ones are written. Pages are handed out strictly in order. Without a
record_count, pages are fetched one at a time until a short or empty one.
"""
import threading

from halo_lib.errors import ApiError

DEFAULT_PAGE_SIZE = 100
DEFAULT_CONCURRENCY = 4


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


def _in_order(fetch, first, last, window, transport):
    """Yield fetch(n) for n = first, first+1, ... in order, up to `window` requests in flight.

    A slot is refilled as soon as any request finishes, not only the oldest, and at most
    4 x window finished pages wait to be written, so memory stays bounded. Requests run on
    daemon threads, never joined: a closed pipe ends the process at once. With the last
    page unknown (last is None), or once the transport has seen a 429, one at a time.
    """
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

    wanted = first
    while last is None or wanted <= last:
        with changed:
            while wanted not in finished:
                ahead = 1 if last is None or transport.throttled else window
                while (state["in_flight"] < ahead and state["next"] - wanted < 4 * ahead
                       and (last is None or state["next"] <= last)):
                    state["in_flight"] += 1
                    threading.Thread(target=run, args=(state["next"],), daemon=True).start()
                    state["next"] += 1
                changed.wait()
            ok, result = finished.pop(wanted)
        if not ok:
            raise result
        yield result
        wanted += 1


def page_size_for(page_size, limit):
    """The page size to ask for: never more records than will be written."""
    size = page_size or DEFAULT_PAGE_SIZE
    return min(size, limit) if limit else size


def page_request(request, size, number):
    return request.with_params([("pageinate", "true"), ("page_size", size), ("page_no", number)])


def pages(api, request, key, paged, page_size=None, limit=None, concurrency=None,
          progress=None):
    """Yield lists of records, in order, stopping at limit."""
    size = page_size_for(page_size, limit)
    window = concurrency or DEFAULT_CONCURRENCY
    fetch = _fetcher(api, request, key, size if paged else None)
    doc, records = fetch(1)
    remaining = limit
    records, remaining = _cut(records, remaining)
    total = doc.get("record_count") if isinstance(doc, dict) else None
    total = total if isinstance(total, int) and not isinstance(total, bool) else None
    seen = len(records)
    if progress:
        progress(seen, total)
    yield records
    if not paged or isinstance(doc, list) or remaining == 0:
        return
    # A server that caps page_size says so in the answer; its pages are that long.
    served = doc.get("page_size")
    if isinstance(served, int) and not isinstance(served, bool) and 0 < served < size:
        size = served
    if len(records) < size:
        return
    last = -(-total // size) if total is not None else None
    if limit is not None:
        wanted = -(-limit // size)
        last = wanted if last is None else min(last, wanted)
    for _, records in _in_order(fetch, 2, last, window, api.transport):
        records, remaining = _cut(records, remaining)
        seen += len(records)
        if progress:
            progress(seen, total)
        if records:
            yield records
        if len(records) < size or remaining == 0:
            return


def _cut(records, remaining):
    if remaining is None:
        return records, None
    records = records[:remaining]
    return records, remaining - len(records)


def _fetcher(api, request, key, size):
    from halo_lib.http.api import json_or_nothing

    def fetch(number):
        this_page = page_request(request, size, number) if size else request
        what = f"{request.method} /api{request.path}" + (f" page {number}" if size else "")

        def parse(response):
            doc = json_or_nothing(response.data)
            try:
                return doc, records_of(doc, key)   # a ValueError above: fetched again
            except ApiError as exc:
                raise ApiError(f"{what}: {exc}") from None

        return api.send(this_page, parse=parse, idempotent=True, what=what)[1]
    return fetch
