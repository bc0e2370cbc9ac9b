"""`halo api list [WORD...]` and `halo api show PATH [METHOD]`: the catalogue of Halo's API
(halo_lib.catalogue) as records, offline: no settings are read, nothing is sent.

    list   one record per operation: method, path, group, the named verb that covers it
           (or null) and where it is known from ("document", or "elsewhere" for the
           operations halo reaches that Halo's API document leaves out)
    show   each operation on PATH with its parameters and its body's fields
"""
from halo_lib.errors import UsageError
from halo_lib.run.plans import Plan

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class Browse(Plan):
    """Records made from the catalogue, written like any list."""

    local = True

    def __init__(self, action, words):
        self.action, self.words = action, list(words)

    def describe(self, base):
        return [{"local": f"read the catalogue of Halo's API ({self.action})"}]

    def run(self, env, output):
        output.page(self.records_of())
        return 0

    def records_of(self):
        from halo_lib.catalogue import catalogue
        cat = catalogue()
        if self.action == "list":
            return [summary(op) for op in cat.operations() if matches(op, self.words)]
        return [detail(op) for op in operations_at(cat, self.words)]


def matches(op, words):
    """Every word is part of the path or of a parameter's name, in any case."""
    path = op.path.lower()
    names = [p.name.lower() for p in op.params]
    return all(w.lower() in path or any(w.lower() in n for n in names) for w in words)


def operations_at(cat, words):
    """The operations `show PATH [METHOD]` names; UsageError with the closest paths."""
    if not words or len(words) > 2:
        raise UsageError("api show takes PATH and, optionally, METHOD "
                         "(e.g. 'halo api show /Tickets/{id} GET')")
    path, method = words[0], (words[1].upper() if len(words) == 2 else None)
    if method is not None and method not in METHODS:
        raise UsageError(f"invalid METHOD {words[1]!r}: one of {', '.join(METHODS)}")
    ops = cat.at(path)
    if not ops:
        from halo_lib.catalogue import closest
        near = closest(path.split("?", 1)[0], cat.paths(method), n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else " (see 'halo api list')"
        raise UsageError(f"no path {path} in the catalogue of Halo's API{hint}")
    if method is None:
        return ops
    chosen = [op for op in ops if op.method == method]
    if not chosen:
        raise UsageError(f"no {method} on {ops[0].path}: it offers "
                         f"{', '.join(op.method for op in ops)}")
    return chosen


def summary(op):
    return {"method": op.method, "path": op.path, "group": op.group,
            "verb": named_verbs().get((op.method, op.path)), "known": op.known}


def detail(op):
    found = summary(op)
    found["params"] = [{"name": p.name, "in": p.where, "type": p.kind, "enum": p.enum}
                       for p in op.params]
    found["body"] = None
    if op.body_shape is not None:
        fields = [_field(name, kind) for name, kind in op.body_fields().items()]
        found["body"] = {"shape": op.body_shape, "schema": op.body_schema, "fields": fields}
    return found


def _field(name, kind):
    """A body field: kind is a value kind, or [kind, enum values]."""
    if isinstance(kind, list):
        return {"name": name, "type": kind[0], "enum": kind[1]}
    return {"name": name, "type": kind, "enum": None}


_VERBS = {}


def named_verbs():
    """{(method, path): 'tickets create, tickets update'}: the named verbs of each
    operation, from the resource table."""
    if not _VERBS:
        from halo_lib.resources import RESOURCES
        for resource in RESOURCES:
            for verb in resource.verbs():
                if verb.kind != "listen":      # a server of ours, not one of Halo's paths
                    key = (verb.method, verb.path)
                    name = f"{resource.name} {verb.name}"
                    _VERBS[key] = f"{_VERBS[key]}, {name}" if key in _VERBS else name
    return _VERBS
