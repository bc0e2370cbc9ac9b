"""Plans: the requests a command will send, and how their answers are presented.

A kind (halo_lib.run.kinds) builds one plan; the executor (halo_lib.run.execute) either
prints plan.describe() (--dry-run) or calls plan.run(). A plan never looks at --dry-run
and never closes the output: the executor does both.

    Stream     every page of a list, written as it arrives
    Document   one answer, written whole
    Answer     one answer printed as it comes: JSON records, or a file
    Bulk       records POSTed in batches, each record accounted for (halo_lib.run.bulk)
    ByIds      one GET or DELETE per id, each reported (halo_lib.run.many)
    Rows       the rows of a report (halo_lib.run.reports)
    Checkpointed  a list that resumes from a saved time (halo_lib.run.checkpoint)
    Upload, Download   attachment files (halo_lib.run.attachments)
    Local      no request: configure, sandbox
"""
from abc import ABC, abstractmethod

from halo_lib.errors import NotFound, UsageError


class Plan(ABC):
    requests = ()
    records = True       # the answers are records: -o json makes one array of them
    local = False        # sends no request: --dry-run needs no URL
    # -o json: True prints the answer to one object as that object, False always an
    # array, None lets the output decide (one document alone is one object).
    single_object = None

    def describe(self, base):
        """What --dry-run prints: one JSON-able value per planned request."""
        return [request.describe(base) for request in self.requests]

    stops = ()          # exceptions that end run() early but still want settle()

    @abstractmethod
    def run(self, env, output):
        """Send the requests and present the answers; returns the exit status."""

    def settle(self, env, code, stop, close_error):
        """The exit status once the output is closed (close_error: how closing failed)."""
        if stop is not None:
            raise stop
        if close_error is not None:
            raise close_error
        return code

    def release(self):
        """Give back what planning took (a spooled input), whatever happened."""


class Stream(Plan):
    """A list: every page, in order, written as it arrives (--dry-run: the first page).

    cap: the most records a page of this resource holds (a larger --page-size is lowered
    to it, which -v tells); what: the resource's name for that notice."""

    def __init__(self, request, key, paged, paging, quiet=False, cap=None, what=None):
        self.request, self.key, self.paged, self.paging = request, key, paged, paging
        self.quiet, self.cap, self.what = quiet, cap, what
        self.gaps = []      # signs that the list was not served whole (see pages)
        self.first = None   # called once page 1 is answered (see pages)

    @property
    def requests(self):
        from halo_lib.http.paging import page_request, page_size_for
        if not self.paged:
            return [self.request]
        size = page_size_for(self.page_size(None), self.paging.limit)
        return [page_request(self.request, size, 1)]

    def page_size(self, env):
        size, cap = self.paging.page_size, self.cap
        if size and cap and size > cap:
            if env is not None and env.settings.verbose:
                env.streams.err(f"* --page-size {size} lowered to {cap}: Halo serves at most "
                                f"{cap} {self.what} a page")
            return cap
        return size

    def run(self, env, output):
        from halo_lib.http.paging import pages
        progress = None if self.quiet else progress_line(env.streams)
        paging = self.paging
        self.gaps.clear()
        for records in pages(env.api, self.request, self.key, self.paged, self.page_size(env),
                             paging.limit, paging.concurrency, progress,
                             notice=env.streams.err, gap=self.gaps.append,
                             first=self.first):
            output.page(records)
        if progress:
            progress(None, None)
        return 0


def progress_line(streams):
    """A progress line on stderr for long lists, only when stderr is a terminal."""
    if not streams.stderr_tty:
        return None
    state = {"shown": False}

    def show(seen, total):
        err = streams.stderr
        if seen is None:
            if state["shown"]:
                err.write("\r\033[K")
                err.flush()
            return
        if total and total > 500:
            err.write(f"\rhalo: {seen} of {total} records")
            err.flush()
            state["shown"] = True
    return show


class Document(Plan):
    """One record: an empty answer is `not found`."""

    def __init__(self, request, what):
        self.requests = [request]
        self.what = what

    def run(self, env, output):
        doc = env.api.json(self.requests[0])
        if doc is None or doc == {} or doc == []:
            raise NotFound(f"{self.what}: not found (empty answer)")
        output.document(doc)
        return 0


class Answer(Plan):
    """One request printed as it comes: a JSON array as records (stream_arrays) or one
    document, an empty answer as nothing, anything else as a file (-O FILE, or stdout
    when it is not a terminal)."""

    records = False      # the answer may be a file: -o json only once it is JSON

    def __init__(self, request, target=None, file_expected=False, stream_arrays=True):
        self.requests = [request]
        self.target = target
        self.file_expected = file_expected
        self.stream_arrays = stream_arrays

    def run(self, env, output):
        from halo_lib.io import downloads
        from halo_lib.io.output import is_json
        streams, target = env.streams, self.target
        if self.file_expected and not target and streams.stdout_tty:
            raise UsageError("this answer is a file: give -O FILE, or redirect stdout")
        downloads.check_target(target)
        response, written = env.api.send(self.requests[0],
                                         consume=downloads.consumer(streams, target))
        if written is not None:      # a file answer, streamed to FILE or stdout
            return written
        if not is_json(response):
            return downloads.write_bytes(streams, response.data, target)
        doc = _json_or_text(response.data)
        if doc is None:
            return 0
        if isinstance(doc, list) and self.stream_arrays:
            output.page(doc)
        else:
            output.document(doc)
        return 0


class Local(Plan):
    """A command that sends no API request of its own: configure, sandbox."""

    records = False
    local = True

    def __init__(self, action, description):
        self.action = action               # action(env) -> exit status
        self.description = description

    def describe(self, base):
        return [{"local": self.description}]

    def run(self, env, output):
        return self.action(env)


def _json_or_text(data):
    """A JSON answer's value (None when empty); a body that does not parse, as text."""
    import orjson
    from halo_lib.http.api import json_or_nothing
    try:
        return json_or_nothing(data)
    except orjson.JSONDecodeError:
        return data.decode("utf-8", "replace")
