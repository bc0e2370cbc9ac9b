"""The value kinds of the command line: text in, a typed value out, ValueError if not.

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


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?")


def date(text):
    if not _DATE.fullmatch(text):
        raise ValueError(text)
    return text


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
    if not text.strip():
        raise ValueError(text)
    return text


def positive(text):
    value = int(text, 10)
    if value < 1:
        raise ValueError(text)
    return value


def seconds(text):
    value = float(text)
    if not 0 < value < float("inf"):
        raise ValueError(text)
    return value


def count(text):
    value = int(text, 10)
    if value < 0:
        raise ValueError(text)
    return value


def probability(text):
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise ValueError(text)
    return value


def pair(text):
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ValueError(text)
    return key, value


id_.__name__ = "id"
int_.__name__ = "int"
number.__name__ = "number"
name.__name__ = "id"
pair.__name__ = "key=value"
positive.__name__ = "positive integer"
seconds.__name__ = "number of seconds"
count.__name__ = "non-negative integer"

# The value kinds of halo_lib.options, each with its converter.
CONVERTERS = {"str": str, "int": int_, "ints": ints, "date": date, "number": number,
              "uuid": uuid, "id": id_, "name": name, "positive": positive, "seconds": seconds,
              "count": count, "probability": probability, "pair": pair, "upper": str.upper}


