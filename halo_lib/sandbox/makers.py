"""One maker per resource: (dataset, index, seeded generator) -> the generated record."""

from datetime import datetime

from halo_lib.sandbox.data import (EPOCH, SPAN, SITES_PER_CLIENT, USERS_PER_CLIENT,
                                   ASSETS_PER_CLIENT, LICENCES_PER_CLIENT, mix, iso,
                                   ascii_slug, _company, ticket_core, last_touched,
                                   ticket_summary)
from halo_lib.sandbox.words import (JOBS, TICKET_DETAILS, OUTCOMES, ACTION_NOTES, STATUSES,
                                    CLOSED_STATUS_IDS, PRIORITIES, SLAS, TEAMS, TICKET_TYPES, CATEGORIES,
                                    TOP_LEVELS, WORKDAYS, SUPPLIERS, ITEMS, KB_TITLES,
                                    REPORTS, WEBHOOKS, LICENCE_PRODUCTS, FILES, STATUS_TYPE_CODES,
                                    BILLING_DESCRIPTIONS, WEBHOOK_METHOD_POST)


def _ticket_like(ds, i, rng, count, name):
    c, u, a, opened, status, priority, tt, cat, files, assigned, closing = \
        ticket_core(ds, name, i, count)
    s, closed, sla = ds.user_site(u), status in CLOSED_STATUS_IDS, 1 + (c % len(SLAS))
    fix_hours = PRIORITIES[priority - 1][1]
    summary = ticket_summary(ds, name, i, c, s)
    rec = {
        "id": i, "dateoccurred": iso(opened), "summary": summary,
        "details": f"{summary}.\n\nReported by {ds.user_name(u)} at the {ds.site_name(s)}. "
                   f"{rng.choice(TICKET_DETAILS)}",
        "status_id": status, "status_name": STATUSES[status - 1][0],
        "tickettype_id": tt, "tickettype_name": TICKET_TYPES[tt - 1],
        "sla_id": sla, "sla_name": SLAS[sla - 1],
        "priority_id": priority, "priority_name": PRIORITIES[priority - 1][0],
        "client_id": c, "client_name": ds.client_name(c),
        "site_id": s, "site_name": ds.site_name(s),
        "user_id": u, "user_name": ds.user_name(u),
        "team": ds.agent_team(a), "agent_id": a, "agent_name": ds.agent_name(a),
        "category_1": CATEGORIES[cat], "categoryid_1": cat + 1,
        "estimate": rng.choice((0, 0.5, 1, 2, 4)), "timetaken": round(rng.random() * 3, 2),
        "flagged": rng.random() < 0.05, "onhold": status == 7,
        "attachment_count": files,
        # Every 10th ticket is a child of the one before it.
        "child_count": int((i + 1) % 10 == 0 and i + 1 <= count),
        "parent_id": i - 1 if i % 10 == 0 else 0,
        "dateassigned": iso(opened + assigned),
        "fixbydate": iso(opened + fix_hours * 3600),
        "dateclosed": iso(opened + closing) if closed else None,
    }
    touched = last_touched(ds, opened, i)
    rec.update(
        lastactiondate=iso(touched), last_update=iso(touched),
        asset_id=(c - 1) * ASSETS_PER_CLIENT + 1 + i % ASSETS_PER_CLIENT, contract_id=c,
        toplevel_id=ds.client_toplevel(c), toplevel_name=TOP_LEVELS[ds.client_toplevel(c) - 1],
        supplier_id=1 + i % len(SUPPLIERS) if i % 10 == 0 else 0, customfields=[])
    return rec


def _ticket(ds, i, rng):
    return _ticket_like(ds, i, rng, ds.records, "tickets")


def _opportunity(ds, i, rng):
    rec = _ticket_like(ds, i, rng, ds.count("opportunities"), "opportunities")
    rec["oppvalue"] = rng.randrange(5, 400) * 50
    return rec


def _project(ds, i, rng):
    rec = _ticket_like(ds, i, rng, ds.count("projects"), "projects")
    rec["estimatedays"] = rng.randrange(2, 60)
    return rec


def _action(ds, i, rng):
    t = ds.action_ticket(i)
    ticket = ds.record("tickets", t)
    number = i - ds._action_end[t - 1]
    a = ticket["agent_id"] if rng.random() < 0.8 else rng.randrange(ds.n_agents) + 1
    opened = int(datetime.fromisoformat(ticket["dateoccurred"]).timestamp())
    outcome = rng.choice(OUTCOMES)
    rec = {
        "id": i, "ticket_id": t, "actionnumber": number, "outcome": outcome,
        "who": ds.agent_name(a), "who_type": 1, "who_agentid": a,
        "datetime": iso(opened + number * rng.randrange(600, 86400)),
        "note": rng.choice(ACTION_NOTES), "timetaken": rng.choice((0, 0.1, 0.25, 0.5, 1)),
        "hiddenfromuser": outcome == "Private Note", "important": ds.flag("actions", i, 15),
    }
    if number > 1 and ds.flag("system-actions", i, 8):   # Halo logs some changes itself
        rec.update(outcome="Status Change", who="System", who_type=0, who_agentid=0,
                   note="Status changed", timetaken=0, hiddenfromuser=False)
    return rec


def _client(ds, i, rng):
    top = 1 if i % 7 else 2
    return {"id": i, "name": ds.client_name(i), "toplevel_id": top,
            "toplevel_name": TOP_LEVELS[top - 1], "inactive": ds.flag("clients", i, 12),
            "colour": f"#{rng.randrange(0x1000000):06x}",
            "website": f"https://www.{ds.client_domain(i)}",
            "main_site_id": (i - 1) * SITES_PER_CLIENT + 1,
            "datecreated": iso(EPOCH - rng.randrange(3 * 365 * 86400)),
            "last_update": ds.touched("clients", i)}


def _site(ds, i, rng):
    c = ds.site_client(i)
    return {"id": i, "name": ds.site_name(i), "client_id": c, "client_name": ds.client_name(c),
            "clientsite_name": f"{ds.client_name(c)}/{ds.site_name(i)}",
            "inactive": ds.flag("sites", i, 10),
            "phonenumber": f"01{rng.randrange(100, 999)} {rng.randrange(100000, 999999)}",
            "timezone": "GMT Standard Time", "emaildomain": ds.client_domain(c),
            "toplevel_id": ds.client_toplevel(c), "last_update": ds.touched("sites", i)}


def _user(ds, i, rng):
    c, s = ds.user_client(i), ds.user_site(i)
    first, last = ds.person(1, i)
    return {"id": i, "name": f"{first} {last}", "firstname": first, "surname": last,
            "initials": first[0] + last[0],
            "emailaddress": f"{ascii_slug(first)}.{ascii_slug(last, '')}@{ds.client_domain(c)}",
            "phonenumber": f"07{rng.randrange(100, 999)} {rng.randrange(100000, 999999)}",
            "title": rng.choice(JOBS), "client_id": c, "client_name": ds.client_name(c),
            "site_id": s, "site_name": ds.site_name(s), "inactive": ds.flag("users", i, 15),
            "isimportantcontact": (i - 1) % USERS_PER_CLIENT == 0,
            "toplevel_id": ds.client_toplevel(c), "asset_id": ds.user_asset(i),
            "isagent": False, "last_update": ds.touched("users", i)}


def _agent(ds, i, rng):
    first, last = ds.person(2, i)
    team = ds.agent_team(i)
    return {"id": i, "name": f"{first} {last}", "firstname": first, "surname": last,
            "initials": first[0] + last[0],
            "email": f"{ascii_slug(first)}.{ascii_slug(last, '')}@msp.example.com",
            "team": team, "team_id": TEAMS.index(team) + 1,
            "teams": [{"id": TEAMS.index(team) + 1, "name": team}],
            "jobtitle": "Service Desk Analyst" if team == "Service Desk" else "Engineer",
            "isdisabled": i > 1 and i == ds.n_agents, "is_agent": True,
            "colour": f"#{rng.randrange(0x1000000):06x}"}


def _asset(ds, i, rng):
    c = (i - 1) // ASSETS_PER_CLIENT + 1
    s = (c - 1) * SITES_PER_CLIENT + 1 + (i % SITES_PER_CLIENT)
    u = (c - 1) * USERS_PER_CLIENT + 1 + (i % USERS_PER_CLIENT)
    kind = rng.choice(((1, "Laptop", "LT"), (2, "Desktop", "PC"), (3, "Server", "SRV"),
                       (4, "Printer", "PRN"), (5, "Firewall", "FW")))
    return {"id": i, "inventory_number": f"AST-{i:05d}",
            "key_field": f"{ascii_slug(_company(c, ds.seed)[0], '')[:4].upper()}-{kind[2]}{i:04d}",
            "client_id": c, "client_name": ds.client_name(c),
            "site_id": s, "site_name": ds.site_name(s), "username": ds.user_name(u),
            "user_id": u, "assettype_id": kind[0], "assettype_name": kind[1],
            "inactive": ds.flag("assets", i, 15),
            "warranty_end": iso(EPOCH + rng.randrange(-365, 3 * 365) * 86400),
            "last_update": ds.touched("assets", i)}


def _attachment(ds, i, rng):
    t = rng.randrange(max(ds.records, 1)) + 1
    filename, content_type = rng.choice(FILES)
    return {"id": i, "filename": filename, "filesize": rng.randrange(200, 20000),
            "content_type": content_type, "isimage": content_type.startswith("image/"),
            "type": int(content_type.startswith("image/")), "ticket_id": t,
            "action_id": ds._action_end[t - 1] + 1 if i % 3 == 0 and ds.records else 0,
            "datecreated": iso(EPOCH + rng.randrange(SPAN)), "note": ""}


def _invoice(ds, i, rng):
    c = rng.randrange(ds.n_clients) + 1
    net = round(rng.randrange(50, 5000) + rng.random(), 2)
    when = EPOCH + (i - 1) * SPAN // max(ds.count("invoices"), 1)
    u = (c - 1) * USERS_PER_CLIENT + 1
    return {"id": i, "invoicenumber": f"INV-{i:05d}", "client_id": c,
            "client_name": ds.client_name(c), "invoice_date": iso(when),
            "site_id": ds.user_site(u), "user_id": u, "contract_id": c,
            "toplevel_id": ds.client_toplevel(c),
            "posted": when < EPOCH + SPAN * 9 // 10, "total": round(net * 1.2, 2),
            "amountdue": 0.0 if rng.random() < 0.7 else round(net * 1.2, 2),
            # Halo numbers a tenant's currencies: the sandbox has one, pounds sterling.
            "currency_code": 1, "currency_code_name": "GBP", "notes_1": "Monthly support",
            "ticket_id": 1 + mix(ds.seed, 41, i) % ds.records if ds.records and i % 4 == 0
            else 0}


def _contract(ds, i, rng):
    c = i
    start = EPOCH - rng.randrange(365) * 86400
    billing = rng.randrange(len(BILLING_DESCRIPTIONS)) + 1
    return {"id": i, "ref": f"CON-{i:04d}", "client_id": c, "client_name": ds.client_name(c),
            "site_id": (c - 1) * SITES_PER_CLIENT + 1, "start_date": iso(start),
            "end_date": iso(start + 3 * 365 * 86400),
            "billingdescription": billing, "billing_description_string":
            BILLING_DESCRIPTIONS[billing - 1],
            "periodchargeamount": rng.randrange(200, 3000), "contract_status": 0,
            "inactive": ds.flag("contracts", i, 10),
            "sla_id": 1 + c % len(SLAS)}


def _appointment(ds, i, rng):
    t = rng.randrange(max(ds.records, 1)) + 1 if ds.records else 0
    a, c = rng.randrange(ds.n_agents) + 1, rng.randrange(ds.n_clients) + 1
    start = EPOCH + (i - 1) * SPAN // max(ds.count("appointments"), 1)
    start -= start % 1800
    return {"id": i, "subject": rng.choice(("Site visit", "Onboarding call", "Quarterly review",
                                            "Install new equipment", "Training session")),
            "start_date": iso(start), "end_date": iso(start + rng.choice((1, 2, 4)) * 3600),
            "agent_id": a, "agent_name": ds.agent_name(a), "ticket_id": t, "client_id": c,
            "client_name": ds.client_name(c), "note": "",
            "complete_status": 1 if start < EPOCH + SPAN // 2 and ds.flag("appts", i, 2) else 0}


def _item(ds, i, rng):
    name, price = ITEMS[i - 1]
    sup = rng.randrange(len(SUPPLIERS)) + 1
    return {"id": i, "name": name, "description": name, "baseprice": price,
            "costprice": round(price * 0.7, 2), "supplier_id": sup,
            "supplier_name": SUPPLIERS[sup - 1], "quantity_in_stock": rng.randrange(0, 40),
            "inactive": ds.flag("items", i, 8)}


def _kb(ds, i, rng):
    title = KB_TITLES[i - 1]
    return {"id": i, "name": title, "description": f"Step-by-step: {title.lower()}.",
            "resolution": "If this does not help, raise a ticket with the service desk.",
            "view_count": rng.randrange(0, 900), "useful_count": rng.randrange(0, 60),
            "date_created": iso(EPOCH - rng.randrange(365) * 86400), "type": i % 2,
            "inactive": ds.flag("kb", i, 8), "client_id": 1 + i % ds.n_clients if i % 3 == 0
            else 0, "site_id": (i % ds.n_clients) * SITES_PER_CLIENT + 1 if i % 3 == 0 else 0}


def _supplier(ds, i, rng):
    name = SUPPLIERS[i - 1]
    return {"id": i, "name": name, "email_address": f"orders@{ascii_slug(name, '')}.example.com",
            "phone_number": f"0800 {rng.randrange(100000, 999999)}",
            "toplevel_id": 1 + i % len(TOP_LEVELS), "inactive": ds.flag("suppliers", i, 6)}


def _status(ds, i, rng):
    name, kind = STATUSES[i - 1]
    return {"id": i, "name": name, "shortname": name[:4].upper(),
            "type": STATUS_TYPE_CODES[kind], "sequence": i, "colour": f"#{mix(i, 5) % 0x1000000:06x}",
            "inactive": name == "Updated"}   # shown only with showall


def _priority(ds, i, rng):
    sla, pid = (i - 1) // len(PRIORITIES) + 1, (i - 1) % len(PRIORITIES) + 1
    name, fix, response, colour = PRIORITIES[pid - 1]
    return {"id": ds.public_id("priorities", i, "str"), "priorityid": pid, "slaid": sla,
            "name": name, "fixtime": fix, "fixunits": "h", "responsetime": response,
            "responseunits": "h", "colour": colour, "ishidden": False}


def _sla(ds, i, rng):
    return {"id": i, "name": SLAS[i - 1], "workday_id": 2 if i == 2 else 1,
            "workday_name": WORKDAYS[1 if i == 2 else 0][0], "trackslaresponsetime": True,
            "trackslafixbytime": True}


def _team(ds, i, rng):
    return {"id": i, "name": TEAMS[i - 1], "department_id": 1 if i < 5 else 2,
            "department_name": "Support" if i < 5 else "Commercial",
            "inactive": i == 5, "isdisabled": i == 4,
            "type": {"Projects": "prjs", "Sales": "opps"}.get(TEAMS[i - 1], "reqs"),
            "forrequests": True, "forprojects": TEAMS[i - 1] == "Projects",
            "foropps": TEAMS[i - 1] == "Sales"}


def _category(ds, i, rng):
    return {"id": i, "value": CATEGORIES[i - 1], "category_name": CATEGORIES[i - 1],
            "type_id": 1, "sla_id": 0, "priority_id": 0}


def _ticket_type(ds, i, rng):
    name = TICKET_TYPES[i - 1]
    return {"id": i, "name": name, "use": "opps" if name == "Opportunity" else "ticket",
            "sequence": i, "group_id": 1 + i % 2, "group_name": ("Service", "Sales")[i % 2],
            "cancreate": name != "Alert", "inactive": name == "Problem",
            "agentscanselect": True, "enduserscanselect": name in ("Incident",
                                                                   "Service Request")}


def _top_level(ds, i, rng):
    return {"id": i, "name": TOP_LEVELS[i - 1], "organisation_id": 1,
            "organisation_name": "Sandbox MSP"}


def _expense(ds, i, rng):
    a = rng.randrange(ds.n_agents) + 1
    return {"id": i, "agent_id": a, "agent_name": ds.agent_name(a),
            "ticket_id": rng.randrange(max(ds.records, 1)) + 1,
            "date": iso(EPOCH + rng.randrange(SPAN)),
            "amount": round(rng.randrange(5, 250) + rng.random(), 2),
            "note": rng.choice(("Mileage", "Parking", "Cable and adaptors", "Train fare")),
            "billable": rng.random() < 0.6}


def _timesheet(ds, i, rng):
    a = (i - 1) % ds.n_agents + 1
    day_ts = EPOCH + ((i - 1) // ds.n_agents) * 86400
    actual = round(rng.uniform(5.5, 8.5), 2)
    return {"id": i, "agent_id": a, "agent_name": ds.agent_name(a), "date": iso(day_ts),
            "start_time": iso(day_ts + 3600), "end_time": iso(day_ts + 3600 + 9 * 3600),
            "target_hours": 7.5, "actual_hours": actual, "break_hours": 0.5,
            "work_hours": actual, "percentage": round(actual / 7.5 * 100, 1)}


def _release(ds, i, rng):
    minor, patch = 140 + i // 3, i % 3
    return {"id": i, "name": f"2.{minor}.{patch}", "product_id": 1,
            "product_name": "Sandbox Desk", "major_version_number": 2,
            "minor_version_number": minor, "patch_version_number": patch,
            "releasedate": iso(EPOCH + i * 21 * 86400),
            "note": rng.choice(("Bug fixes.", "Performance improvements.", "New reports."))}


def _report(ds, i, rng):
    name, sql = REPORTS[i - 1]
    return {"id": i, "name": name, "sql": sql,
            "reportgroup_id": 1 + i % 3, "charttype": rng.choice((0, 1, 2)), "type": i % 2,
            "is_published": i % 4 == 0}


def _webhook(ds, i, rng):
    name, url = WEBHOOKS[i - 1]
    return {"id": ds.public_id("webhooks", i, "uuid"), "name": name, "url": url,
            "method": WEBHOOK_METHOD_POST, "content_type": "application/json", "type": i % 2,
            "authentication_type": 0, "active": True}


def _workday(ds, i, rng):
    name, start, end, weekend = WORKDAYS[i - 1]
    # A time of day in a date-time, on the day Halo leaves a date-time without a date at.
    rec = {"id": i, "name": name, "timezone": "GMT Standard Time",
           "start": f"1900-01-01T{start}:00Z", "end": f"1900-01-01T{end}:00Z"}
    for d in ("monday", "tuesday", "wednesday", "thursday", "friday"):
        rec["inc" + d] = True
    rec["incsaturday"] = rec["incsunday"] = weekend
    return rec


def _licence(ds, i, rng):
    c = (i - 1) // LICENCES_PER_CLIENT + 1
    name, vendor = LICENCE_PRODUCTS[mix(ds.seed, 11, i) % len(LICENCE_PRODUCTS)]
    count = rng.randrange(5, 60)
    start = EPOCH - rng.randrange(365) * 86400
    return {"id": i, "name": name, "vendor": vendor, "manufacturer": vendor, "count": count,
            "client_id": c, "client_name": ds.client_name(c),
            "site_id": (c - 1) * SITES_PER_CLIENT + 1 if i % 2 else 0,
            "start_date": iso(start), "end_date": iso(start + 365 * 86400),
            "licences_in_use": rng.randrange(0, count + 1),
            "price": round(rng.uniform(2, 40), 2), "is_active": not ds.flag("lic", i, 9),
            "inactive": ds.flag("lic", i, 9)}


def _crm_note(ds, i, rng):
    c, a = rng.randrange(ds.n_clients) + 1, rng.randrange(ds.n_agents) + 1
    return {"id": i, "client_id": c, "client_name": ds.client_name(c),
            "supplier_id": 1 + i % len(SUPPLIERS) if i % 5 == 0 else 0,
            "toplevel_id": ds.client_toplevel(c),
            "who_agentid": a, "who": ds.agent_name(a),
            "datetime": iso(EPOCH + rng.randrange(SPAN)),
            "note": rng.choice(("Quarterly review: happy with the service.",
                                "Asked about upgrading laptops next year.",
                                "Discussed the renewal of the support contract.",
                                "Complaint about response times last week.")),
            "timetaken": rng.choice((0.25, 0.5, 1))}


def _quotation(ds, i, rng):
    c = rng.randrange(ds.n_clients) + 1
    u = (c - 1) * USERS_PER_CLIENT + 1
    when = EPOCH + rng.randrange(SPAN)
    total = round(rng.randrange(100, 20000) + rng.random(), 2)
    return {"id": i, "title": rng.choice(("New laptops", "Network refresh", "Backup upgrade",
                                          "Microsoft 365 licences", "Printer replacement")),
            "client_id": c, "client_name": ds.client_name(c), "site_id": ds.user_site(u),
            "user_id": u, "user_name": ds.user_name(u),
            "ticket_id": 1 + mix(ds.seed, 43, i) % ds.records if ds.records and i % 2 else 0,
            "date": iso(when), "expiry_date": iso(when + 30 * 86400),
            "total": total, "tax_total": round(total / 6, 2),
            "status": rng.choice((0, 1, 2)), "agent_id": rng.randrange(ds.n_agents) + 1}


def _scaled(divisor, minimum=5):
    return lambda ds: max(minimum, ds.records // divisor)


# Resource CLI name -> (count(dataset), make(dataset, index, rng)). A resource of the table
# missing here still works: it gets a few generic {"id", "name"} records.
SPECS = {
    "tickets": (lambda ds: ds.records, _ticket),
    "actions": (lambda ds: ds._action_end[-1], _action),
    "clients": (lambda ds: ds.n_clients, _client),
    "users": (lambda ds: ds.n_clients * USERS_PER_CLIENT, _user),
    "agents": (lambda ds: ds.n_agents, _agent),
    "assets": (lambda ds: ds.n_clients * ASSETS_PER_CLIENT, _asset),
    "attachments": (_scaled(5), _attachment),
    "sites": (lambda ds: ds.n_clients * SITES_PER_CLIENT, _site),
    "invoices": (_scaled(10), _invoice),
    "contracts": (lambda ds: ds.n_clients, _contract),
    "opportunities": (_scaled(20), _opportunity),
    "projects": (_scaled(50), _project),
    "appointments": (_scaled(10), _appointment),
    "items": (lambda ds: len(ITEMS), _item),
    "kb-articles": (lambda ds: len(KB_TITLES), _kb),
    "suppliers": (lambda ds: len(SUPPLIERS), _supplier),
    "statuses": (lambda ds: len(STATUSES), _status),
    "teams": (lambda ds: len(TEAMS), _team),
    "categories": (lambda ds: len(CATEGORIES), _category),
    "priorities": (lambda ds: len(SLAS) * len(PRIORITIES), _priority),
    "slas": (lambda ds: len(SLAS), _sla),
    "ticket-types": (lambda ds: len(TICKET_TYPES), _ticket_type),
    "top-levels": (lambda ds: len(TOP_LEVELS), _top_level),
    "expenses": (_scaled(20), _expense),
    "timesheets": (_scaled(50), _timesheet),
    "releases": (lambda ds: 10, _release),
    "reports": (lambda ds: len(REPORTS), _report),
    "webhooks": (lambda ds: len(WEBHOOKS), _webhook),
    "workdays": (lambda ds: len(WORKDAYS), _workday),
    "software-licences": (lambda ds: ds.n_clients * LICENCES_PER_CLIENT, _licence),
    "crm-notes": (_scaled(10), _crm_note),
    "quotations": (_scaled(20), _quotation),
}
