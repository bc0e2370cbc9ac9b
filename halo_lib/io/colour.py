"""JSON for a person at a terminal: indented two spaces and coloured (jq's colours), and
safe to show (terminal_safe).

Only used when stdout is a terminal and neither NO_COLOR nor --no-color says otherwise;
a pipe always gets the plain bytes.
"""
import re

import orjson

from halo_lib import jsontext

# What JSON may hold raw in a string but a terminal may obey or hide: the C1 controls
# (U+009B is an 8-bit CSI), line and paragraph separators and the bidirectional overrides.
# (orjson already escapes the C0 controls, ESC among them.)
_TERMINAL_UNSAFE = re.compile("[\x80-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def terminal_safe(data):
    """JSON bytes for a terminal: those characters as their \\u escapes (\\u009b), which JSON
    reads back as the same string (they can only stand inside strings)."""
    if data.isascii():
        return data
    text = data.decode("utf-8")
    if not _TERMINAL_UNSAFE.search(text):
        return data
    return _TERMINAL_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode("utf-8")


RESET = b"\033[0m"
KEY = b"\033[34;1m"
STRING = b"\033[32m"
NUMBER = b"\033[0m"
LITERAL = b"\033[1;30m"      # null
BOOLEAN = b"\033[0;39m"
PUNCT = b"\033[1;39m"


def wants_colour(streams, no_color_flag):
    """Colour only on a terminal, and never with NO_COLOR set (no-color.org) or TERM=dumb."""
    if no_color_flag or not streams.stdout_tty:
        return False
    env = streams.env
    return not env.get("NO_COLOR") and env.get("TERM") != "dumb"


def dumps(value):
    """Indented, coloured JSON of value, ending in a newline."""
    out = []
    _emit(value, out, 0)
    out.append(b"\n")
    return b"".join(out)


def _emit(value, out, depth):
    if isinstance(value, dict):
        if not value:
            out += [PUNCT, b"{}", RESET]
            return
        inner = b"\n" + b"  " * (depth + 1)
        out += [PUNCT, b"{", RESET]
        for index, (key, item) in enumerate(value.items()):
            if index:
                out += [PUNCT, b",", RESET]
            out += [inner, KEY, jsontext.dumps(str(key)), RESET, PUNCT, b":", RESET, b" "]
            _emit(item, out, depth + 1)
        out += [b"\n", b"  " * depth, PUNCT, b"}", RESET]
    elif isinstance(value, list):
        if not value:
            out += [PUNCT, b"[]", RESET]
            return
        inner = b"\n" + b"  " * (depth + 1)
        out += [PUNCT, b"[", RESET]
        for index, item in enumerate(value):
            if index:
                out += [PUNCT, b",", RESET]
            out.append(inner)
            _emit(item, out, depth + 1)
        out += [b"\n", b"  " * depth, PUNCT, b"]", RESET]
    elif isinstance(value, str):
        out += [STRING, jsontext.dumps(value), RESET]
    elif value is None:
        out += [LITERAL, b"null", RESET]
    elif isinstance(value, bool):
        out += [BOOLEAN, orjson.dumps(value), RESET]
    else:
        out += [NUMBER, orjson.dumps(value), RESET]
