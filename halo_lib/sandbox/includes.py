"""Include flags: the fields Halo adds to a record when a request asks for them.

A flag applies where the table declares it for the verb (a list filter or a get filter).
Each adder takes (sandbox, resource name, record, single) and returns the fields to add;
`single` says the answer holds one record (Halo adds the last action of a ticket only then).
"""

from html import escape

from halo_lib.sandbox.data import mix
from halo_lib.sandbox.words import ITEMS
from halo_lib.sandbox.wire import is_true

# Linked ids whose records includedetails adds as objects: id field -> (resource, key).
LINKS = {"client_id": ("clients", "client"), "site_id": ("sites", "site"),
         "user_id": ("users", "user"), "agent_id": ("agents", "agent")}
TICKET_LIKE = ("tickets", "opportunities", "projects")


def lines_of(parent_id, parent_field="ihid"):
    """The lines of an invoice (or quotation): one to three items, fixed by its id."""
    lines = []
    for k in range(1 + parent_id % 3):
        name, price = ITEMS[mix(parent_id, k, 17) % len(ITEMS)]
        qty = 1 + mix(parent_id, k, 18) % 5
        lines.append({"id": parent_id * 10 + k + 1, parent_field: parent_id,
                      "item_shortdescription": name, "qty_order": qty,
                      "unit_price": price, "net_amount": round(qty * price, 2)})
    return lines


def _details(sb, name, rec, single):
    added = {}
    for field, (other, key) in LINKS.items():
        value = rec.get(field)
        linked = sb.lookup(other, value) if value else None
        if linked is not None:
            added[key] = {"id": linked["id"], "name": linked.get("name")}
    return added


def _last_action(sb, name, rec, single):
    if name not in TICKET_LIKE or not single:
        return {}
    last = sb.last_action(rec["id"]) if name == "tickets" else None
    return {"lastaction": last}


def _report_for(params):
    """loadreport: the report's rows, for the period the query names (if any)."""
    from halo_lib.sandbox.reports import load_report, period_of
    period = period_of(params)
    return lambda sb, name, rec, single: {"report": load_report(sb, rec.get("sql") or "",
                                                                period)}


def _lines(sb, name, rec, single):
    return {"lines": lines_of(rec["id"], "ihid" if name == "invoices" else "quote_id")}


def _priorities(sb, name, rec, single):
    col = sb.collections["priorities"]
    keys = col.keys()
    return {"priorities": [p for p in col.records(keys, 0, len(keys))
                           if p.get("slaid") == rec.get("id")]}


def _agents(sb, name, rec, single):
    col = sb.collections["agents"]
    keys = col.keys()
    return {"agents": [{"id": a["id"], "name": a.get("name")}
                       for a in col.records(keys, 0, len(keys))
                       if a.get("team") == rec.get("name")]}


def _empty(field):
    return lambda sb, name, rec, single: {field: []}


ADDERS = {
    "includedetails": _details,
    "includelastaction": _last_action,
    "includelines": _lines,
    "includehtmlnote": lambda sb, name, rec, single: {
        "note_html": f"<p>{escape(str(rec.get('note') or ''))}</p>"},
    "includeattachments": lambda sb, name, rec, single: {
        "attachments": sb.attachments_of_action(rec.get("id"))},
    "showpriorities": _priorities,
    "showworkdays": lambda sb, name, rec, single: {
        "workday": sb.lookup("workdays", rec.get("workday_id"))},
    "includeagents": _agents,
    # Halo adds these lists; the sandbox keeps none of their contents.
    "includenotes": _empty("notes"),
    "includeactivity": _empty("activity"),
    "includelinkedobjects": _empty("linked_objects"),
    "showholidays": _empty("holidays"),
}
# Adders that read the request's query: flag -> (params -> adder).
QUERY_ADDERS = {"loadreport": _report_for}


def _adder(flag, params):
    made = QUERY_ADDERS.get(flag)
    return made(params) if made else ADDERS[flag]


def decorator(sb, name, declared, params, single):
    """rec -> rec with what the request's include flags add, or None if it asks for none."""
    flags = [o.name.lower() for o in declared]
    wanted = [_adder(flag, params) for flag in flags
              if (flag in ADDERS or flag in QUERY_ADDERS) and is_true(params.get(flag, ""))]
    if not wanted:
        return None

    def decorate(rec):
        out = dict(rec)
        for add in wanted:
            out.update(add(sb, name, rec, single))
        return out
    return decorate
