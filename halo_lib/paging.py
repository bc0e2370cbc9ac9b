"""Pages of a list, in server order, each record once, fetched ahead concurrently.

Halo pages with pageinate=true&page_size=S&page_no=N (from 1) and tells record_count on
every page, so after page 1 the last page is known and the next pages can be fetched
while earlier ones are written. Pages are handed out strictly in order. Without a
record_count, pages are fetched one at a time until a short or empty one.
"""
import threading
from collections import deque

DEFAULT_PAGE_SIZE = 100
DEFAULT_CONCURRENCY = 4


def records_of(doc, key):
    """The records of a list answer: a plain array, the list key, or the only array."""
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
    raise ValueError("the answer holds no list of records")


class Page:
    """One page being fetched on a daemon thread (never joined: a closed pipe exits now)."""

    def __init__(self, fetch, number):
        self.number = number
        self.done = threading.Event()
        self.result = self.error = None
        threading.Thread(target=self._run, args=(fetch,), daemon=True).start()

    def _run(self, fetch):
        try:
            self.result = fetch(self.number)
        except BaseException as exc:   # handed to the main thread, which reports it
            self.error = exc
        finally:
            self.done.set()

    def get(self):
        self.done.wait()
        if self.error is not None:
            raise self.error
        return self.result


def pages(api, request, key, paged, page_size=None, limit=None, concurrency=None,
          progress=None):
    """Yield lists of records, in order, stopping at limit."""
    size = page_size or DEFAULT_PAGE_SIZE
    if limit is not None and limit < size:
        size = limit   # do not fetch records that will not be written
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
    pending, number = deque(), 2
    while True:
        # With the last page unknown, fetch one at a time; after a 429, one at a time too.
        ahead = 1 if last is None or api.transport.throttled else window
        while len(pending) < ahead and (last is None or number <= last):
            pending.append(Page(fetch, number))
            number += 1
            if last is None:
                break
        if not pending:
            return
        page = pending.popleft()
        _, records = page.get()
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
    import orjson

    def parse(response):
        doc = orjson.loads(response.data) if response.data.strip() else None
        return doc, records_of(doc, key)   # ValueError -> the page is fetched again

    def fetch(number):
        page_request = request
        if size:
            page_request = request.with_params(
                [("pageinate", "true"), ("page_size", size), ("page_no", number)])
        what = f"{request.method} /api{request.path}" + (f" page {number}" if size else "")
        return api.send(page_request, parse=parse, idempotent=True, what=what)[1]
    return fetch
