"""-o table: aligned columns sized to the terminal, streamed page by page.

The column widths are fixed from the first page and never change, so the first rows
print at once and memory holds one page, whatever the length of the list. On a terminal
a cell longer than its column is cut with an ellipsis (never wrapped), except a number:
an id that outgrows page 1's column pushes the row instead, since a cut id is a wrong
one. Without a terminal width nothing is cut. Control characters are escaped so a value
cannot move the cursor, clear the screen or break a row.
"""
import re
import unicodedata

from halo_lib.io.fields import pick, text_of

GAP = "  "
ELLIPSIS = "…"
MIN_WIDTH = 4          # a column is never squeezed below this (or its header, if shorter)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}
# Line and paragraph separators and the bidirectional overrides: invisible, but they
# reorder or break what a terminal shows.
_INVISIBLE = set("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def escape(text):
    """Control characters as backslash escapes (\\n, \\t, \\x1b, \\u2028)."""
    if text.isprintable() and "\\" not in text:
        return text
    out = []
    for char in text:
        if char in _NAMED:
            out.append(_NAMED[char])
        elif char in _INVISIBLE or unicodedata.category(char) == "Cc":
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def width(text):
    """Terminal cells the text takes: East Asian wide characters two, combining marks none."""
    if text.isascii():
        return len(text)
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return total


def cut(text, size):
    """text in at most size cells, its end replaced by an ellipsis when it is longer."""
    if width(text) <= size:
        return text
    if size <= 0:
        return ""
    kept, used = [], 0
    for char in text:
        step = 0 if unicodedata.combining(char) else width(char)
        if used + step > size - 1:
            break
        kept.append(char)
        used += step
    return "".join(kept) + ELLIPSIS


def pad(text, size):
    return text + " " * (size - width(text))


def fit(natural, minimum, total):
    """Column widths within total cells (gaps included): one cap for every column, as
    high as fits, so the widest columns give up space first and narrow ones keep theirs."""
    if total is None:
        return list(natural)
    room = total - len(GAP) * (len(natural) - 1)

    def capped(cap):
        return [min(n, max(cap, m)) for n, m in zip(natural, minimum)]
    low, high = 0, max(natural, default=0)
    while low < high:                 # the highest cap whose widths fit the room
        cap = (low + high + 1) // 2
        if sum(capped(cap)) <= room:
            low = cap
        else:
            high = cap - 1
    widths = capped(low)
    spare = room - sum(widths)        # cells the rounding left: to the cut columns, in order
    for i, n in enumerate(natural):
        if spare <= 0:
            break
        extra = min(spare, n - widths[i])
        widths[i] += extra
        spare -= extra
    return widths


class Table:
    """Rows of the given columns ((header, path), ...), sized on the first page."""

    def __init__(self, columns, terminal_width):
        self.columns = columns
        self.terminal_width = terminal_width
        self.widths = None

    def page(self, records):
        rows = [[escape(text_of(pick(r, path))) for _, path in self.columns] for r in records]
        lines = []
        if self.widths is None:
            headers = [escape(name.upper()) for name, _ in self.columns]
            natural = [max([width(h)] + [width(row[i]) for row in rows])
                       for i, h in enumerate(headers)]
            minimum = [min(n, max(MIN_WIDTH, width(h))) for n, h in zip(natural, headers)]
            self.widths = fit(natural, minimum, self.terminal_width)
            lines.append(self._line(headers))
        lines.extend(self._line(row) for row in rows)
        return "".join(lines).encode("utf-8", "backslashreplace")

    def _line(self, cells):
        widths = self.widths
        last = len(cells) - 1
        cells = [self._fitted(cell, widths[i]) for i, cell in enumerate(cells)]
        parts = [cell if i == last else pad(cell, widths[i]) for i, cell in enumerate(cells)]
        line = GAP.join(parts).rstrip(" ")
        if self.terminal_width and width(line) > self.terminal_width:
            line = cut(line, self.terminal_width)   # more columns than fit: never wrap
        return line + "\n"

    def _fitted(self, cell, size):
        if self.terminal_width is None or _NUMBER.fullmatch(cell):
            return cell
        return cut(cell, size)
