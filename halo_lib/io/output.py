"""Records out: NDJSON (or one JSON array), through an optional JMESPath query.

A list is written page by page, one write and flush per page, so the first line shows as
soon as the first page arrives and memory holds one page at a time.
"""
import os

import orjson

from halo_lib.errors import UsageError


class Output:
    def __init__(self, streams, query=None, raw=False, fmt=None):
        self.streams = streams
        self.raw = raw
        self.as_array = fmt == "json"
        self.collected = None     # -o json: the records, once the output has begun
        self.expression = compile_query(query) if query else None

    def begin(self):
        """The answers are records: -o json writes an array at close, empty or not."""
        if self.as_array and self.collected is None:
            self.collected = []

    def page(self, records):
        """Write one page of records; a query that gives null drops the record."""
        expression = self.expression
        if expression is not None:
            records = [v for v in map(expression.search, records) if v is not None]
        if self.as_array:
            self.begin()
            self.collected.extend(records)
        elif records:
            self.streams.write(self._lines(records))

    def document(self, doc):
        """Write one answer: the query applies to the whole document."""
        if self.expression is not None:
            doc = self.expression.search(doc)
            if doc is None:
                return
        if self.as_array:
            self.begin()
            self.collected.append(doc)
        else:
            self.streams.write(self._lines((doc,)))

    def close(self):
        if self.collected is not None:
            option = orjson.OPT_INDENT_2 if self.streams.stdout_tty else 0
            self.streams.write(orjson.dumps(self.collected, option=option) + b"\n")

    def _lines(self, values):
        if self.raw:
            return b"".join(_raw(v) for v in values)
        dumps = orjson.dumps
        return b"\n".join(map(dumps, values)) + b"\n"


def _raw(value):
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass") + b"\n"
    return orjson.dumps(value) + b"\n"


def compile_query(text):
    import jmespath
    from jmespath.exceptions import JMESPathError
    try:
        return jmespath.compile(text)
    except JMESPathError as exc:
        reason = " ".join(str(exc).split())
        raise UsageError(f"invalid --query {text!r}: {reason}") from None


def is_json(response):
    """Whether an answer is JSON (by its type, or by its first byte when it has none)."""
    kind = response.content_type
    if kind.endswith("json") or kind.endswith("+json"):
        return True
    if kind.startswith("text/") and response.data.lstrip()[:1] in (b"{", b"["):
        return True
    return not kind and response.data.lstrip()[:1] in (b"{", b"[", b"")


def write_file(streams, data, target):
    """A file answer: to FILE (whole or not at all), else stdout."""
    if target and target != "-":
        tmp = f"{target}.halo-part"
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
        return 0
    if streams.stdout_tty and not target:
        text = data.decode("utf-8", "replace") if data else ""
        streams.write((text.rstrip("\n") + "\n").encode() if text else b"")
        return 0
    streams.write(data)
    return 0
