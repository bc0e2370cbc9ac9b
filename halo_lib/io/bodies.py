"""Records in: BODY (`-`, @FILE or JSON text) and -F/-f fields, checked before sending.

A BODY holds one object, an array of objects, or NDJSON. Anything else is refused with
the line and column of the fault, before a single request goes out. Bulk input (`-` or
@FILE) that is empty or blank is zero records, not a fault.

Bulk input (RecordSource) is read twice so that memory stays flat however long it is: a
first pass copies it to a temporary spool file while checking every record, and only
when all of it is valid does a second pass hand out numbered records batch by batch.
NDJSON streams; a single JSON document (one object or one array) is parsed whole.
"""
import orjson

SPOOL_CHUNK = 1 << 20

from halo_lib.errors import UsageError


def read_source(arg, streams):
    """(bytes, name) of a BODY argument."""
    if arg == "-":
        return streams.stdin.read(), "stdin"
    if arg.startswith("@"):
        path = arg[1:]
        try:
            with open(path, "rb") as handle:
                return handle.read(), path
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    return arg.encode("utf-8", "surrogateescape"), "BODY"


def parse_records(data, name):
    """A list of dicts from one object, an array of objects, or NDJSON."""
    if not data.strip():
        raise UsageError(f"no records in {name}: it is empty")
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as whole:
        return _parse_lines(data, name, whole)
    if isinstance(doc, dict):
        return [doc]
    if isinstance(doc, list):
        for index, item in enumerate(doc, 1):
            if not isinstance(item, dict):
                raise UsageError(f"invalid input in {name}: element {index} of the array is "
                                 f"{_kind(item)}, not an object")
        if not doc:
            raise UsageError(f"no records in {name}: the array is empty")
        return doc
    raise UsageError(f"invalid input in {name}: expected an object, an array of objects or "
                     f"NDJSON, got {_kind(doc)}")


def _parse_lines(data, name, whole):
    """NDJSON, line by line; the error names the line and column of the first fault."""
    lines = data.split(b"\n")
    if sum(1 for line in lines if line.strip()) < 2:
        raise _syntax(name, whole)
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            doc = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            if number == 1 and not records and whole.lineno > 1:
                raise _syntax(name, whole)   # one document across lines, broken later on
            raise UsageError(f"invalid JSON in {name} at line {number}, column {exc.colno}: "
                             f"{_what(exc)}" + _hint(name)) from None
        if not isinstance(doc, dict):
            raise UsageError(f"invalid input in {name} at line {number}: {_kind(doc)}, "
                             "not an object")
        records.append(doc)
    return records


def _hint(name):
    """Input on stdin that is not JSON may be another halo's csv or table."""
    return " (the output of another halo? give that one -o ndjson)" if name == "stdin" else ""


def _syntax(name, exc):
    return UsageError(f"invalid JSON in {name} at line {exc.lineno}, column {exc.colno}: "
                      f"{_what(exc)}")


def _what(exc):
    return " ".join(exc.msg.split()) or "syntax error"


def _kind(value):
    names = {str: "a string", bool: "a boolean", int: "a number", float: "a number",
             list: "an array", dict: "an object", type(None): "null"}
    return names.get(type(value), "a value")


def typed_value(text, streams, key=None):
    """-F conversion: true/false/null, integers and numbers, @FILE contents, else text.

    With a key ending in ':' (`-F tags:=[1,2]`, httpie's convention) the text is JSON and
    any JSON value is taken as it is; bad JSON is a usage error naming the field.
    """
    if key is not None and key.endswith(":"):
        try:
            return orjson.loads(text.encode("utf-8", "surrogateescape"))
        except orjson.JSONDecodeError as exc:
            raise UsageError(f"invalid JSON for field {key[:-1]!r} (-F {key}=...): "
                             f"{_what(exc)}") from None
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if text.startswith("@"):
        data, path = read_source(text, streams)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(f"invalid UTF-8 in {path} (-F {key}=@...) at byte {exc.start}: "
                             "a field is text; nothing was sent") from None
    try:
        return int(text, 10)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return text
    return value if value == value and abs(value) != float("inf") else text


def apply_fields(records, typed, raw, flags, streams):
    """Each record with typed-flag, -F and -f fields set; they override the body.

    A key with dots sets a nested field (`-F a.b=1` -> {"a": {"b": 1}}), keeping the
    other fields of an object the body already has there. `customfields` from --cf
    replace the body's entries of the same name and keep the others.
    """
    fields = [((key,), value) for key, value in flags.items()]
    for key, value in typed:
        fields.append((_field_path(key.rstrip(":") if key.endswith(":") else key),
                       typed_value(value, streams, key)))
    fields += [(_field_path(key), value) for key, value in raw]
    if not fields:
        return records
    return [_with_fields(record, fields) for record in records]


def _field_path(key):
    path = tuple(key.split("."))
    if not all(path):
        raise UsageError(f"invalid field name {key!r}: an empty part between dots")
    return path


def _with_fields(record, fields):
    record = dict(record)
    for path, value in fields:
        if path == ("customfields",) and isinstance(value, list):
            value = _merge_custom(record.get("customfields"), value)
        _set(record, path, value)
    return record


def _set(record, path, value):
    """Set record[a][b]... = value, copying each object on the way (records share none)."""
    target = record
    for part in path[:-1]:
        inner = target.get(part)
        inner = dict(inner) if isinstance(inner, dict) else {}
        target[part] = inner
        target = inner
    target[path[-1]] = value


def _merge_custom(existing, given):
    """The body's customfields with --cf entries put over those of the same name."""
    if not isinstance(existing, list):
        return given
    names = {entry["name"] for entry in given}
    kept = [e for e in existing if not (isinstance(e, dict) and e.get("name") in names)]
    return kept + given


def batches(records, size):
    for start in range(0, len(records), size):
        yield records[start:start + size]


class RecordSource:
    """The records of a bulk BODY, checked whole before any is handed out.

    check(record, number) may raise a UsageError about one record; it sees the record
    with the fields applied, as it will be sent. count is the number of records.
    batches(size) yields lists of (number, record), numbers counting from 1.
    """

    def __init__(self, body, streams, fields=None, check=None):
        self.fields = fields or (lambda records: records)
        self.count = 0
        self.array = False        # whether the input was one JSON array
        self._records = None      # a whole document, held in memory
        self._spool = None        # NDJSON, read again line by line
        if body.startswith("@") or body == "-":
            self._read_spooled(body, streams, check)
        else:
            data = body.encode("utf-8", "surrogateescape")
            self.array = data.lstrip().startswith(b"[")
            self._whole(parse_records(data, "BODY"), check)

    def _whole(self, records, check):
        self._records = records
        self.count = len(records)
        if check:
            self._check(list(enumerate(records, 1)), check)

    def _read_spooled(self, body, streams, check):
        import tempfile
        name = "stdin" if body == "-" else body[1:]
        spool = tempfile.TemporaryFile(prefix="halo-input-")
        try:
            _copy(body, streams, spool)
            spool.seek(0)
            if _first_line_is_an_object(spool):
                self._check_lines(spool, name, check)
                self._spool = spool
                return
            spool.seek(0)
            data = spool.read()
        except BaseException:
            spool.close()
            raise
        spool.close()
        self.array = data.lstrip().startswith(b"[")
        # Empty input is zero records, not an error: a pipeline whose filter matched
        # nothing (`... | jq 'select(...)' | halo actions create -`) or the README's
        # --failed retry loop after a fully successful run sends nothing, exit 0.
        self._whole(parse_records(data, name) if data.strip() else [], check)

    def _check_lines(self, spool, name, check):
        """The first pass over NDJSON: every line an object; nothing kept."""
        spool.seek(0)
        count = 0
        pending = []
        for number, line in enumerate(spool, 1):
            if not line.strip():
                continue
            try:
                doc = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise UsageError(f"invalid JSON in {name} at line {number}, column "
                                 f"{exc.colno}: {_what(exc)}" + _hint(name)) from None
            if not isinstance(doc, dict):
                raise UsageError(f"invalid input in {name} at line {number}: {_kind(doc)}, "
                                 "not an object")
            count += 1
            if check:
                pending.append((count, doc))
                if len(pending) >= 500:
                    self._check(pending, check)
                    pending = []
        if check:
            self._check(pending, check)
        self.count = count

    def _check(self, numbered, check):
        for (number, _), record in zip(numbered, self.fields([r for _, r in numbered])):
            check(record, number)

    def batches(self, size):
        if self._records is not None:
            for start in range(0, len(self._records), size):
                batch = self.fields(self._records[start:start + size])
                yield list(enumerate(batch, start + 1))
            return
        spool = self._spool
        spool.seek(0)
        number, batch = 0, []
        for line in spool:
            if not line.strip():
                continue
            number += 1
            batch.append(orjson.loads(line))
            if len(batch) == size:
                yield list(zip(range(number - size + 1, number + 1), self.fields(batch)))
                batch = []
        if batch:
            yield list(zip(range(number - len(batch) + 1, number + 1), self.fields(batch)))

    def close(self):
        if self._spool is not None:
            self._spool.close()
            self._spool = None


def _copy(body, streams, spool):
    """BODY's bytes into the spool, a chunk at a time."""
    if body == "-":
        source, handle = "stdin", streams.stdin
    else:
        source = body[1:]
        try:
            handle = open(source, "rb")
        except OSError as exc:
            raise UsageError(f"cannot read {source}: {exc.strerror or exc}") from None
    try:
        while True:
            try:
                chunk = handle.read(SPOOL_CHUNK)
            except OSError as exc:
                raise UsageError(f"cannot read {source}: {exc.strerror or exc}") from None
            if not chunk:
                return
            try:
                spool.write(chunk)
            except OSError as exc:
                raise UsageError(f"cannot spool {source} to a temporary file: "
                                 f"{exc.strerror or exc}") from None
    finally:
        if handle is not streams.stdin:
            handle.close()


def _first_line_is_an_object(spool):
    """Whether the input reads as NDJSON: its first non-blank line is a whole object."""
    for line in spool:
        if line.strip():
            try:
                return isinstance(orjson.loads(line), dict)
            except orjson.JSONDecodeError:
                return False
    return False
