"""What travels on the wire: errors, replies, JSON encoding and body parsing."""

import collections
import json
import mimetypes

TRUE = frozenset(("true", "1", "yes", "on"))


class ApiError(Exception):
    def __init__(self, status, message, headers=()):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, tuple(headers)


Reply = collections.namedtuple("Reply", "status body content_type headers")


class Seen(collections.namedtuple("Seen", "method path query")):
    """One request served: unpacks as (method, path, query); .headers and .status too."""


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def json_reply(obj, status=200, headers=()):
    return Reply(status, dumps(obj), "application/json; charset=utf-8", tuple(headers))


def empty_reply(status=200, headers=()):
    return Reply(status, b"", None, tuple(headers))


def error(status, message, headers=()):
    return ApiError(status, message, headers)


def encode_list(records):
    """A JSON array written record by record: a long list never exists as Python objects."""
    return b"[" + b",".join(dumps(r) for r in records) + b"]"


def encode_envelope(head, key, records):
    prefix = dumps(head)[:-1] + (b"," if head else b"") + dumps(key) + b":"
    return prefix + encode_list(records) + b"}"


def one_or_many(records):
    """Halo answers the saved record for one element and an array for several."""
    return json_reply(records[0] if len(records) == 1 else records)


def is_true(value):
    return str(value).strip().lower() in TRUE


def int_param(query, name, default=None, minimum=1):
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise error(400, f"{name} must be an integer, not {raw!r}") from None
    if value < minimum:
        raise error(400, f"{name} must be at least {minimum}")
    return value


def parse_json(body):
    try:
        return json.loads(body.decode("utf-8")) if body.strip() else None
    except (UnicodeDecodeError, ValueError) as e:
        raise error(400, f"the body is not valid JSON: {e}") from None


def parse_records(body):
    items = parse_json(body)
    if not isinstance(items, list) or not items:
        raise error(400, "the body must be a non-empty JSON array of objects")
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise error(400, f"record {n}: not a JSON object")
        if "_fail" in item:
            raise error(400, f"record {n}: {item['_fail']}")
    return items


def make_pdf(lines):
    """A small valid one-page PDF showing `lines` (for the PDF and print endpoints)."""
    esc = [str(s).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for s in lines]
    text = "BT /F1 12 Tf 50 800 Td 16 TL " + " ".join(f"({s}) '" for s in esc) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text.encode('latin-1', 'replace'))} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{obj}\nendobj\n".encode("latin-1", "replace")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return out



def guess_type(filename):
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def wants_file(req):
    accept = (req.headers.get("Accept") or "").split(",")[0].strip().lower()
    return accept == "application/octet-stream" or is_true(req.query.get("download", ""))
