"""The words generated records are made of: names, companies, summaries, statuses."""

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
# A status record's `type` is a number in Halo's API document: the sandbox codes its two
# kinds so (excludeclosed leaves out the closed code).
STATUS_TYPE_CODES = {"open": 0, "closed": 1}
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
# Name, start and end (a time of day, served as the date-time Halo's document types them
# with), and whether the weekend is included.
WORKDAYS = (("Office hours", "09:00", "17:30", False), ("Around the clock", "00:00", "23:59", True))
# Contracts' billing descriptions: `billingdescription` is their number in Halo's document,
# the text rides in `billing_description_string`.
BILLING_DESCRIPTIONS = ("Managed support", "Block hours", "Backup only")
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
# A webhook's `method` is a number in Halo's document: the sandbox's webhooks all POST.
WEBHOOK_METHOD_POST = 0
LICENCE_PRODUCTS = (("Microsoft 365 Business Standard", "Microsoft"),
                    ("Adobe Acrobat Pro", "Adobe"), ("AutoCAD LT", "Autodesk"),
                    ("Endpoint protection", "Sophos"), ("Zoom Pro", "Zoom"),
                    ("Sage 50 Accounts", "Sage"))
FILES = (("screenshot.png", "image/png"), ("error-log.txt", "text/plain"),
         ("quote.pdf", "application/pdf"), ("photo.jpg", "image/jpeg"),
         ("report.csv", "text/csv"), ("config.txt", "text/plain"))
