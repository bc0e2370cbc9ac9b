"""Date flags: an ISO 8601 date or date-time, or a time back from now (`90m`, `24h`, `7d`, `2w`).

The parser checks the text and keeps a When; the run stage turns it into the text Halo is
sent once it knows "now" from the injected clock, so a test can pin the exact value:

    2026-11-30               sent as given (Halo reads a date as the start of that day);
                             for an instant (--updated-since): 2026-11-30T00:00:00Z
    2026-11-30T08:00:00+02:00, 2026-11-30 06:00 (no zone: UTC)
                             sent as an ISO 8601 UTC date-time, 2026-11-30T06:00:00Z
    7d                       now less 7 days, as an ISO 8601 UTC date-time
"""
import re
from datetime import datetime, timedelta, timezone

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
                       r"(Z|[+-]\d{2}:?\d{2})?", re.IGNORECASE)
_RELATIVE = re.compile(r"(\d{1,6})([mhdw])")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class When:
    """A checked date flag value; `wire(now)` is what goes on the wire."""

    __slots__ = ("text", "_fixed", "_back", "instant")

    def __init__(self, text, instant=False):
        self.text = text
        self.instant = instant   # a plain date is sent as its midnight UTC
        self._fixed = None   # a UTC datetime, or the date text as given
        self._back = None    # a timedelta back from now
        relative = _RELATIVE.fullmatch(text)
        if relative:
            self._back = timedelta(**{UNITS[relative.group(2)]: int(relative.group(1))})
        elif _DATE.fullmatch(text):
            datetime.strptime(text, "%Y-%m-%d")   # ValueError on 2026-02-30
            self._fixed = text
        else:
            self._fixed = _parse_datetime(text)

    @property
    def relative(self):
        return self._back is not None

    def wire(self, now):
        """The text Halo is sent; `now` is an aware datetime (the injected clock)."""
        if self._back is not None:
            return utc_text((now - self._back).replace(microsecond=0))
        if isinstance(self._fixed, str):
            return self._fixed + "T00:00:00Z" if self.instant else self._fixed
        return utc_text(self._fixed)

    def __repr__(self):
        return f"When({self.text!r})"


def _parse_datetime(text):
    match = _DATETIME.fullmatch(text)
    if not match:
        raise ValueError(text)
    day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    value = datetime.strptime(f"{day} {hour}:{minute}:{second or '00'}", "%Y-%m-%d %H:%M:%S")
    value = value.replace(microsecond=micro)
    if zone and zone.upper() != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if offset >= timedelta(hours=24):
            raise ValueError(text)
        return value.replace(tzinfo=timezone(sign * offset)).astimezone(timezone.utc)
    return value.replace(tzinfo=timezone.utc)


def utc_text(value):
    """An aware datetime as ISO 8601 UTC: 2026-11-30T06:00:00Z (microseconds when set)."""
    value = value.astimezone(timezone.utc)
    spec = "microseconds" if value.microsecond else "seconds"
    return value.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def parse_utc(text):
    """An ISO 8601 UTC date-time written by utc_text -> aware datetime; ValueError else."""
    value = _parse_datetime(text)
    if not isinstance(value, datetime):
        raise ValueError(text)
    return value


def wire_value(value, now):
    """A parsed flag value as sent: When -> text, anything else unchanged."""
    return value.wire(now()) if isinstance(value, When) else value
