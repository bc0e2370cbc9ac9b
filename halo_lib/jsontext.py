"""JSON text in and out: orjson for speed, the standard library for what orjson refuses.

Two kinds of valid JSON that Halo may send defeat orjson:
- a string holding a lone surrogate escape (`"\\ud83d"`, half an emoji cut by a length
  limit): orjson refuses to read it, Python's json reads it as a lone surrogate;
- deep nesting: orjson writes at most 254 levels, and reads at most 1,024 (a record
  1,024 deep inside a page is deeper still); the stdlib goes to DEEP_RECURSION.
Neither may fail a list, crash a format or lose a bulk write's accounting, so reading
falls back to json.loads for such a page, and writing falls back to json.dumps, which
writes a lone surrogate back as its escape: the output stays valid UTF-8 and valid JSON.
"""
from itertools import repeat
from operator import add

import orjson

# Deep enough for anything orjson reads (1,024 levels) and the stdlib's recursion on it.
DEEP_RECURSION = 5000


def loads(data):
    """The value of JSON bytes; raises ValueError (orjson.JSONDecodeError) when not JSON."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "surrogate" not in str(exc) and "depth limit" not in str(exc):
            raise
        return _stdlib_loads(data, exc)


def dumps(value, indent=False):
    """Compact JSON bytes (indented by 2 with indent=True), whatever orjson refuses."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 if indent else None)
    except orjson.JSONEncodeError:
        return _stdlib_dumps(value, indent)


def dumps_lines(values):
    """Each value's JSON and a newline, joined: a page as NDJSON. orjson keeps a 4 KiB
    buffer behind each result it returns, so a page of results held at once was 400 KiB
    to allocate and free per page; each copied with its newline as it comes (all in C)
    lets its buffer go at once."""
    try:
        return b"".join(map(add, map(orjson.dumps, values), repeat(b"\n")))
    except orjson.JSONEncodeError:
        return b"".join(dumps(value) + b"\n" for value in values)


def dumps_joined(values):
    """The values' JSON joined by commas (a JSON array less its brackets), without
    holding a result per value."""
    try:
        return orjson.dumps(values)[1:-1]
    except orjson.JSONEncodeError:
        return b",".join(dumps(value) for value in values)


def _stdlib_loads(data, first_error):
    import json
    import sys

    def no_constants(name):   # NaN and Infinity are not JSON: refuse them as orjson does
        raise first_error
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, DEEP_RECURSION))
    try:
        return json.loads(data, parse_constant=no_constants)
    except RecursionError:
        raise first_error from None
    finally:
        sys.setrecursionlimit(limit)


def _stdlib_dumps(value, indent):
    import json
    import sys
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, DEEP_RECURSION))
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False,
                          indent=2 if indent else None,
                          separators=(",", ": ") if indent else (",", ":"))
    finally:
        sys.setrecursionlimit(limit)
    # A lone surrogate can only stand inside a string: written as its \\u escape (\\ud83d).
    return text.encode("utf-8", "backslashreplace")
