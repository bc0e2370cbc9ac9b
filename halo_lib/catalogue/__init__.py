"""Halo's API as facts: every path and method, its parameters and its body fields.

The data (halo-api.json beside this file, and the body schemas in halo-api-schemas.json)
is generated from Halo's OpenAPI document by `python -m halo_lib.catalogue.generate`; it is
read on first use only, so commands that check nothing, and `halo --help`, never pay for
it. The schemas, two thirds of the bytes, are read only when a body's fields are asked
for: checking a --param reads the operations alone.

    op = catalogue().find("GET", "/Tickets/12")     # the operation GET /Tickets/{id}
    op.query_names()                                # the query parameters it documents
    closest("clinet_id", op.query_names())          # ["client_id"]
"""
from pathlib import Path

DATA = Path(__file__).with_name("halo-api.json")
SCHEMAS = Path(__file__).with_name("halo-api-schemas.json")

# Operations halo reaches with a named verb that this release of Halo's API document does
# not describe, each with where it is known from. Their parameters are not checked.
KNOWN_ELSEWHERE = {
    ("GET", "/Expense"): "expense list, reached by live tenants; absent from the document",
    ("GET", "/Expense/{id}"): "one expense, as every group's GET /Group/{id}",
    ("POST", "/Expense"): "expense create and update (array POST), as on every group",
    ("GET", "/Invoice/lines"): "invoice lines, named by Halo's public clients",
    ("POST", "/Invoice/View"): "marks invoices viewed, as the document's /Tickets/View",
    ("POST", "/Invoice/{id}/void"): "voids an invoice, named by Halo's public clients",
    ("POST", "/Quotation/Lines"): "quotation lines, as the document's /Invoice/updatelines",
    ("POST", "/Quotation/View"): "marks quotations viewed, as the document's /Tickets/View",
    ("POST", "/ClientContract/Approval"): "contract approval, named by Halo's public clients",
    ("POST", "/Tickets/SetBillableProject"): "named by Halo's public clients",
}


class Param:
    __slots__ = ("name", "where", "kind", "enum")

    def __init__(self, name, where, kind, enum=None):
        self.name, self.where, self.kind, self.enum = name, where, kind, enum


class Operation:
    """One method on one path. known: "document" (described by Halo's API document) or
    "elsewhere" (one of KNOWN_ELSEWHERE, with nothing known of its parameters)."""

    __slots__ = ("method", "path", "group", "params", "body_shape", "body_schema", "known",
                 "_catalogue")

    def __init__(self, method, path, entry, catalogue, known="document"):
        self.method, self.path, self.known = method, path, known
        self.group = entry.get("group", path.strip("/").split("/")[0])
        self.params = tuple(Param(*p) for p in entry.get("params", ()))
        shape, what = entry.get("body") or (None, None)
        self.body_shape = shape          # None, "array", "object" or "value"
        self.body_schema = what          # a schema name, or the value kind of the body
        self._catalogue = catalogue

    @property
    def checked(self):
        return self.known == "document"

    def query_names(self):
        return [p.name for p in self.params if p.where == "query"]

    def query(self):
        return [p for p in self.params if p.where == "query"]

    def body_fields(self):
        """{field: kind or [kind, enum values]} of the body's records ({} when unknown)."""
        return self._catalogue.schema(self.body_schema) if self.body_schema else {}


class Catalogue:
    """data: {"source", "operations"}; schemas: a function returning the body schemas by
    name, called the first time one is asked for."""

    def __init__(self, data, schemas=None):
        """schemas: the body schemas, or a function that reads them when first asked."""
        self.source = data["source"]
        self._schemas = schemas or data.get("schemas") or {}
        self._operations = data["operations"]
        # Path templates by segment count, for matching concrete paths like /Tickets/12.
        self._by_length = {}
        for path in list(self._operations) + [p for _, p in KNOWN_ELSEWHERE]:
            segments = _segments(path)
            self._by_length.setdefault(len(segments), {})[path] = segments

    def schema(self, name):
        if callable(self._schemas):
            self._schemas = self._schemas()
        return self._schemas.get(name) or {}

    def operations(self):
        """Every operation, in path order, the known-elsewhere ones among them."""
        for path in self._templates():
            yield from self._on(path)

    def _templates(self):
        """Every path template, the known-elsewhere ones among them, in path order."""
        return sorted(set(self._operations) | {p for _, p in KNOWN_ELSEWHERE}, key=str.lower)

    def at(self, path):
        """The operations on the template a path stands for, GET first."""
        template = self.template(path)
        return self._on(template) if template else []

    def _on(self, template):
        methods = self._operations.get(template, {})
        ops = [Operation(m, template, e, self) for m, e in methods.items()]
        ops += [Operation(m, p, {}, self, known="elsewhere")
                for m, p in KNOWN_ELSEWHERE if p == template and m not in methods]
        return sorted(ops, key=lambda op: _METHOD_ORDER.get(op.method, 9))

    def find(self, method, path):
        """The operation METHOD on PATH (a template or a concrete path), or None."""
        method = method.upper()
        for op in self.at(path):
            if op.method == method:
                return op
        return None

    def template(self, path):
        """The template a path stands for: itself, or the one its segments fill. Literal
        segments win over placeholders (/Tickets/View before /Tickets/{id})."""
        segments = _segments(path)
        best, best_score = None, -1
        for template, parts in self._by_length.get(len(segments), {}).items():
            score = _match(parts, segments)
            if score > best_score:
                best, best_score = template, score
        return best

    def paths(self, method=None):
        """Every path template, or those that offer METHOD."""
        if method is None:
            return self._templates()
        method = method.upper()
        return [op.path for op in self.operations() if op.method == method]


_METHOD_ORDER = {"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4}


def _segments(path):
    """Lower-cased segments of a path, without /api, a query string or a trailing slash."""
    path = path.split("?", 1)[0].strip("/")
    parts = path.split("/") if path else []
    if parts and parts[0].lower() == "api":
        parts = parts[1:]
    return [p.lower() for p in parts]


def _match(template, segments):
    """How well a template's segments fit a path's: -1 if not at all, else the number of
    literal segments that agree."""
    score = 0
    for want, got in zip(template, segments):
        if want.startswith("{") and want.endswith("}"):
            if got == "":
                return -1
            continue
        if want != got:
            return -1
        score += 1
    return score


def closest(word, candidates, n=3):
    """Up to n candidates close to word, best first, compared case-insensitively."""
    import difflib
    lowered = {c.lower(): c for c in candidates}
    matches = difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.6)
    return [lowered[m] for m in matches]


_loaded = None


def catalogue():
    """The catalogue, read once per process."""
    global _loaded
    if _loaded is None:
        try:
            from orjson import loads
        except ImportError:     # `python -m halo_lib.docs` runs on the standard library alone
            from json import loads
        _loaded = Catalogue(loads(DATA.read_bytes()), lambda: loads(SCHEMAS.read_bytes()))
    return _loaded
