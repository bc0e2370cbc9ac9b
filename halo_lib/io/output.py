"""Records out, in the chosen format, through an optional JMESPath query.

The lifecycle every verb follows: page() for each page of a list (or each saved batch of
a bulk write), document() for a single answer, close() at the end. The query comes first,
then the format: ndjson (the default), json (one document), table, csv or tsv.

A list is written page by page, one write and flush per page, so the first line shows as
soon as the first page arrives and memory holds one page at a time. -o json is one
document: streamed the same way on a pipe, collected when a query or a terminal needs the
whole of it.
"""

from halo_lib import jsontext
from halo_lib.errors import UsageError
from halo_lib.io.fields import NullFields, columns_of, parse_fields, project


class Output:
    def __init__(self, streams, query=None, raw=False, fmt=None, fields=None, defaults=(),
                 no_color=False, label=None):
        self.streams = streams
        # label: records -> records with names beside ids (halo_lib.run.labels), or None
        self.label = label
        self.raw = raw
        self.fmt = fmt or "ndjson"
        self.as_array = self.fmt == "json"
        self.collected = [] if self.as_array else None
        self.query = query
        self.expression = compile_query(query) if query else None
        self.fields = parse_fields(fields)
        self.null_fields = NullFields(self.fields)
        self.defaults = parse_fields(",".join(defaults)) if defaults else None
        self.no_color = no_color
        self.opened = False         # page() or document() was called: close() completes it
        # -o json: whether the answer is one object (printed as that object) or a list
        # (an array); None lets the calls decide: one document() alone is one object.
        self.single_object = None
        self.count = 0              # values written (after the query)
        self.seen = 0               # records given to page() (before the query)
        self.documents = 0
        self.writer = None
        self.closed = False
        self.array_open = False     # -o json streamed: "[" written, "]" still to come

    def page(self, records):
        """Write one page of records; a query that gives null drops the record."""
        self.opened = True
        self.seen += len(records)
        if self.label is not None:
            records = self.label(records)
        if self.as_array:
            if self._streams_array():
                self._stream_array(records)
            else:
                self.collected.extend(records)
            return
        expression = self.expression
        if expression is not None:
            records = [v for v in map(expression.search, records) if v is not None]
        self.count += len(records)
        if records:
            self._emit(records)

    def document(self, doc):
        """Write one answer: the query applies to the whole document."""
        self.opened = True
        self.documents += 1
        if self.label is not None:
            doc = self.label.document(doc)
        if self.as_array:
            self.collected.append(doc)
            return
        if self.expression is not None:
            doc = self.expression.search(doc)
            if doc is None:
                return
        self.count += 1
        is_rows = self.fmt != "ndjson" and isinstance(doc, list)
        if is_rows and not doc:
            return
        self._emit(doc if is_rows else [doc])

    def close(self):
        if self.closed:
            return
        self.closed = True
        try:
            self._finish()
        finally:
            warning = self.null_fields.warning()
            if warning:
                self.streams.err(warning)

    def _finish(self):
        if self.array_open:
            self.streams.write(b"]\n")
            return
        if self.as_array:
            self._write_json()
            return
        if self.fmt in ("csv", "tsv") and self.writer is None:
            columns = self.fields or (None if self.expression else self.defaults)
            if columns:
                self.streams.write(self._writer(columns).header())
        if self.expression is not None and self.seen and not self.count:
            self._warn_all_null(self.seen)

    # ---------------------------------------------------------------- formats

    def _emit(self, values):
        if self.fields:
            self.null_fields.see(values)
        if self.fmt == "ndjson":
            if self.fields:
                fields = self.fields
                values = [project(v, fields) if isinstance(v, dict) else v for v in values]
            self.streams.write(self._lines(values))
            return
        if self.writer is None:
            self._writer(self._columns(values[0]))
        self.streams.write(self.writer.page(values))

    def _columns(self, first):
        """--fields, else the resource's defaults, else the keys of the first value (also
        when a --query shaped the records)."""
        if self.fields:
            return self.fields
        if self.defaults and self.expression is None and isinstance(first, dict):
            return self.defaults
        return columns_of(first)

    def _writer(self, columns):
        if self.fmt == "table":
            from halo_lib.io.table import Table
            self.writer = Table(columns, self.streams.columns)
        else:
            from halo_lib.io.formats import Delimited
            self.writer = Delimited(columns, tab=self.fmt == "tsv",
                                    bom=self.streams.stdout_new_file,
                                    terminal=self.streams.stdout_tty)
        return self.writer

    def _streams_array(self):
        """-o json of a list on a pipe without --query: written page by page, byte for byte
        the array it would be as one piece, with memory flat in the length of the list."""
        return (self.expression is None and not self.streams.stdout_tty
                and not self.single_object and not self.documents and not self.collected)

    def _stream_array(self, records):
        if not records:
            return
        if self.fields:
            self.null_fields.see(records)
            records = [project(r, self.fields) if isinstance(r, dict) else r for r in records]
        self.count += len(records)
        head = b"," if self.array_open else b"["
        self.array_open = True
        self.streams.write(head + jsontext.dumps_joined(records))

    def _write_json(self):
        """-o json: the answer to one object as that object, anything else as one array;
        the query applies to the whole of it (`length(@)`, `sort_by(@, &id)`)."""
        if self.single_object is None:
            single = self.documents == 1 and len(self.collected) == 1
        else:
            single = self.single_object and len(self.collected) == 1
        value = self.collected[0] if single else self.collected
        self.collected = None
        if self.expression is not None:
            value = self.expression.search(value)
            if value is None:
                if not single and self.seen:
                    self._warn_all_null(self.seen, "the array of")
                return
        if self.fields:
            self.null_fields.see(value if isinstance(value, list) else [value])
            if isinstance(value, dict):
                value = project(value, self.fields)
            elif isinstance(value, list):
                value = [project(v, self.fields) if isinstance(v, dict) else v for v in value]
        if self.raw and isinstance(value, str):
            self.streams.write(_raw(value))
            return
        if not self.streams.stdout_tty:
            self.streams.write(jsontext.dumps(value) + b"\n")
            return
        from halo_lib.io import colour
        if colour.wants_colour(self.streams, self.no_color):
            try:
                self.streams.write(colour.terminal_safe(colour.dumps(value)))
                return
            except RecursionError:
                pass   # nested too deep to colour: written plain, as received
        self.streams.write(colour.terminal_safe(jsontext.dumps(value, indent=True) + b"\n"))

    def _warn_all_null(self, seen, what="all"):
        self.streams.err(f"halo: warning: --query {self.query!r} gave null for {what} {seen} "
                         "record(s), so nothing was written (names are case-sensitive: "
                         "see a whole record with --limit 1)")

    def _lines(self, values):
        if self.raw:
            if self.streams.stdout_tty:   # -r text on a terminal: controls shown escaped
                from halo_lib.io.table import escape
                values = [escape(v) if isinstance(v, str) else v for v in values]
            return b"".join(_raw(v) for v in values)
        lines = jsontext.dumps_lines(values)
        if self.streams.stdout_tty:
            from halo_lib.io.colour import terminal_safe
            return terminal_safe(lines)
        return lines


def _raw(value):
    if isinstance(value, str):   # a lone surrogate (valid JSON) as its \u escape (\ud83d)
        return value.encode("utf-8", "backslashreplace") + b"\n"
    return jsontext.dumps(value) + b"\n"


QUERY_DEPTH = 100   # nesting ((, [, {) a --query may have; jmespath's parser recurses


def compile_query(text):
    import jmespath
    from jmespath.exceptions import JMESPathError
    from halo_lib.errors import printable
    shown = printable(text if len(text) <= 200 else text[:199] + "…")
    depth = deepest = 0
    for char in text:
        depth += (char in "([{") - (char in ")]}")
        deepest = max(deepest, depth)
    if deepest > QUERY_DEPTH:
        raise UsageError(f"invalid --query {shown!r}: nested {deepest} deep, "
                         f"more than {QUERY_DEPTH}")
    try:
        compiled = jmespath.compile(text)
    except RecursionError:
        raise UsageError(f"invalid --query {shown!r}: nested too deeply") from None
    except JMESPathError as exc:
        reason = printable(" ".join(str(exc).split()))[:300]
        raise UsageError(f"invalid --query {shown!r}: {reason}") from None
    # `a|a|a...` parses flat but is searched recursively: bound the tree's depth too.
    stack, deepest = [(compiled.parsed, 1)], 0
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > 2 * QUERY_DEPTH:
            raise UsageError(f"invalid --query {shown!r}: nested more than "
                             f"{2 * QUERY_DEPTH} deep")
        if isinstance(node, dict):
            stack.extend((child, level + 1) for child in node.get("children", ())
                         if isinstance(child, dict))
    return compiled


def is_json(response):
    """Whether an answer is JSON (by its type, or by its first byte when it has none)."""
    kind = response.content_type
    if kind.endswith("json") or kind.endswith("+json"):
        return True
    if kind.startswith("text/") and response.data.lstrip()[:1] in (b"{", b"["):
        return True
    return not kind and response.data.lstrip()[:1] in (b"{", b"[", b"")
