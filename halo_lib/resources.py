"""The 32 Halo resources `halo` covers: the one table everything else is derived from.

The argument parser, the help text, the man pages, the completions and the sandbox all
read this module. Adding a resource or an endpoint is one entry here, nothing else.

Facts (paths, query parameter names, field names) come from Halo's public API document;
the words are ours. Kept free of heavy imports: `halo --help` loads it.
"""

# Value types a flag, a field or an id can have. The parser turns each into an argparse
# type; the wire form is always the string Halo expects.
# DATE passes a plain date through as given; TIME is an instant, always sent as an ISO 8601
# UTC date-time (a plain date meaning its midnight, UTC).
INT, STR, BOOL, DATE, TIME, INTS, FLOAT, UUID = (
    "int", "str", "bool", "date", "time", "ints", "float", "uuid")


# Halo serves at most 100 records a page on its big lists (/Tickets, /Opportunities,
# /Projects and, in practice, the other paged lists), and its answer may not say so.
PAGE_CAP = 100


class Opt:
    """A typed option: sets one Halo query parameter (filters) or body field (fields).

    ref: the resource whose id it holds (it then takes that record's name too); derived
    from Halo's name through REFERENCES unless given ("" for none)."""

    __slots__ = ("flag", "name", "type", "help", "choices", "ref")

    def __init__(self, flag, type, help, name=None, choices=None, ref=None):
        self.flag = flag                              # kebab-case, without the dashes
        self.name = name or flag.replace("-", "_")    # Halo's own name on the wire
        self.type = type
        self.help = help
        self.choices = tuple(choices) if choices else None   # the only values it takes
        self.ref = reference_of(self.name, type) if ref is None else (ref or None)


# Halo's names of the parameters and fields that hold the id of another resource, with
# that resource: the one place this is said. A typed flag of one of these names takes the
# record's name as well as its id (halo_lib.run.names), and a record's `X_id` of one of
# them gets its `X_name` label beside it (halo_lib.run.labels).
REFERENCES = {
    "client_id": "clients", "site_id": "sites", "user_id": "users",
    "agent_id": "agents", "who_agentid": "agents", "agents": "agents",
    "team_id": "teams", "status_id": "statuses", "new_status": "statuses",
    "priority_id": "priorities", "priority": "priorities",
    "tickettype_id": "ticket-types", "requesttype_id": "ticket-types",
    "supplier_id": "suppliers", "toplevel_id": "top-levels",
    "sla_id": "slas", "slaid": "slas", "sla": "slas",
    "contract_id": "contracts", "asset_id": "assets", "category_1": "categories",
    "workday_id": "workdays",
}

# How the records other options refer to are named: (the field holding the name, the
# field holding the id the references carry, fields that tell same-named records apart).
# Priorities are keyed by a GUID, but tickets carry the integer `priorityid`.
NAMING = {
    "clients": ("name", "id", ("toplevel_name",)),
    "sites": ("name", "id", ("client_name",)),
    "users": ("name", "id", ("client_name", "site_name", "emailaddress")),
    "agents": ("name", "id", ("email", "team")),
    "teams": ("name", "id", ("department_name",)),
    "statuses": ("name", "id", ("type",)),
    "priorities": ("name", "priorityid", ("slaid",)),
    "ticket-types": ("name", "id", ("group_name",)),
    "suppliers": ("name", "id", ("toplevel_id",)),
    "top-levels": ("name", "id", ("organisation_name",)),
    "slas": ("name", "id", ()),
    "contracts": ("ref", "id", ("client_name",)),
    "assets": ("inventory_number", "id", ("client_name", "site_name")),
    "categories": ("value", "id", ("type_id",)),
    "workdays": ("name", "id", ()),
}


def reference_of(halo_name, type):
    """The resource whose id an option of this Halo name and type holds, or None: only
    id-valued options (a single id or a comma-separated list) refer to a record."""
    return REFERENCES.get(halo_name) if type in (INT, INTS) else None


class Verb:
    """One command of a resource, bound to one endpoint (or, for upload, a short flow).

    kind says how it runs: list (paged GET), get, me, create/update (array POST in
    batches), delete (one DELETE per id), call (one request, answer printed as it is),
    upload/download (attachment files), listen (serve the webhook deliveries Halo sends).
    """

    __slots__ = ("name", "kind", "method", "path", "help", "filters", "fields",
                 "ids", "body", "binary", "custom_fields")

    def __init__(self, name, kind, method, path, help, filters=(), fields=(),
                 ids=None, body=None, binary=False, custom_fields=False):
        self.name = name
        self.kind = kind
        self.method = method
        self.path = path          # may hold {id}, filled from the ID argument
        self.help = help
        self.filters = tuple(filters)
        self.fields = tuple(fields)
        self.ids = ids            # None, "one", "many" or "list" (ints sent as the body)
        self.body = body          # None, "array" (records), "object" or "optional"
        self.binary = binary      # answer may be a file rather than JSON
        self.custom_fields = custom_fields   # --cf NAME=VALUE fills `customfields`


class Resource:
    __slots__ = ("name", "path", "key", "paged", "id_type", "summary", "filters",
                 "get_filters", "fields", "deletable", "me", "extra", "custom_fields",
                 "columns", "page_cap")

    def __init__(self, name, path, key, summary, paged=True, id_type=INT, filters=(),
                 get_filters=(), fields=(), deletable=True, me=False, extra=(),
                 custom_fields=False, columns=None, page_cap=PAGE_CAP):
        self.name = name            # CLI name
        self.path = path            # canonical API path, e.g. "/Tickets"
        self.key = key              # list key of a paginated answer (None: plain array)
        self.paged = paged          # whether GET accepts pageinate/page_no/page_size
        # Most records Halo serves on one page of this list, whatever page_size asks for
        # (None: no known cap). A larger --page-size is sent as this.
        self.page_cap = page_cap if paged else None
        self.id_type = id_type
        self.summary = summary
        self.filters = tuple(filters)
        self.get_filters = tuple(get_filters)
        self.fields = tuple(fields)
        self.deletable = deletable
        self.me = me
        self.extra = tuple(extra)
        self.custom_fields = custom_fields   # records carry Halo's `customfields` array
        # Default columns of -o table/csv/tsv: Halo's field names (dots reach nested ones).
        self.columns = tuple(columns or COLUMNS.get(name, ("id", "name")))

    def verbs(self):
        """Every verb of the resource, CRUD first, in help order."""
        p, what = self.path, self.name
        verbs = [
            Verb("list", "list", "GET", p, f"stream {what} as NDJSON", self.filters),
            Verb("get", "get", "GET", p + "/{id}", f"show {what} by id ('-': ids on stdin)",
                 self.get_filters, ids="many"),
            Verb("create", "create", "POST", p, f"create {what} from BODY, fields and flags",
                 fields=self.fields, body="array", custom_fields=self.custom_fields),
            Verb("update", "update", "POST", p,
                 f"update {what}: ID with BODY, or records that carry their id",
                 fields=self.fields, ids="optional", body="array",
                 custom_fields=self.custom_fields),
        ]
        if self.deletable:
            verbs.append(Verb("delete", "delete", "DELETE", p + "/{id}",
                              f"delete {what} by id ('-': ids on stdin), reporting each",
                              ids="many"))
        if self.me:
            verbs.append(Verb("me", "me", "GET", p + "/me", "show the record of the caller"))
        return verbs + list(self.extra)

    def verb(self, name):
        for v in self.verbs():
            if v.name == name:
                return v
        return None


# The default columns of each resource for -o table, csv and tsv (else id and name).
TICKET_COLUMNS = ("id", "summary", "status_name", "client_name", "agent_name", "last_update")
COLUMNS = {
    "tickets": TICKET_COLUMNS, "opportunities": TICKET_COLUMNS, "projects": TICKET_COLUMNS,
    "actions": ("id", "ticket_id", "datetime", "outcome", "note"),
    "clients": ("id", "name", "toplevel_name", "inactive"),
    "users": ("id", "name", "emailaddress", "client_name", "site_name"),
    "agents": ("id", "name", "email", "team"),
    "assets": ("id", "inventory_number", "key_field", "assettype_name", "client_name",
               "site_name"),
    "attachments": ("id", "filename", "ticket_id", "filesize", "datecreated"),
    "sites": ("id", "name", "client_name"),
    "invoices": ("id", "invoicenumber", "invoice_date", "client_name", "total"),
    "contracts": ("id", "ref", "client_name", "start_date", "end_date"),
    "appointments": ("id", "subject", "start_date", "end_date", "agent_name", "client_name"),
    "items": ("id", "name", "baseprice"),
    "kb-articles": ("id", "name", "type"),
    "statuses": ("id", "name", "type"),
    "teams": ("id", "name", "department_name"),
    "categories": ("id", "value", "type_id"),
    "expenses": ("id", "ticket_id", "amount", "note"),
    "timesheets": ("id", "agent_name", "date"),
    "releases": ("id", "name", "product_name"),
    "webhooks": ("id", "name", "url", "active"),
    "software-licences": ("id", "name", "client_name", "start_date", "end_date"),
    "crm-notes": ("id", "datetime", "note"),
    "quotations": ("id", "title", "client_name", "date", "total"),
}


def call(name, method, path, help, filters=(), fields=(), ids=None, body=None, binary=False):
    """An endpoint beyond CRUD: one request, its answer printed as it comes."""
    return Verb(name, "call", method, path, help, filters, fields, ids, body, binary)


# Halo's names for the last-update filters; a list with them can use --checkpoint.
UPDATED_FROM, UPDATED_TO = "lastupdatefromdate", "lastupdatetodate"
END_DATE = "enddate"

# Options many resources share.
SEARCH = Opt("search", STR, "only records matching this text")
CLIENT = Opt("client-id", INT, "only records of this client")
SITE = Opt("site-id", INT, "only records of this site")
USER = Opt("user-id", INT, "only records of this end user")
TICKET = Opt("ticket-id", INT, "only records of this ticket")
SUPPLIER = Opt("supplier-id", INT, "only records of this supplier")
TOPLEVEL = Opt("toplevel-id", INT, "only records under this top level")
INACTIVE = Opt("include-inactive", BOOL, "include inactive records", "includeinactive")
ORDER = (Opt("order", STR, "sort by this field"),
         Opt("desc", BOOL, "sort in descending order", "orderdesc"))
DETAILS = Opt("include-details", BOOL, "include every field of the record", "includedetails")
UPDATED = (Opt("updated-since", TIME, "only records changed at or after this time",
               UPDATED_FROM),
           Opt("updated-until", TIME, "only records changed up to this time", UPDATED_TO))
# The values of datesearch Halo documents (its reference names dateoccured and datecleared,
# Halo's spelling; lastactiondate is its ticket's last-action date), each with what it
# means: which date --start-date and --end-date apply to. The parser, help, man pages,
# completions and the sandbox read this one list.
DATE_SEARCH_MEANINGS = {"dateoccured": "opened", "datecleared": "closed",
                        "lastactiondate": "last action"}
DATE_SEARCH_VALUES = tuple(DATE_SEARCH_MEANINGS)
DATE_SEARCH = Opt("date-search", STR,
                  "the date --start-date and --end-date apply to: " + ", ".join(
                      f"{value} ({meaning})" for value, meaning in DATE_SEARCH_MEANINGS.items()),
                  "datesearch", choices=DATE_SEARCH_VALUES)

# The periods `reports run --period` takes (UTC, weeks from Monday; halo_lib.run.reports
# reads the days from the name). halo sends a period as its first and last moment in
# Halo's documented reportingperiodstartdate and reportingperiodenddate: Halo's own
# numbers for its periods (reportingperiod) are not published (`--param
# reportingperiod=N` sends one as it is).
# The parser, help, man pages and completions read this one list.
REPORT_PERIODS = ("today", "yesterday", "this-week", "last-week", "this-month",
                  "last-month", "this-quarter", "last-quarter", "this-year", "last-year")
REPORT_PERIOD = Opt("period", STR, "the reporting period, sent as its first and last moment "
                    "(UTC, weeks from Monday); --param reportingperiod=N sends Halo's own "
                    "number", "reportingperiodstartdate/reportingperiodenddate",
                    choices=REPORT_PERIODS)

TICKET_FIELDS = (
    Opt("summary", STR, "one-line summary"),
    Opt("details", STR, "full description"),
    Opt("client-id", INT, "client the ticket is for"),
    Opt("site-id", INT, "site of the client"),
    Opt("user-id", INT, "end user who reported it"),
    Opt("ticket-type-id", INT, "ticket type", "tickettype_id"),
    Opt("priority-id", INT, "priority"),
    Opt("status-id", INT, "status"),
    Opt("agent-id", INT, "agent it is assigned to"),
    Opt("team", STR, "team it is assigned to (name)"),
    Opt("category", STR, "first category", "category_1"),
)

TICKET_FILTERS = (
    CLIENT, SITE, USER,
    Opt("agent-id", INT, "only tickets assigned to this agent"),
    Opt("status-id", INT, "only tickets in this status"),
    Opt("priority", INTS, "only tickets of these priority ids (comma-separated)"),
    Opt("team", STR, "only tickets of this team (name)"),
    Opt("ticket-type-id", INT, "only tickets of this ticket type", "requesttype_id"),
    Opt("category", INTS, "only tickets of these first-category ids", "category_1"),
    SEARCH,
    Opt("open-only", BOOL, "only open tickets"),
    Opt("closed-only", BOOL, "only closed tickets"),
    Opt("start-date", DATE, "only tickets from this date on", "startdate"),
    Opt("end-date", DATE, "only tickets up to this date", END_DATE),
    DATE_SEARCH, *UPDATED,
    *ORDER,
    Opt("include-last-action", BOOL, "add the last action to each ticket", "includelastaction"),
    Opt("asset-id", INT, "only tickets linked to this asset"),
    Opt("contract-id", INT, "only tickets under this contract"),
    Opt("parent-id", INT, "only child tickets of this ticket"),
    TOPLEVEL, SUPPLIER,
    Opt("sla", INTS, "only tickets under these SLA ids"),
    Opt("mine", BOOL, "only tickets of the calling agent"),
    Opt("with-attachments", BOOL, "only tickets that have attachments", "withattachments"),
)
TICKET_GET = (DETAILS,
              Opt("include-last-action", BOOL, "add the last action", "includelastaction"),
              Opt("include-linked", BOOL, "add linked objects", "includelinkedobjects"))


def _ticket_like(name, path, what):
    """Tickets, opportunities and projects share one shape on the API."""
    return Resource(name, path, "tickets", f"{what}", filters=TICKET_FILTERS,
                    get_filters=TICKET_GET, fields=TICKET_FIELDS, custom_fields=True,
                    extra=[call("view", "POST", path + "/View",
                                f"mark {name} as viewed by the caller", body="array")])


RESOURCES = [
    Resource(
        "tickets", "/Tickets", "tickets", "service desk tickets",
        filters=TICKET_FILTERS, get_filters=TICKET_GET, fields=TICKET_FIELDS,
        custom_fields=True,
        extra=[
            call("vote", "POST", "/Tickets/vote", "vote on tickets (e.g. feature requests)",
                 body="array"),
            call("view", "POST", "/Tickets/View", "mark tickets as viewed by the caller",
                 body="array"),
            call("object", "POST", "/Tickets/Object",
                 "send one ticket object and print the result", body="object"),
            call("process-children", "POST", "/Tickets/processchildren",
                 "process the child tickets of the given tickets", body="array"),
            call("set-billable-project", "POST", "/Tickets/SetBillableProject",
                 "set the billable project of tickets", body="array"),
            call("sales-mailbox", "GET", "/Tickets/salesmailbox",
                 "show the sales mailbox tickets"),
            call("zapier", "GET", "/Tickets/zapier", "show tickets in Zapier's form"),
        ]),
    Resource(
        "actions", "/Actions", "actions", "notes, e-mails and time entries on tickets",
        paged=False,
        filters=(TICKET,
                 Opt("agent-only", BOOL, "only actions by agents", "agentonly"),
                 Opt("exclude-system", BOOL, "leave out system actions", "excludesys"),
                 Opt("exclude-private", BOOL, "leave out private notes", "excludeprivate"),
                 Opt("conversation-only", BOOL, "only the e-mail conversation",
                     "conversationonly"),
                 Opt("time-entries-only", BOOL, "only actions with time logged",
                     "timeentriesonly"),
                 Opt("important-only", BOOL, "only actions marked important", "importantonly"),
                 Opt("start-date", DATE, "only actions from this date on", "startdate"),
                 Opt("end-date", DATE, "only actions up to this date", "enddate"),
                 Opt("include-html", BOOL, "add the HTML form of each note", "includehtmlnote"),
                 Opt("include-attachments", BOOL, "add attachments", "includeattachments")),
        get_filters=(Opt("ticket-id", INT, "ticket the action belongs to (Halo needs it)"),
                     DETAILS),
        fields=(Opt("ticket-id", INT, "ticket the action is added to"),
                Opt("note", STR, "text of the note"),
                Opt("outcome", STR, "outcome (action type) name, e.g. 'Private Note'"),
                Opt("outcome-id", INT, "outcome (action type) id"),
                Opt("hidden-from-user", BOOL, "hide the action from the end user",
                    "hiddenfromuser"),
                Opt("time-taken", FLOAT, "hours spent", "timetaken"),
                Opt("who-agent-id", INT, "agent the action is recorded for", "who_agentid"),
                Opt("send-email", BOOL, "e-mail the action to the user", "sendemail"),
                Opt("new-status", INT, "status to set on the ticket", "new_status")),
        extra=[
            call("react", "POST", "/Actions/reaction", "add a reaction to an action",
                 fields=(Opt("ticket-id", INT, "ticket of the action"),
                         Opt("action-number", INT, "number of the action on the ticket"),
                         Opt("type", STR, "the reaction")),
                 body="optional"),
            call("review", "POST", "/Actions/Review", "mark actions as reviewed", body="array"),
        ]),
    Resource(
        "clients", "/Client", "clients", "customers (Halo calls them clients or areas)",
        me=True, custom_fields=True,
        filters=(SEARCH, TOPLEVEL, INACTIVE, *ORDER, *UPDATED,
                 Opt("search-name-only", BOOL, "match the search against names only"),
                 Opt("include-notes", BOOL, "add notes", "includenotes")),
        get_filters=(DETAILS,
                     Opt("include-activity", BOOL, "add recent activity", "includeactivity")),
        fields=(Opt("name", STR, "client name"),
                Opt("toplevel-id", INT, "top level the client sits under"),
                Opt("inactive", BOOL, "mark the client inactive")),
        extra=[
            call("new-accounts-id", "POST", "/Client/NewAccountsId",
                 "assign new accounts-package ids to clients", body="array"),
            call("payment-method-update", "POST", "/Client/PaymentMethodUpdate",
                 "update the payment method of clients", body="array"),
        ]),
    Resource(
        "users", "/Users", "users", "end users (contacts) of clients", me=True,
        custom_fields=True,
        filters=(SEARCH, CLIENT, SITE, TOPLEVEL, INACTIVE, *ORDER, *UPDATED,
                 Opt("asset-id", INT, "only users of this asset"),
                 Opt("exclude-agents", BOOL, "leave out users that are agents")),
        get_filters=(DETAILS,),
        fields=(Opt("name", STR, "full name"),
                Opt("emailaddress", STR, "e-mail address"),
                Opt("client-id", INT, "client of the user"),
                Opt("site-id", INT, "site of the user")),
        extra=[call("prefs", "POST", "/Users/prefs", "set preferences of users",
                    body="array")]),
    Resource(
        "agents", "/Agent", "agents", "technicians (agents)", paged=False, me=True,
        filters=(SEARCH,
                 Opt("team", STR, "only agents of this team (name)"),
                 Opt("team-id", INT, "only agents of this team"),
                 Opt("include-disabled", BOOL, "include disabled agents", "includedisabled"),
                 Opt("client-id", INT, "only agents who can see this client")),
        get_filters=(DETAILS,),
        fields=(Opt("name", STR, "full name"), Opt("email", STR, "e-mail address")),
        extra=[call("clear-cache", "POST", "/Agent/ClearCache", "clear the agent cache")]),
    Resource(
        "assets", "/Asset", "assets", "devices and configuration items", custom_fields=True,
        filters=(CLIENT, SITE, SEARCH, *ORDER, INACTIVE, USER, TICKET, *UPDATED,
                 Opt("asset-type-id", INT, "only assets of this type", "assettype_id"),
                 Opt("inventory-number", STR, "only the asset with this tag")),
        get_filters=(DETAILS,),
        fields=(Opt("inventory-number", STR, "asset tag"),
                Opt("client-id", INT, "owning client"),
                Opt("site-id", INT, "site of the asset"),
                Opt("asset-type-id", INT, "asset type", "assettype_id")),
        extra=[
            call("next-tag", "GET", "/Asset/NextTag", "show the next free asset tag"),
            call("software-versions", "GET", "/Asset/GetAllSoftwareVersions",
                 "list every software version seen on assets"),
        ]),
    Resource(
        "attachments", "/Attachment", "attachments", "files attached to tickets and actions",
        paged=False,
        filters=(TICKET, Opt("action-id", INT, "only attachments of this action"),
                 Opt("type", INT, "only attachments of this type"), *ORDER),
        get_filters=(DETAILS,),
        fields=(Opt("ticket-id", INT, "ticket to attach to"),
                Opt("action-id", INT, "action to attach to"),
                Opt("filename", STR, "file name shown in Halo")),
        extra=[
            Verb("upload", "upload", "POST", "/Attachment",
                 "upload FILE to a ticket (large files through a presigned URL)",
                 fields=(Opt("ticket-id", INT, "ticket to attach to"),
                         Opt("action-id", INT, "action to attach to"),
                         Opt("note", STR, "note on the attachment"))),
            Verb("download", "download", "GET", "/Attachment/{id}",
                 "download the file of an attachment", ids="one", binary=True),
            call("presign", "POST", "/Attachment/GetS3PresignedURL",
                 "ask for a presigned upload URL", body="array"),
            call("presign-complete", "POST", "/Attachment/PresignedURLUploadComplete",
                 "confirm a presigned upload", body="array"),
            call("document", "GET", "/Attachment/document/{id}", "fetch a document",
                 ids="one", binary=True),
            call("add-document", "POST", "/Attachment/document", "add documents",
                 body="array"),
            call("delete-document", "DELETE", "/Attachment/document/{id}",
                 "delete a document", ids="one"),
            call("image", "GET", "/Attachment/image/{id}", "fetch an image", ids="one",
                 binary=True),
            call("images", "GET", "/Attachment/image", "fetch an image by token",
                 filters=(Opt("token", STR, "image token"), Opt("nonce", STR, "nonce"))),
            call("add-image", "POST", "/Attachment/image", "add an image to a ticket",
                 filters=(TICKET, Opt("action-id", INT, "action to attach to")),
                 body="optional"),
            call("delete-image", "DELETE", "/Attachment/image/{id}", "delete an image",
                 ids="one"),
            call("nhserver", "GET", "/Attachment/nhserver/{id}",
                 "fetch an attachment through the NHServer route", ids="one",
                 filters=(Opt("token", STR, "access token of the file"),), binary=True),
        ]),
    Resource(
        "sites", "/Site", "sites", "sites (locations) of clients", custom_fields=True,
        filters=(SEARCH, CLIENT, TOPLEVEL, INACTIVE, *ORDER, *UPDATED),
        get_filters=(DETAILS,),
        fields=(Opt("name", STR, "site name"), Opt("client-id", INT, "owning client")),
        extra=[call("stock-bins", "GET", "/Site/StockBins", "list stock bins")]),
    Resource(
        "invoices", "/Invoice", "invoices", "invoices",
        filters=(SEARCH, CLIENT, SITE, USER, TICKET, TOPLEVEL, *ORDER,
                 Opt("contract-id", INT, "only invoices of this contract"),
                 Opt("posted-only", BOOL, "only posted invoices", "postedonly"),
                 Opt("not-posted-only", BOOL, "only invoices not yet posted", "notpostedonly"),
                 Opt("include-lines", BOOL, "add invoice lines", "includelines")),
        get_filters=(DETAILS,),
        fields=(Opt("client-id", INT, "client invoiced"),
                Opt("invoice-date", DATE, "invoice date", "invoice_date")),
        extra=[
            call("pdf", "POST", "/Invoice/PDF/{id}", "fetch the PDF of an invoice", ids="one",
                 binary=True),
            call("void", "POST", "/Invoice/{id}/void", "void an invoice", ids="one",
                 body="optional"),
            call("lines", "GET", "/Invoice/lines", "list invoice lines",
                 filters=(Opt("invoice-id", INT, "only lines of this invoice", "ihid"),
                          CLIENT)),
            call("update-lines", "POST", "/Invoice/updatelines", "update invoice lines",
                 body="array"),
            call("view", "POST", "/Invoice/View", "mark invoices as viewed", body="array"),
        ]),
    Resource(
        "contracts", "/ClientContract", "contracts", "client contracts",
        filters=(SEARCH, CLIENT, SITE, *ORDER, INACTIVE),
        get_filters=(DETAILS,),
        fields=(Opt("client-id", INT, "client of the contract"),
                Opt("ref", STR, "contract reference"),
                Opt("start-date", DATE, "start date"), Opt("end-date", DATE, "end date")),
        extra=[
            call("next-ref", "POST", "/ClientContract/NextRef",
                 "show the next contract reference", body="array"),
            call("approve", "POST", "/ClientContract/Approval",
                 "approve or reject contracts", body="array"),
        ]),
    _ticket_like("opportunities", "/Opportunities", "sales opportunities"),
    _ticket_like("projects", "/Projects", "projects"),
    Resource(
        "appointments", "/Appointment", "appointments", "calendar appointments",
        filters=(SEARCH, CLIENT, TICKET, *ORDER,
                 Opt("start-date", DATE, "only appointments from this date on"),
                 Opt("end-date", DATE, "only appointments up to this date"),
                 Opt("agents", INTS, "only appointments of these agent ids"),
                 Opt("hide-completed", BOOL, "leave out completed appointments",
                     "hidecompleted")),
        get_filters=(DETAILS,),
        fields=(Opt("subject", STR, "subject"),
                Opt("start-date", DATE, "start (ISO 8601 with a time zone)"),
                Opt("end-date", DATE, "end (ISO 8601 with a time zone)"),
                Opt("agent-id", INT, "agent"), Opt("ticket-id", INT, "ticket")),
        extra=[
            call("booking", "GET", "/Appointment/Booking", "show the booking options"),
            call("book", "POST", "/Appointment/Booking", "book an appointment",
                 body="object"),
            call("generate", "POST", "/Appointment/Generate",
                 "generate appointments from the given ids", ids="list"),
        ]),
    Resource(
        "items", "/Item", "items", "products and services sold",
        filters=(SEARCH, SUPPLIER, INACTIVE, *ORDER),
        get_filters=(DETAILS,),
        fields=(Opt("name", STR, "item name"), Opt("baseprice", FLOAT, "price")),
        extra=[call("new-accounts-id", "POST", "/Item/NewAccountsId",
                    "assign new accounts-package ids to items", body="array")]),
    Resource(
        "kb-articles", "/KBArticle", "articles", "knowledge base articles",
        filters=(SEARCH, CLIENT, SITE, INACTIVE, *ORDER,
                 Opt("type", INT, "only articles of this type")),
        get_filters=(DETAILS,),
        fields=(Opt("name", STR, "title"), Opt("description", STR, "body text"),
                Opt("resolution", STR, "resolution text")),
        extra=[call("vote", "POST", "/KBArticle/vote", "vote on articles", body="array")]),
    Resource(
        "suppliers", "/Supplier", "suppliers", "suppliers",
        filters=(SEARCH, TOPLEVEL, INACTIVE, *ORDER),
        get_filters=(DETAILS,),
        fields=(Opt("name", STR, "supplier name"),
                Opt("email-address", STR, "e-mail address")),
    ),
    Resource(
        "statuses", "/Status", None, "ticket statuses", paged=False,
        filters=(TICKET, Opt("ticket-type-id", INT, "only statuses of this ticket type",
                             "tickettype_id"),
                 Opt("exclude-closed", BOOL, "leave out closed statuses", "excludeclosed"),
                 Opt("type", STR, "only statuses of this type"),
                 Opt("show-all", BOOL, "include every status", "showall")),
        get_filters=(DETAILS,),
        fields=(Opt("name", STR, "status name"), Opt("colour", STR, "colour, e.g. #ff0000")),
    ),
    Resource(
        "teams", "/Team", None, "agent teams", paged=False,
        filters=(Opt("department-id", INT, "only teams of this department"),
                 Opt("include-disabled", BOOL, "include disabled teams", "includedisabled"),
                 Opt("type", STR, "only teams of this type"),
                 Opt("show-all", BOOL, "include every team", "showall")),
        get_filters=(DETAILS, Opt("include-agents", BOOL, "add the agents",
                                  "includeagents")),
        fields=(Opt("name", STR, "team name"),),
        extra=[call("tree", "GET", "/Team/Tree", "show teams as a tree")]),
    Resource(
        "categories", "/Category", None, "ticket categories", paged=False,
        filters=(CLIENT, Opt("type-id", INT, "only categories of this level (1-4)"),
                 Opt("team-id", INT, "only categories of this team"),
                 Opt("ticket-type-id", INT, "only categories of this ticket type",
                     "tickettype_id")),
        get_filters=(DETAILS,),
        fields=(Opt("value", STR, "category name"), Opt("type-id", INT, "level (1-4)")),
    ),
    Resource(
        "priorities", "/Priority", None, "ticket priorities", paged=False, id_type=STR,
        filters=(Opt("sla-id", INT, "only priorities of this SLA", "slaid"),),
        get_filters=(DETAILS,),
        fields=(Opt("name", STR, "priority name"), Opt("sla-id", INT, "SLA", "slaid")),
    ),
    Resource(
        "slas", "/SLA", None, "service level agreements", paged=False,
        filters=(Opt("show-priorities", BOOL, "add priorities", "showpriorities"),
                 Opt("show-workdays", BOOL, "add workdays", "showworkdays")),
        get_filters=(DETAILS,),
        fields=(Opt("name", STR, "SLA name"),),
    ),
    Resource(
        "ticket-types", "/TicketType", None, "ticket types", paged=False,
        filters=(CLIENT, Opt("show-inactive", BOOL, "include inactive types", "showinactive"),
                 Opt("can-create-only", BOOL, "only types the caller can create"),
                 Opt("group-id", INT, "only types of this group")),
        get_filters=(DETAILS,),
        fields=(Opt("name", STR, "ticket type name"),),
    ),
    Resource(
        "top-levels", "/TopLevel", None, "top levels (the top of the client tree)",
        filters=(SEARCH, *ORDER, Opt("org-id", INT, "only top levels of this organisation")),
        get_filters=(DETAILS,),
        fields=(Opt("name", STR, "top level name"),),
    ),
    Resource(
        "expenses", "/Expense", "expenses", "expense claims", paged=False, deletable=False,
        filters=(Opt("agent-id", INT, "only expenses of this agent"), TICKET,
                 Opt("start-date", DATE, "only expenses from this date on", "startdate"),
                 Opt("end-date", DATE, "only expenses up to this date", "enddate")),
        get_filters=(DETAILS,),
        fields=(Opt("ticket-id", INT, "ticket the expense is for"),
                Opt("amount", FLOAT, "amount"), Opt("note", STR, "note")),
    ),
    Resource(
        "timesheets", "/Timesheet", "timesheets", "agent timesheets", paged=False,
        deletable=False,
        get_filters=(Opt("agent-id", INT, "agent of the timesheet"),
                     Opt("date", DATE, "day of the timesheet")),
        fields=(Opt("agent-id", INT, "agent"), Opt("date", DATE, "day")),
        extra=[
            call("mine", "GET", "/Timesheet/mine", "show the caller's timesheet"),
            call("forecasting", "GET", "/Timesheet/forecasting", "show forecast timesheets"),
        ]),
    Resource(
        "releases", "/Release", "releases", "software releases",
        filters=(SEARCH, *ORDER, Opt("product-id", INT, "only releases of this product")),
        get_filters=(DETAILS,),
        fields=(Opt("name", STR, "release name"), Opt("product-id", INT, "product")),
    ),
    Resource(
        "reports", "/Report", "reports", "reports", paged=True,
        filters=(SEARCH, *ORDER, Opt("report-group-id", INT, "only reports of this group",
                                     "reportgroup_id"),
                 Opt("type", INT, "only reports of this type")),
        get_filters=(DETAILS, Opt("load-report", BOOL, "run the report and add its rows",
                                  "loadreport")),
        fields=(Opt("name", STR, "report name"), Opt("sql", STR, "the report's SQL")),
        extra=[
            call("print", "POST", "/Report/print", "print reports", body="array",
                 binary=True),
            call("pdf", "POST", "/Report/createpdf", "create a PDF of a report",
                 body="object", binary=True),
            call("bookmark", "POST", "/Report/Bookmark", "bookmark a report", body="object"),
            Verb("run", "report", "GET", "/Report/{id}",
                 "run a report and stream its rows as NDJSON", ids="one",
                 filters=(REPORT_PERIOD,
                          Opt("from", DATE, "start of the reporting period",
                              "reportingperiodstartdate"),
                          Opt("to", DATE, "end of the reporting period",
                              "reportingperiodenddate"))),
        ]),
    Resource(
        "webhooks", "/Webhook", None, "outgoing webhooks", paged=False, id_type=UUID,
        filters=(Opt("type", INT, "only webhooks of this type"),),
        get_filters=(DETAILS,),
        fields=(Opt("name", STR, "webhook name"), Opt("url", STR, "target URL")),
        extra=[
            # Not an API call: Halo POSTs to us, at any path of the listener.
            Verb("listen", "listen", "POST", "/*",
                 "serve an HTTP endpoint for Halo's webhook deliveries and print each as "
                 "one NDJSON line"),
        ]),
    Resource(
        "workdays", "/Workday", "workdays", "working-day calendars", paged=False,
        filters=(Opt("show-holidays", BOOL, "add holidays", "showholidays"),),
        get_filters=(DETAILS,),
        fields=(Opt("name", STR, "workday name"),),
    ),
    Resource(
        "software-licences", "/SoftwareLicence", "licences", "software licences",
        filters=(SEARCH, CLIENT, SITE, INACTIVE, *ORDER),
        get_filters=(DETAILS,),
        fields=(Opt("name", STR, "licence name"), Opt("client-id", INT, "client")),
    ),
    Resource(
        "crm-notes", "/CRMNote", "actions", "CRM notes on clients and suppliers",
        paged=False,
        filters=(CLIENT, SUPPLIER, TOPLEVEL),
        get_filters=(DETAILS,),
        fields=(Opt("client-id", INT, "client"), Opt("note", STR, "text of the note")),
    ),
    Resource(
        "quotations", "/Quotation", "quotes", "quotations",
        filters=(SEARCH, CLIENT, SITE, USER, TICKET, *ORDER,
                 Opt("open", BOOL, "only open quotations"),
                 Opt("closed", BOOL, "only closed quotations"),
                 Opt("include-lines", BOOL, "add quotation lines", "includelines")),
        get_filters=(DETAILS,),
        fields=(Opt("title", STR, "title"), Opt("client-id", INT, "client"),
                Opt("ticket-id", INT, "ticket")),
        extra=[
            call("approve", "POST", "/Quotation/Approval", "approve or reject quotations",
                 body="array"),
            call("lines", "POST", "/Quotation/Lines", "add or update quotation lines",
                 body="array"),
            call("view", "POST", "/Quotation/View", "mark quotations as viewed",
                 body="array"),
        ]),
]

BY_NAME = {r.name: r for r in RESOURCES}


def endpoints():
    """Every (method, path) the named verbs reach, without duplicates."""
    seen = {}
    for r in RESOURCES:
        for v in r.verbs():
            if v.kind == "listen":   # served by halo, not an endpoint of Halo's
                continue
            seen[(v.method, v.path)] = (r.name, v.name)
            if v.kind == "upload":   # the presigned flow reaches two more
                seen[("POST", "/Attachment/GetS3PresignedURL")] = (r.name, v.name)
    return seen
