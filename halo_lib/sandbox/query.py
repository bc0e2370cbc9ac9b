"""List queries: the declared filters and order of a list request, as tests on records.

Every filter a resource declares in the table means something here, as on Halo:
- a typed filter (int, ids, text) whose name, or FILTER_FIELDS alias, is a field of the
  records is an equality test (comma-separated values: any of them);
- a filter naming a record of another resource (assets?ticket_id=N) follows RELATIONS;
- `search`, `open_only`/`closed_only`, the date ranges (`startdate`/`enddate`, with
  `datesearch` naming the date they apply to) and `lastupdatefromdate`/`lastupdatetodate`
  are ranges or text tests;
- the boolean flags of NARROWING keep only the records they name; those of REVEALING
  show records Halo hides unless asked (inactive clients, disabled agents);
- the remaining flags add fields (see includes.py) or change nothing in a list's records.
"""

from halo_lib.resources import DATE_SEARCH_VALUES
from halo_lib.sandbox.words import CLOSED_STATUS_IDS, STATUS_TYPE_CODES
from halo_lib.sandbox.wire import error, is_true

# Halo filter names that do not match the field they filter on.
FILTER_FIELDS = {"requesttype_id": "tickettype_id", "priority": "priority_id",
                 "category_1": "categoryid_1", "agents": "agent_id", "sla": "sla_id",
                 "org_id": "organisation_id", "team_id": "team_id"}
SEARCH_FIELDS = ("summary", "name", "title", "subject", "value", "emailaddress",
                 "inventory_number", "invoicenumber", "ref", "filename")
DATE_FIELDS = ("dateoccurred", "datetime", "date", "invoice_date", "start_date",
               "datecreated", "date_created")
START_FILTERS, END_FILTERS = ("startdate", "start_date"), ("enddate", "end_date")
# The values of `datesearch` Halo documents (halo_lib.resources, Halo's spelling), each
# with the field of the sandbox's record it names; no other value is taken.
_DATE_FIELD = {"dateoccured": "dateoccurred", "datecleared": "dateclosed",
               "lastactiondate": "lastactiondate"}
DATE_SEARCH = {value: _DATE_FIELD[value] for value in DATE_SEARCH_VALUES}
# The field Halo compares lastupdatefromdate/lastupdatetodate with, by list.
LAST_UPDATE = "last_update"
# Flags that keep only some records when true: (kind, field, argument).
NARROWING = {
    "open_only": ("open", "status_id", None),
    "closed_only": ("closed", "status_id", None),
    "agentonly": ("equal", "who_type", ("1",)),
    "excludesys": ("unequal", "who_type", "0"),
    "excludeprivate": ("falsy", "hiddenfromuser", None),
    "conversationonly": ("equal", "outcome", ("email user",)),
    "timeentriesonly": ("positive", "timetaken", None),
    "importantonly": ("truthy", "important", None),
    "postedonly": ("truthy", "posted", None),
    "notpostedonly": ("falsy", "posted", None),
    "hidecompleted": ("falsy", "complete_status", None),
    "excludeclosed": ("unequal", "type", str(STATUS_TYPE_CODES["closed"])),
    "open": ("equal", "status", ("0",)),
    "closed": ("unequal", "status", "0"),
    "withattachments": ("positive", "attachment_count", None),
    "can_create_only": ("truthy", "cancreate", None),
    "exclude_agents": ("falsy", "isagent", None),
    "mine": ("equal", "agent_id", ("1",)),   # the caller is agent 1 (GET /Agent/me)
}
# Flags that, unless true, leave out the records whose field is true.
REVEALING = {"includeinactive": "inactive", "includedisabled": "isdisabled",
             "showinactive": "inactive", "showall": "inactive"}
# Filters naming a record of another resource: (resource, filter) -> (other resource, field
# of the other record holding the id of ours). assets?ticket_id=N: the asset of ticket N.
RELATIONS = {("assets", "ticket_id"): ("tickets", "asset_id")}


def sort_key(value):
    """Order mixed JSON values without a TypeError: numbers, then text, then nulls."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value, "")
    if value is None:
        return (2, 0, "")
    return (1, 0, str(value).lower())


def date_bound(value, start):
    """A date filter's value as a comparable ISO 8601 UTC text (a date covers its day)."""
    text = value.strip()
    if "T" not in text:
        return text + ("T00:00:00Z" if start else "T23:59:59Z")
    if text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text


class Query:
    """The filters and order of one list request: conditions as hashable tuples."""

    def __init__(self, resource, params, sample, lookup=None):
        self.conditions, self.order, self.descending = [], None, False
        self.name = resource.name
        declared = {o.name.lower(): o for o in resource.filters}
        declared.update((n, None) for n in ("lastupdatefromdate", "lastupdatetodate")
                        if LAST_UPDATE in sample)
        # Every list of named records answers `search`, as lookups of names need.
        if any(f in sample for f in SEARCH_FIELDS):
            declared.setdefault("search", None)
        date_field = self._date_field(params, declared, sample)
        for name, field in REVEALING.items():
            if name in declared and field in sample and not is_true(params.get(name, "")):
                self.conditions.append(("falsy", field, None))
        for name, value in sorted(params.items()):
            if name not in declared or value == "":
                continue
            opt = declared[name]
            if name == "order":
                self.order = value.lower() if value.lower() in sample else None
            elif name == "orderdesc":
                self.descending = is_true(value)
            elif name == "search":
                fields = tuple(f for f in SEARCH_FIELDS if f in sample)
                if is_true(params.get("search_name_only", "")) and "name" in sample:
                    fields = ("name",)
                self.conditions.append(("search", fields, value.lower()))
            elif name in ("lastupdatefromdate", "lastupdatetodate"):
                start = name == "lastupdatefromdate"
                self.conditions.append(("after" if start else "before", LAST_UPDATE,
                                        date_bound(value, start)))
            elif name in START_FILTERS + END_FILTERS and date_field:
                start = name in START_FILTERS
                self.conditions.append(("after" if start else "before", date_field,
                                        date_bound(value, start)))
            elif name in NARROWING:
                kind, field, arg = NARROWING[name]
                if is_true(value) and field in sample:
                    self.conditions.append((kind, field, arg))
            elif (self.name, name) in RELATIONS:
                self.conditions.append(self._related(name, value, lookup))
            elif opt is not None and opt.type != "bool" and name != "datesearch":
                field = FILTER_FIELDS.get(name, name)
                if field in sample:
                    values = tuple(v.strip().lower() for v in value.split(",") if v.strip())
                    self.conditions.append(("equal", field, values))
        self.signature = (tuple(self.conditions), self.order, self.descending)

    @staticmethod
    def _date_field(params, declared, sample):
        given = params.get("datesearch", "").strip().lower()
        if given and "datesearch" in declared:
            field = DATE_SEARCH.get(given)
            if field is None or field not in sample:
                known = ", ".join(k for k, f in DATE_SEARCH.items() if f in sample)
                raise error(400, f"datesearch {given!r} is not a date of these records: "
                                 f"use one of {known}")
            return field
        return next((f for f in DATE_FIELDS if f in sample), None)

    def _related(self, name, value, lookup):
        other, field = RELATIONS[(self.name, name)]
        ids = []
        for raw in value.split(","):
            rec = lookup(other, raw.strip()) if lookup else None
            if rec is not None and rec.get(field):
                ids.append(str(rec[field]).lower())
        return ("equal", "id", tuple(ids))

    def equalities(self):
        return [(field, values) for kind, field, values in self.conditions if kind == "equal"]

    def matches(self, rec):
        for kind, field, arg in self.conditions:
            if not TESTS[kind](rec, field, arg):
                return False
        return True


def _equal(rec, field, values):
    value = rec.get(field)
    if isinstance(value, bool):
        value = int(value)
    return value is not None and str(value).lower() in values


TESTS = {
    "equal": _equal,
    "unequal": lambda rec, field, arg: str(rec.get(field)).lower() != arg,
    "search": lambda rec, fields, text: any(text in str(rec.get(f) or "").lower()
                                            for f in fields),
    "open": lambda rec, field, _: rec.get(field) not in CLOSED_STATUS_IDS,
    "closed": lambda rec, field, _: rec.get(field) in CLOSED_STATUS_IDS,
    "after": lambda rec, field, bound: bool(rec.get(field)) and str(rec[field]) >= bound,
    "before": lambda rec, field, bound: bool(rec.get(field)) and str(rec[field]) <= bound,
    "truthy": lambda rec, field, _: bool(rec.get(field)),
    "falsy": lambda rec, field, _: not rec.get(field),
    "positive": lambda rec, field, _: (rec.get(field) or 0) > 0,
}
