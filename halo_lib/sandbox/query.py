"""List queries: the declared filters and order of a list request, as record tests."""

from halo_lib.sandbox.data import CLOSED_STATUS_IDS
from halo_lib.sandbox.wire import is_true

# Halo filter names that do not match the field they filter on.
FILTER_FIELDS = {"requesttype_id": "tickettype_id", "priority": "priority_id",
                 "category_1": "categoryid_1", "agents": "agent_id"}
SEARCH_FIELDS = ("summary", "name", "title", "subject", "value", "emailaddress",
                 "inventory_number", "invoicenumber", "ref", "filename")
DATE_FIELDS = ("dateoccurred", "datetime", "date", "invoice_date", "start_date",
               "datecreated", "date_created")
START_FILTERS, END_FILTERS = ("startdate", "start_date"), ("enddate", "end_date")


def sort_key(value):
    """Order mixed JSON values without a TypeError: numbers, then text, then nulls."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value, "")
    if value is None:
        return (2, 0, "")
    return (1, 0, str(value).lower())



class Query:
    """The filters and order of a list request, built from the resource's declared filters.

    A declared filter whose name (or FILTER_FIELDS alias) is a field of the records is an
    equality test (comma-separated values: any of them); search, open/closed and date
    ranges are special; the other flags (include..., exclude...) change nothing here.
    """

    def __init__(self, resource, params, sample):
        self.conditions, self.order, self.descending = [], None, False
        declared = {o.name.lower(): o for o in resource.filters}
        date_field = next((f for f in DATE_FIELDS if f in sample), None)
        for name, value in sorted(params.items()):
            opt = declared.get(name)
            if opt is None or value == "":
                continue
            if name == "order":
                self.order = value.lower() if value.lower() in sample else None
            elif name == "orderdesc":
                self.descending = is_true(value)
            elif name == "search":
                fields = tuple(f for f in SEARCH_FIELDS if f in sample)
                self.conditions.append(("search", fields, value.lower()))
            elif name in ("open_only", "closed_only"):
                if is_true(value) and "status_id" in sample:
                    self.conditions.append((name, "status_id", None))
            elif name in START_FILTERS + END_FILTERS and date_field:
                bound = value if "T" in value else value + ("T00:00:00Z" if name in START_FILTERS
                                                             else "T23:59:59Z")
                kind = "after" if name in START_FILTERS else "before"
                self.conditions.append((kind, date_field, bound))
            elif opt.type != "bool":
                field = FILTER_FIELDS.get(name, name)
                if field in sample:
                    values = tuple(v.strip().lower() for v in value.split(",") if v.strip())
                    self.conditions.append(("equal", field, values))
        self.signature = (tuple(self.conditions), self.order, self.descending)

    def equalities(self):
        return [(field, values) for kind, field, values in self.conditions if kind == "equal"]

    def matches(self, rec):
        for kind, field, arg in self.conditions:
            if kind == "equal":
                value = rec.get(field)
                if value is None or str(value).lower() not in arg:
                    return False
            elif kind == "search":
                if not any(arg in str(rec.get(f) or "").lower() for f in field):
                    return False
            elif kind == "open_only":
                if rec.get(field) in CLOSED_STATUS_IDS:
                    return False
            elif kind == "closed_only":
                if rec.get(field) not in CLOSED_STATUS_IDS:
                    return False
            elif kind == "after":
                if str(rec.get(field) or "") < arg:
                    return False
            elif kind == "before":
                if str(rec.get(field) or "~") > arg:
                    return False
        return True
