"""The NDJSON line of one delivery: every body is kept, as JSON where a reader can take it.

{"received_at", "path", "body"} holds the delivery's JSON; "text" replaces "body" for UTF-8
that is not JSON a reader can parse (NaN and Infinity, or nesting deeper than MAX_DEPTH,
which jq 1.6 and orjson refuse at 256 levels); "base64" holds the exact bytes of a body
that is not UTF-8 either. A string with a lone surrogate (a UTF-16 pair cut in two) stays
JSON, written as its \\u escape since no UTF-8 can carry it.
"""

import base64
import json

from halo_lib.run.listen import MAX_DEPTH


def envelope(path, body, now):
    """The line (bytes, newline-terminated)."""
    line = {"received_at": now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", "path": path}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        line["base64"] = base64.b64encode(body).decode("ascii")
        return _dump(line)
    if not text.strip():
        line["body"] = None
        return _dump(line)
    doc = _parsed(text)
    if doc is _NOT_JSON:
        line["text"] = text
    else:
        line["body"] = doc
    return _dump(line)


_NOT_JSON = object()


def _parsed(text):
    try:
        doc = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):   # RecursionError: nested past Python's own limit
        return _NOT_JSON
    # A count of brackets bounds the depth: the walk is needed only for bracket-rich bodies.
    if text.count("[") + text.count("{") > MAX_DEPTH and _deeper_than(doc, MAX_DEPTH):
        return _NOT_JSON
    return doc


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def _deeper_than(doc, limit):
    stack = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        stack.extend((item, depth + 1) for item in value)
    return False


def _dump(line):
    try:
        text = json.dumps(line, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8") + b"\n"
    except UnicodeEncodeError:   # a lone surrogate: only its escape is valid UTF-8
        return json.dumps(line, separators=(",", ":")).encode("ascii") + b"\n"
