"""The records of a named endpoint's BODY and of `request`'s: BODY, then the typed field
flags and -F/-f pairs on each. (Bulk writes stream theirs: halo_lib.io.bodies.RecordSource.)"""
from halo_lib.errors import UsageError
from halo_lib.run.kinds.base import field_values


def input_records(inv, streams, required):
    """Records from BODY and the field flags; None when there is neither (and not required)."""
    from halo_lib.io import bodies
    writing = inv.writing
    records = None
    if writing.body is not None:
        data, name = bodies.read_source(writing.body, streams)
        records = bodies.parse_records(data, name)
    flags = field_values(inv, streams.now)
    if records is None:
        if not (flags or writing.has_pairs):
            if required:
                raise UsageError(f"nothing to send: give BODY ('-', @FILE or JSON) or "
                                 f"fields (see 'halo {inv.command} --help')")
            return None
        records = [{}]
    return bodies.apply_fields(records, writing.typed_fields, writing.raw_fields, flags,
                               streams)


def request_document(inv, streams):
    """BODY for `request`: the document as given (NDJSON becomes an array), plus fields."""
    import orjson
    from halo_lib.io import bodies
    writing = inv.writing
    doc = {}
    if writing.body is not None:
        data, name = bodies.read_source(writing.body, streams)
        try:
            doc = orjson.loads(data)
        except orjson.JSONDecodeError:
            doc = bodies.parse_records(data, name)   # NDJSON, or the error with its position
    if writing.has_pairs:
        pairs = (writing.typed_fields, writing.raw_fields, {}, streams)
        if isinstance(doc, dict):
            doc = bodies.apply_fields([doc], *pairs)[0]
        elif isinstance(doc, list) and all(isinstance(d, dict) for d in doc):
            doc = bodies.apply_fields(doc, *pairs)
        else:
            raise UsageError("-F/-f need a BODY that is an object or an array of objects")
    return doc
