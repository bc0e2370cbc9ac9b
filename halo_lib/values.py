"""The value kinds of halo_lib.options: text in, a typed value out, ValueError if not.

Each function's __name__ shows in argparse's messages ("invalid int value: 'x'").
"""
import re


def int_(text):
    return int(text, 10)


def ints(text):
    parts = [p.strip() for p in text.split(",")]
    if not parts or not all(re.fullmatch(r"-?\d+", p) for p in parts):
        raise ValueError(text)
    return ",".join(parts)


def date(text):
    """ISO 8601 date or date-time, or a time back from now (90m, 24h, 7d, 2w)."""
    from halo_lib.when import When
    return When(text)


def instant(text):
    """A date flag that names a moment: a plain date is sent as its midnight UTC."""
    from halo_lib.when import When
    return When(text, instant=True)


def number(text):
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def uuid(text):
    if not re.fullmatch(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}", text):
        raise ValueError(text)
    return text


def id_(text):
    if not re.fullmatch(r"\d{1,18}", text):
        raise ValueError(text)
    return int(text)


def name(text):
    """A text id: it goes into the URL path, so it must stay one path segment as sent
    (`.` and `..` would be folded away by URL normalisation)."""
    if not text.strip() or text.strip() in (".", ".."):
        raise ValueError(text)
    return text


class Name(str):
    """The value of a flag that holds another resource's id, given as that record's name
    (or `me`): resolved to the id when the command runs (halo_lib.run.names), never here,
    since that needs the network and the lookup cache."""

    __slots__ = ()


class Names(tuple):
    """A comma-separated list of ids where some are names: ints and Name, in order."""

    __slots__ = ()


def ref(text):
    """An id (digits) or the name of the record; an id stays an id, as before names."""
    if re.fullmatch(r"\s*\d{1,18}\s*", text):
        return int(text)
    if not text.strip():
        raise ValueError(text)
    return Name(text.strip())


def refs(text):
    """Comma-separated ids, names among them: "1,2" as it was, else a Names tuple."""
    parts = [p.strip() for p in text.split(",")]
    if all(re.fullmatch(r"-?\d+", p) for p in parts):
        return ",".join(parts)
    if not all(parts):
        raise ValueError(text)
    return Names(int(p) if p.isdigit() else Name(p) for p in parts)


def file_name(text):
    """A file to read or write: an empty name (an unset variable) is refused."""
    if not text.strip():
        raise ValueError(text)
    return text


def _within(convert, ok, shown):
    """A number converter that refuses values outside a range; shown names it in errors."""
    def check(text):
        value = convert(text)
        if not ok(value):
            raise ValueError(text)
        return value
    check.__name__ = shown
    return check


def _decimal(text):
    return int(text, 10)


positive = _within(_decimal, lambda v: v >= 1, "positive integer")
count = _within(_decimal, lambda v: v >= 0, "non-negative integer")
MAX_SECONDS = 86400.0   # a day: any larger --timeout is a typo
seconds = _within(float, lambda v: 0 < v <= MAX_SECONDS, "number of seconds (up to 86400)")
port = _within(_decimal, lambda v: 0 <= v <= 65535, "port (0 to 65535)")
probability = _within(float, lambda v: 0.0 <= v <= 1.0, "probability")


_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def size(text):
    """Bytes, with an optional K, M or G (KiB, MiB, GiB): 64M, 512K, 1G."""
    match = re.fullmatch(r"\s*(\d{1,12})\s*([kmg]?)(i?b)?\s*", text, re.I)
    if not match:
        raise ValueError(text)
    value = int(match.group(1)) * _UNITS[match.group(2).lower()]
    if not 1024 <= value <= 1 << 40:
        raise ValueError(text)
    return value


def rate(text):
    """A request budget, N/PERIOD (500/3m) or off."""
    from halo_lib.http.ratebudget import parse_rate
    parse_rate(text)   # a ValueError: argparse's one-line usage error
    return text.strip()


def pair(text):
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ValueError(text)
    return key, value


file_name.__name__ = "file name"
id_.__name__ = "id"
int_.__name__ = "int"
number.__name__ = "number"
name.__name__ = "id"
ref.__name__ = "id or name"
refs.__name__ = "ids or names"
pair.__name__ = "key=value"
rate.__name__ = "rate (N/PERIOD or off)"
size.__name__ = "size (1K to 1024G)"

def or_stdin(convert):
    """A value, or '-' for values read from stdin."""
    def check(text):
        return text if text == "-" else convert(text)
    check.__name__ = convert.__name__
    return check


# The value kinds of halo_lib.options, each with its converter.
CONVERTERS = {"str": str, "int": int_, "ints": ints, "date": date, "instant": instant,
              "number": number,
              "uuid": uuid, "id": id_, "name": name, "positive": positive, "seconds": seconds,
              "count": count, "probability": probability, "port": port, "pair": pair, "file": file_name, "rate": rate,
              "ref": ref, "refs": refs, "size": size, "upper": str.upper}


