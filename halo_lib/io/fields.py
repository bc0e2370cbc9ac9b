"""--fields: dotted paths into records (`client.name`, `customfields.0.value`), and the
text of one value in a cell.

A path is split at dots (`a[0]` is the same as `a.0`). On an object a part names a key;
on a list a number picks an element (negative from the end) and a name is taken from
every element, giving a list. A missing step gives None.
"""
import re

from halo_lib import jsontext
from halo_lib.errors import UsageError

_INDEX = re.compile(r"\[(-?\d+)\]")


def parse_fields(text):
    """`a,b,c.d` -> (("a", ("a",)), ...): each field's name as given and its path."""
    if text is None:
        return None
    fields = []
    for name in (part.strip() for part in text.split(",")):
        path = tuple(_INDEX.sub(r".\1", name).split("."))
        if not name or any(not part for part in path):
            raise UsageError(f"invalid --fields {text!r}: give names separated by commas, "
                             "with dots into nested fields (e.g. id,summary,client.name)")
        fields.append((name, path))
    return tuple(fields)


def pick(value, path):
    for part in path:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list):
            if _is_int(part):
                index = int(part)
                value = value[index] if -len(value) <= index < len(value) else None
            else:
                value = [item.get(part) if isinstance(item, dict) else None for item in value]
        else:
            return None
        if value is None:
            return None
    return value


def _is_int(text):
    return text.lstrip("-").isdigit()


def project(record, fields):
    """The record with only these fields, in this order (--fields with NDJSON or JSON)."""
    return {name: pick(record, path) for name, path in fields}


class NullFields:
    """Which --fields paths were null in every record written, for a warning at the end,
    so that a misspelt name (`Summary`) or a field the records do not carry does not
    silently write an empty column."""

    def __init__(self, fields):
        self.unseen = list(fields or ())
        self.records = 0

    def see(self, values):
        if not self.unseen:
            return
        for value in values:
            if isinstance(value, dict):
                self.records += 1
                self.unseen = [f for f in self.unseen if pick(value, f[1]) is None]

    def warning(self):
        if not (self.records and self.unseen):
            return None
        names = ", ".join(repr(name) for name, _ in self.unseen)
        verb = "was" if len(self.unseen) == 1 else "were"
        return (f"halo: warning: --fields {names} {verb} null in all {self.records} "
                "record(s) (names are case-sensitive: see a whole record with --limit 1)")


def columns_of(record):
    """Columns when none are declared: the keys of an object, or one column for a value."""
    if isinstance(record, dict):
        return tuple((key, (key,)) for key in record)
    return (("value", ()),)


def text_of(value):
    """A value as cell text: strings as they are, nested values as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return jsontext.dumps(value).decode("utf-8", "backslashreplace")
