"""Names checked against the catalogue of Halo's API (halo_lib.catalogue) before sending.

Halo ignores a query parameter it does not know: a misspelt filter filters nothing, and
the answer holds every record of the tenant. So a --param name (or a name in the query
string of request's PATH) that the catalogue does not document for the operation is a
usage error, and so is an -F/-f field that a named create or update's body does not
document. `--unchecked` sends them anyway (a tenant may be newer than the catalogue).

The catalogue is read only here, and only when there is a name to check.
"""
from halo_lib.errors import UsageError

# Paging parameters halo sends itself (halo_lib.http.paging), and count, which most
# lists take: allowed on every operation.
PAGING = frozenset({"pageinate", "page_no", "page_size", "count"})

WHY_QUERY = ("Halo ignores a query parameter it does not know and would answer with every "
             "record")
WHY_FIELD = "Halo ignores a body field it does not know"
OVERRIDE = "nothing was sent (--unchecked sends it anyway)"


def check_query(method, path, names):
    """Every name in names is a query parameter of METHOD PATH; UsageError naming the first
    that is not. Operations the catalogue does not describe are not checked."""
    names = [n for n in names if n.lower() not in PAGING]
    if not names:
        return
    op = _checked_operation(method, path)
    if op is not None:
        _refuse_unknown("query parameter", names, op.query_names(), op, WHY_QUERY)


def check_fields(method, path, keys):
    """The top-level name of each -F/-f KEY (`a.b` -> a, `k:` of `k:=JSON` -> k) is a
    field of METHOD PATH's body; nothing is checked when the body's fields are unknown."""
    # A key with an empty part ('a..b') is refused as such when the fields are applied.
    names = [parts[0] for parts in map(_top_name_parts, keys) if all(parts)]
    if not names:
        return
    op = _checked_operation(method, path)
    known = op.body_fields() if op is not None else {}
    if known:
        _refuse_unknown("field", names, known, op, WHY_FIELD)


def _checked_operation(method, path):
    """The operation whose names are checked: None when the catalogue does not describe
    it, or knows it from elsewhere only."""
    from halo_lib.catalogue import catalogue
    op = catalogue().find(method, path)
    return op if op is not None and op.checked else None


def warn_unknown_path(method, path, streams):
    """request to an operation the catalogue does not describe: one warning line naming the
    closest known paths; it is sent all the same."""
    from halo_lib.catalogue import catalogue, closest
    cat = catalogue()
    ops = cat.at(path)        # those on the template path stands for, if any
    if any(op.method == method.upper() for op in ops):
        return
    if ops:
        offered = ", ".join(op.method for op in ops)
        streams.err(f"halo: warning: Halo's API has no {method} {ops[0].path} (it offers "
                    f"{offered}); sending it anyway")
        return
    near = closest(_as_template(path), cat.paths(method), n=3)
    hint = f"closest: {', '.join(near)}" if near else "see 'halo api list'"
    streams.err(f"halo: warning: Halo's API has no {method} {path.split('?')[0]} ({hint}); "
                "sending it anyway")


def _refuse_unknown(what, names, known, op, why):
    from halo_lib.catalogue import closest
    lowered = {k.lower() for k in known}
    for name in names:
        if name.lower() in lowered:
            continue
        near = closest(name, known)
        if near:
            hint = f"did you mean {_either(near)}?"
        elif known:
            hint = f"see 'halo api show {op.path} {op.method}'."
        else:
            hint = f"it documents no {what}s."
        raise UsageError(f"unknown {what} '{name}' for {op.method} {op.path}; {hint} {why}; "
                         f"{OVERRIDE}")


def _either(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _top_name_parts(key):
    return (key[:-1] if key.endswith(":") else key).split(".")


def _as_template(path):
    """/Tickts/12 -> /Tickts/{id}: numbers stand for an id, so the path compares with
    the catalogue's templates."""
    segments = path.split("?", 1)[0].strip("/").split("/")
    if segments and segments[0].lower() == "api":
        segments = segments[1:]
    return "/" + "/".join("{id}" if s.isdigit() else s for s in segments)
