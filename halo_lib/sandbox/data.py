"""Generated records for the sandbox: each one a pure function of (resource, index, seed).

Nothing is built up front. A record is made when it is asked for, from a random generator
seeded with (seed, resource, index), so 100,000 tickets cost no memory until served and the
same seed always gives the same data. Links between records (a ticket's client, site, user
and agent) come from cheap integer arithmetic and hashes, so a ticket names the same client
the client list shows without either being stored.

Indexes run from 1 to count(resource). For resources with integer ids the index is the
id; the others get a deterministic UUID string (see public_id).

Standard library only: the sandbox must run wherever `halo` does.
"""

import functools
from datetime import datetime
import itertools
import random
import time
import unicodedata
import uuid
import zlib
from array import array
from bisect import bisect_left

_MASK = (1 << 64) - 1
EPOCH = 1672646400          # 2023-01-02T08:00:00Z: the oldest generated ticket
SPAN = 730 * 86400          # tickets are spread over two years from EPOCH
SITES_PER_CLIENT = 2        # fixed so a site's client is arithmetic, not a lookup
USERS_PER_CLIENT = 6
ASSETS_PER_CLIENT = 3
LICENCES_PER_CLIENT = 2
MAX_ACTIONS = 4             # a ticket has 1..MAX_ACTIONS actions


def mix(*parts):
    """A 64-bit hash of integers (splitmix64 steps): stable across runs, unlike hash()."""
    h = 0x9E3779B97F4A7C15
    for p in parts:
        h = ((h ^ p) * 0xBF58476D1CE4E5B9) & _MASK
        h ^= h >> 31
        h = (h * 0x94D049BB133111EB) & _MASK
        h ^= h >> 29
    return h


def name_code(name):
    return zlib.crc32(name.encode())


def iso(ts):
    """Epoch seconds as Halo writes date-times: ISO 8601, UTC, with Z."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def ascii_slug(text, sep="."):
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in plain.replace("'", "")).split()
    return sep.join(words).lower()


FIRST = ("Olivia Liam Amelia Noah Isla Oliver Ava George Mia Harry Sophia Jack Grace Leo "
         "Freya Oscar Chloé Lucas Zoë Mateo Emily Arjun Priya Wei Mei Kenji Yuki Fatima Omar "
         "Aisha Hannah Jonas Léa Sven Ingrid Tomás Lucía Chidi Amara Ewan Niamh Siobhan Dylan "
         "Megan Rhys Catrin Ethan Sarah James Laura Daniel Rachel Michael Anna David Emma "
         "Paul Claire Mark Helen").split()
LAST = ("Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright "
        "Thompson Evans Walker White Roberts Green Hall Wood Jackson Clarke Khan Hughes Edwards "
        "Murphy O'Brien Kelly Nguyen Chen Singh Müller Schmidt García Martínez Rossi Novak "
        "Kowalski Andersen Larsen Dubois Moreau Okafor Mensah Tanaka Sato Kim Park Cohen Fraser "
        "MacLeod Byrne Walsh Lloyd Price Morgan Campbell Stewart Anderson Scott Reid").split()
BRAND = ("Northwind", "Contoso", "Fabrikam", "Blue Harbour", "Redwood", "Silverline",
         "Oakridge", "Brightwater", "Kestrel", "Ironbridge", "Greenfield", "Harbourside",
         "Summit", "Riverside", "Meridian", "Pinnacle", "Westgate", "Evergreen", "Lakeside",
         "Highland", "Coastal", "Granite", "Maple", "Falcon", "Sterling", "Beacon", "Crescent",
         "Horizon", "Ashford", "Thornbury", "Whitmore", "Bramley", "Cedar", "Foxglove",
         "Hawthorn", "Juniper", "Larkspur", "Marlow", "Kingsley", "Ravenscroft")
TRADE = ("Dental", "Legal", "Logistics", "Engineering", "Accountants", "Architects",
         "Veterinary", "Motors", "Foods", "Printing", "Construction", "Pharmacy", "Estates",
         "Insurance", "Recruitment", "Hotels", "Clinic", "Brewing", "Software", "Joinery",
         "Travel", "Marketing", "Surveyors", "Media", "Medical")
SUFFIX = ("Ltd", "Group", "LLP", "& Co", "Partners", "Services", "Holdings", "Inc")
CITIES = ("Leeds", "Bristol", "Manchester", "Glasgow", "Cardiff", "Belfast", "York", "Leicester",
          "Norwich", "Brighton", "Dublin", "Edinburgh", "Reading", "Oxford", "Exeter", "Derby")
JOBS = ("Office Manager", "Accountant", "Receptionist", "Director", "Sales Executive",
        "Engineer", "Practice Manager", "Designer", "HR Advisor", "Operations Lead")
APPS = ("Microsoft Teams", "Excel", "Sage 50", "Adobe Acrobat", "Xero", "AutoCAD", "Zoom",
        "Chrome", "SAP Business One", "QuickBooks")
SERVERS = ("SRV-DC01", "SRV-FS01", "SRV-SQL01", "NAS01", "SRV-APP02")
FLOORS = ("ground", "first", "second", "third")
TICKET_SUMMARIES = (
    "Outlook keeps asking for a password", "Cannot connect to the VPN from home",
    "Printer on the {floor} floor is offline", "New starter: set up an account for {person}",
    "Leaver: disable the account of {person}", "Laptop running very slowly",
    "Please install {app}", "{app} crashes on start-up", "Shared drive not mapping",
    "Password reset for {person}", "MFA prompt not arriving on phone",
    "Wi-Fi drops in the meeting room", "Phishing e-mail reported by {person}",
    "Monitor flickering", "Backup job failed on {server}", "Disk space low on {server}",
    "No audio on Teams calls", "Cannot print to PDF", "New mobile phone for {person}",
    "Website contact form not sending", "Scanner not e-mailing scans",
    "Access needed to the finance folder", "Licence expired for {app}",
    "Blue screen after Windows update", "Keyboard and mouse not responding",
    "Domain renewal due", "Firewall alert from {server}", "Calendar not syncing on phone",
    "Slow internet at the {site}", "Move the desk phone of {person}")
TICKET_DETAILS = (
    "It started this morning and affects the whole team.",
    "Restarting did not help.", "The user has a deadline today, please treat as urgent.",
    "Screenshot attached.", "It happens every few minutes.",
    "Only one user affected so far.", "Worked fine until yesterday.",
    "Error message: 'The operation could not be completed.'")
PROJECT_SUMMARIES = (
    "Microsoft 365 migration", "Server room refresh", "Office move to {city}",
    "Windows 11 roll-out", "New phone system", "Network upgrade", "Backup and DR review",
    "Intranet redesign", "CRM implementation", "Security hardening")
OPPORTUNITY_SUMMARIES = (
    "Renewal: {app} licences", "Quote: 10 new laptops", "Managed print contract",
    "Upgrade to the premium SLA", "Firewall replacement", "Cloud backup proposal",
    "Wi-Fi survey for the {site}", "Additional {app} seats")
OUTCOMES = ("Private Note", "Email User", "Phone Call", "Remote Session", "Update",
            "Site Visit")
ACTION_NOTES = (
    "Called the user, issue reproduced.", "Connected remotely and cleared the cache.",
    "Asked the user to restart and try again.", "Escalated to second line.",
    "Replaced the cable, working now.", "Waiting for the supplier to respond.",
    "Applied the latest updates and rebooted.", "Confirmed fixed with the user.")
STATUSES = (("New", "open"), ("In Progress", "open"), ("Action Required", "open"),
            ("Waiting on User", "open"), ("Waiting on Supplier", "open"),
            ("Scheduled", "open"), ("On Hold", "open"), ("Updated", "open"),
            ("Closed", "closed"), ("Cancelled", "closed"))
CLOSED_STATUS_IDS = frozenset(i + 1 for i, s in enumerate(STATUSES) if s[1] == "closed")
PRIORITIES = (("Critical", 4, 0.5, "#d9534f"), ("High", 8, 1, "#f0ad4e"),
              ("Medium", 24, 4, "#5bc0de"), ("Low", 72, 8, "#5cb85c"))
SLAS = ("Standard", "Premium 24x7", "Out of Hours")
TEAMS = ("Service Desk", "Second Line", "Third Line", "Field Engineers", "Projects", "Sales")
TICKET_TYPES = ("Incident", "Problem", "Change Request", "Service Request", "Project",
                "Opportunity", "Alert")
CATEGORIES = ("Hardware>Laptop", "Hardware>Printer", "Hardware>Desktop",
              "Software>Microsoft 365", "Software>Line of business", "Network>Wi-Fi",
              "Network>VPN", "Network>Internet", "Security>Phishing", "Security>Account",
              "Accounts>New starter", "Accounts>Leaver", "Telephony>Mobile",
              "Telephony>Desk phone", "Backup>Failure")
TOP_LEVELS = ("Managed Services", "Ad-hoc Customers", "Internal")
WORKDAYS = (("Office hours", "09:00", "17:30", False), ("Around the clock", "00:00", "23:59", True))
SUPPLIERS = ("Dellmont Computers", "Westbridge Distribution", "Skyline Telecom",
             "Redline Networks", "Northgate Software", "Brightpath Cloud", "Keystone Print",
             "Atlas Security", "Evercore Power", "Meridian Cabling", "Orbit Mobile",
             "Summit Backup")
ITEMS = (("Business laptop 14-inch", 899.0), ("Docking station", 189.0),
         ("27-inch monitor", 229.0), ("Wireless keyboard and mouse", 49.0),
         ("Microsoft 365 Business Standard (monthly)", 10.3),
         ("Microsoft 365 Business Premium (monthly)", 18.1), ("Endpoint protection (yearly)", 35.0),
         ("Cloud backup 1 TB (monthly)", 25.0), ("Firewall appliance", 649.0),
         ("Wi-Fi access point", 159.0), ("24-port PoE switch", 420.0),
         ("Desk phone", 119.0), ("Headset", 79.0), ("Labour: engineer hour", 85.0),
         ("Labour: project hour", 95.0), ("Site visit", 65.0), ("UPS 1500VA", 389.0),
         ("Mobile phone", 549.0), ("Toner cartridge", 89.0), ("Network cable 5 m", 6.5))
KB_TITLES = ("How to reset your password", "Setting up MFA on a new phone",
             "Connecting to the VPN", "Mapping the shared drive", "Adding a printer",
             "Recognising phishing e-mails", "Requesting new software",
             "Setting an out-of-office reply", "Sharing a calendar", "Using Teams on mobile",
             "Backing up your files", "Reporting a lost device", "Changing your e-mail signature",
             "Joining the guest Wi-Fi", "Clearing the browser cache", "Booking a meeting room",
             "Scanning to e-mail", "Fixing slow start-up", "Updating Windows",
             "Requesting access to a folder")
# Reports and their SQL over the sandbox's tickets (reports.py runs it). "Invoices this
# quarter" reads a table the sandbox has not got: its rows fail to load (load_error).
REPORTS = (
    ("Open tickets by agent", "SELECT agent_name, COUNT(*) AS open_tickets FROM tickets "
     "WHERE status_id NOT IN (9, 10) GROUP BY agent_name ORDER BY open_tickets DESC"),
    ("SLA compliance this month", "SELECT sla_name, COUNT(*) AS tickets FROM tickets "
     "GROUP BY sla_name ORDER BY sla_name"),
    ("Time logged by client", "SELECT client_name, ROUND(SUM(timetaken), 2) AS hours "
     "FROM tickets GROUP BY client_name ORDER BY hours DESC"),
    ("Tickets opened per day", "SELECT substr(dateoccurred, 1, 10) AS day, COUNT(*) AS opened "
     "FROM tickets GROUP BY day ORDER BY day"),
    ("First-time fix rate", "SELECT priority_name, COUNT(*) AS tickets FROM tickets "
     "GROUP BY priority_name ORDER BY priority_name"),
    ("Ageing open tickets", "SELECT id, summary, dateoccurred FROM tickets "
     "WHERE status_id NOT IN (9, 10) ORDER BY dateoccurred LIMIT 50"),
    ("Invoices this quarter", "SELECT invoicenumber, total FROM invoices"),
    ("Assets out of warranty", "SELECT asset_id, COUNT(*) AS tickets FROM tickets "
     "GROUP BY asset_id ORDER BY tickets DESC LIMIT 20"),
    ("Customer satisfaction", "SELECT client_name, COUNT(*) AS tickets FROM tickets "
     "GROUP BY client_name ORDER BY tickets DESC LIMIT 20"),
    ("Top ticket categories", "SELECT category_1, COUNT(*) AS tickets FROM tickets "
     "GROUP BY category_1 ORDER BY tickets DESC"),
    ("Agent utilisation", "SELECT agent_name, ROUND(SUM(timetaken), 2) AS hours FROM tickets "
     "GROUP BY agent_name ORDER BY agent_name"),
    ("Contracts due for renewal", "SELECT contract_id, COUNT(*) AS tickets FROM tickets "
     "GROUP BY contract_id ORDER BY contract_id LIMIT 20"),
)
WEBHOOKS = (("New critical tickets to chat", "https://hooks.example.com/chat/critical"),
            ("Accounts sync", "https://accounts.example.com/halo/webhook"),
            ("Ticket closed notification", "https://notify.example.com/closed"))
LICENCE_PRODUCTS = (("Microsoft 365 Business Standard", "Microsoft"),
                    ("Adobe Acrobat Pro", "Adobe"), ("AutoCAD LT", "Autodesk"),
                    ("Endpoint protection", "Sophos"), ("Zoom Pro", "Zoom"),
                    ("Sage 50 Accounts", "Sage"))
FILES = (("screenshot.png", "image/png"), ("error-log.txt", "text/plain"),
         ("quote.pdf", "application/pdf"), ("photo.jpg", "image/jpeg"),
         ("report.csv", "text/csv"), ("config.txt", "text/plain"))


def _company(index, seed):
    # An affine map over all BRAND x TRADE x SUFFIX combinations is a permutation, so the
    # first 8,000 clients all get distinct names.
    size = len(BRAND) * len(TRADE) * len(SUFFIX)
    k = ((index - 1) * 7919 + seed * 131) % size
    brand, trade = BRAND[k % len(BRAND)], TRADE[(k // len(BRAND)) % len(TRADE)]
    suffix = SUFFIX[k // (len(BRAND) * len(TRADE))]
    return brand, trade, suffix


class Dataset:
    """The generated records of one sandbox: counts, ids, and records made on demand."""

    def __init__(self, records=1000, seed=1):
        self.records = max(0, int(records))
        self.seed = int(seed)
        r = self.records
        self.n_clients = max(5, r // 50)
        self.n_agents = max(6, min(60, r // 2000 + 6))
        # Dense action ids: ticket t owns ids action_end[t-1]+1 .. action_end[t]. One array
        # of ints (400 kB for 100,000 tickets) makes both directions a bisect or an index.
        per_ticket = (1 + mix(self.seed, 7, t) % MAX_ACTIONS for t in range(1, r + 1))
        self._action_end = array("q", [0])
        self._action_end.extend(itertools.accumulate(per_ticket))
        # Large enough that a 10,000-ticket sandbox serves repeat lists from memory.
        self._make_cached = functools.lru_cache(maxsize=16384)(self._make)
        self._uuid_index = {}
        self._prefixes = {}
        self.column_cache = {}   # columns.py: name -> {field: values by index}

    # ---- counts and ids -------------------------------------------------------------------

    def count(self, name):
        spec = SPECS.get(name)
        return spec[0](self) if spec else max(5, self.records // 100)

    def prefix(self, name):
        found = self._prefixes.get(name)
        if found is None:
            found = self._prefixes[name] = mix(self.seed, name_code(name))
        return found

    def public_id(self, name, index, id_type):
        """The id a record shows: the index itself, or a UUID string fixed by the seed."""
        if id_type == "int":
            return index
        return str(uuid.UUID(int=mix(self.seed, name_code(name), index, 1) << 64
                             | mix(self.seed, name_code(name), index, 2), version=4))

    def index_of(self, name, public, id_type):
        """The index of a generated record from its public id, or None."""
        if id_type == "int":
            return public if isinstance(public, int) and 1 <= public <= self.count(name) else None
        table = self._uuid_index.get(name)
        if table is None:   # UUID resources are small lists, so a reverse table is cheap
            table = {self.public_id(name, i, id_type): i
                     for i in range(1, self.count(name) + 1)}
            self._uuid_index[name] = table
        return table.get(str(public).lower())

    def base_range(self, name, field, value):
        """Indexes that can hold records with field == value, when arithmetic knows them.

        Lets a filter such as actions?ticket_id=N skip a scan. None means "scan them all".
        """
        try:
            value = int(value)
        except ValueError:
            return None
        if name == "actions" and field == "ticket_id":
            if not 1 <= value <= self.records:
                return range(0)
            return range(self._action_end[value - 1] + 1, self._action_end[value] + 1)
        per_client = {"sites": SITES_PER_CLIENT, "users": USERS_PER_CLIENT,
                      "assets": ASSETS_PER_CLIENT, "software-licences": LICENCES_PER_CLIENT}
        if field == "client_id" and name in per_client:
            n = per_client[name]
            if not 1 <= value <= self.n_clients:
                return range(0)
            return range((value - 1) * n + 1, value * n + 1)
        return None

    # ---- records ----------------------------------------------------------------------------

    def record(self, name, index):
        """The generated record (a shared dict: callers copy before changing it)."""
        return self._make_cached(name, index)

    def _make(self, name, index):
        rng = random.Random(mix(self.seed, name_code(name), index))
        spec = SPECS.get(name)
        if spec is None:
            return {"id": index, "name": f"{name.replace('-', ' ').title()} {index}"}
        return spec[1](self, index, rng)

    def content(self, name, index):
        """The file of a generated record with a filesize (attachments): that many bytes."""
        rec = self.record(name, index)
        size = rec.get("filesize")
        if not size:
            return b""
        line = (f"Sandbox {name} {index}: {rec.get('filename')} "
                f"of ticket {rec.get('ticket_id')}\n").encode()
        return (line * (size // len(line) + 1))[:size]

    # ---- names shared by several resources (hashes, so every record agrees) -----------------

    def client_name(self, c):
        brand, trade, suffix = _company(c, self.seed)
        return f"{brand} {trade} {suffix}"

    def client_domain(self, c):
        brand, trade, _ = _company(c, self.seed)
        return f"{ascii_slug(brand, '')}{ascii_slug(trade, '')}.example.com"

    def person(self, salt, index):
        h = mix(self.seed, salt, index)
        return FIRST[h % len(FIRST)], LAST[(h >> 16) % len(LAST)]

    def user_name(self, u):
        return " ".join(self.person(1, u))

    def agent_name(self, a):
        return " ".join(self.person(2, a))

    def agent_team(self, a):
        return TEAMS[(a - 1) % len(TEAMS)]

    def site_name(self, s):
        c = self.site_client(s)
        if (s - 1) % SITES_PER_CLIENT == 0:
            return "Head Office"
        return f"{CITIES[mix(self.seed, 3, c) % len(CITIES)]} Office"

    def site_client(self, s):
        return (s - 1) // SITES_PER_CLIENT + 1

    def user_client(self, u):
        return (u - 1) // USERS_PER_CLIENT + 1

    def user_site(self, u):
        c = self.user_client(u)
        return (c - 1) * SITES_PER_CLIENT + 1 + (u % SITES_PER_CLIENT)

    def action_ticket(self, a):
        return bisect_left(self._action_end, a)

    def client_toplevel(self, c):
        return 1 if c % 7 else 2

    def user_asset(self, u):
        """The asset used by end user u, or 0: asset i is used by user (c-1)*6 + 1 + i % 6."""
        c, position = self.user_client(u), (u - 1) % USERS_PER_CLIENT
        for i in range((c - 1) * ASSETS_PER_CLIENT + 1, c * ASSETS_PER_CLIENT + 1):
            if i % USERS_PER_CLIENT == position:
                return i
        return 0

    def touched(self, name, index):
        """When a generated record was last changed: a stable time in the two years."""
        return iso(EPOCH + mix(self.seed, name_code(name), index, 98) % SPAN)

    def flag(self, name, index, one_in):
        """Yes for one record in `one_in`, at a place fixed by the seed (inactive, ...)."""
        return (index + mix(self.seed, name_code(name))) % one_in == 0


# ---- one maker per resource: (dataset, index, rng) -> record ---------------------------------

def step(h, p):
    """One splitmix64 step: mix(*parts, p) is step(mix(*parts), p), at a quarter the cost."""
    h = ((h ^ p) * 0xBF58476D1CE4E5B9) & _MASK
    h ^= h >> 31
    h = (h * 0x94D049BB133111EB) & _MASK
    return h ^ (h >> 29)


# The ids of ticket types each ticket-like list draws from.
TYPE_IDS = {"tickets": (1, 1, 1, 2, 3, 4, 4, 7), "opportunities": (6,), "projects": (5,)}


def ticket_core(ds, name, i, count):
    """The fields lists filter on, from two hashes of (seed, name, i) and no generator:
    columns.py computes them for 100,000 tickets in a fraction of a second.
    -> (client, user, agent, opened, status, priority, ticket type, category index)."""
    prefix = ds.prefix(name)
    h, h2 = step(prefix, 2 * i), step(prefix, 2 * i + 1)
    c = (h & 0xFFFF) % ds.n_clients + 1
    u = (c - 1) * USERS_PER_CLIENT + 1 + ((h >> 16) & 0xFF) % USERS_PER_CLIENT
    a = ((h >> 24) & 0xFF) % ds.n_agents + 1
    opened = EPOCH + (i - 1) * SPAN // max(count, 1) + ((h >> 32) & 0xFFFF) % (8 * 3600)
    # Older tickets are more likely to be closed, as on a real desk.
    closed = ((h >> 48) & 0x3FF) / 1024 < 0.95 - 0.85 * i / max(count, 1)
    pick = (h >> 58) & 0x3F
    status = (9, 9, 9, 10)[pick % 4] if closed else (1, 1, 2, 2, 3, 4, 5, 6, 7, 8)[pick % 10]
    priority = (1, 2, 2, 3, 3, 3, 3, 4, 4)[(h2 & 0xFF) % 9]
    types = TYPE_IDS[name]
    tt = types[((h2 >> 8) & 0xFF) % len(types)]
    return c, u, a, opened, status, priority, tt, ((h2 >> 16) & 0xFF) % len(CATEGORIES)


def last_touched(ds, opened, i):
    """When ticket i (opened then) was last changed: within 30 days of opening."""
    return opened + step(ds.prefix("touched"), i) % (30 * 86400)


def _ticket_like(ds, i, rng, count, summaries, name):
    c, u, a, opened, status, priority, tt, cat = ticket_core(ds, name, i, count)
    s, closed, sla = ds.user_site(u), status in CLOSED_STATUS_IDS, 1 + (c % len(SLAS))
    fix_hours = PRIORITIES[priority - 1][1]
    summary = rng.choice(summaries).format(
        person=ds.user_name((c - 1) * USERS_PER_CLIENT + 1 + rng.randrange(USERS_PER_CLIENT)),
        app=rng.choice(APPS), server=rng.choice(SERVERS), floor=rng.choice(FLOORS),
        site=ds.site_name(s), city=rng.choice(CITIES))
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
        "attachment_count": rng.choice((0, 0, 0, 1, 2)),
        # Every 10th ticket is a child of the one before it.
        "child_count": int((i + 1) % 10 == 0 and i + 1 <= count),
        "parent_id": i - 1 if i % 10 == 0 else 0,
        "dateassigned": iso(opened + rng.randrange(1, 3600)),
        "fixbydate": iso(opened + fix_hours * 3600),
        "dateclosed": iso(opened + rng.randrange(3600, 10 * 86400)) if closed else None,
    }
    touched = last_touched(ds, opened, i)
    rec.update(
        lastactiondate=iso(touched), last_update=iso(touched),
        asset_id=(c - 1) * ASSETS_PER_CLIENT + 1 + i % ASSETS_PER_CLIENT, contract_id=c,
        toplevel_id=ds.client_toplevel(c), toplevel_name=TOP_LEVELS[ds.client_toplevel(c) - 1],
        supplier_id=1 + i % len(SUPPLIERS) if i % 10 == 0 else 0, customfields=[])
    return rec


def _ticket(ds, i, rng):
    return _ticket_like(ds, i, rng, ds.records, TICKET_SUMMARIES, "tickets")


def _opportunity(ds, i, rng):
    rec = _ticket_like(ds, i, rng, ds.count("opportunities"), OPPORTUNITY_SUMMARIES,
                       "opportunities")
    rec["oppvalue"] = rng.randrange(5, 400) * 50
    return rec


def _project(ds, i, rng):
    rec = _ticket_like(ds, i, rng, ds.count("projects"), PROJECT_SUMMARIES, "projects")
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
            "currency_code": "GBP", "notes_1": "Monthly support",
            "ticket_id": 1 + mix(ds.seed, 41, i) % ds.records if ds.records and i % 4 == 0
            else 0}


def _contract(ds, i, rng):
    c = i
    start = EPOCH - rng.randrange(365) * 86400
    return {"id": i, "ref": f"CON-{i:04d}", "client_id": c, "client_name": ds.client_name(c),
            "site_id": (c - 1) * SITES_PER_CLIENT + 1, "start_date": iso(start),
            "end_date": iso(start + 3 * 365 * 86400),
            "billingdescription": rng.choice(("Managed support", "Block hours", "Backup only")),
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
    return {"id": i, "name": name, "shortname": name[:4].upper(), "type": kind,
            "sequence": i, "colour": f"#{mix(i, 5) % 0x1000000:06x}",
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
            "method": "POST", "content_type": "application/json", "type": i % 2,
            "authentication_type": 0, "active": True}


def _workday(ds, i, rng):
    name, start, end, weekend = WORKDAYS[i - 1]
    rec = {"id": i, "name": name, "timezone": "GMT Standard Time", "start": start,
           "end": end}
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
