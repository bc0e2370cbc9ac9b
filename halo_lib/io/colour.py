"""JSON for a person at a terminal: indented two spaces and coloured (jq's colours).

Only used when stdout is a terminal and neither NO_COLOR nor --no-color says otherwise;
a pipe always gets the plain bytes.
"""
from halo_lib import jsontext
import orjson

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
