"""-o csv and -o tsv: one header row, then one row per record, page by page.

CSV is RFC 4180 (comma, CRLF line ends, fields with a comma, quote or line break quoted,
quotes doubled), UTF-8. TSV has no quoting: a tab, newline, carriage return or backslash
in a value is written as \\t, \\n, \\r or \\\\. Nested values are compact JSON; numbers and
dates are written as Halo sent them.

CSV saved to a new file (`> report.csv`) starts with a UTF-8 byte-order mark: without it
Excel opens the file as the local code page and garbles every accented name. A pipe, a
terminal or a file appended to never gets one, so `cut`, `head` and concatenation work.
"""
import csv
import io

from halo_lib.io.fields import pick, text_of

BOM = "\ufeff".encode()
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class Delimited:
    def __init__(self, columns, tab=False, bom=False, terminal=False):
        self.columns = columns
        self.tab = tab
        # On a terminal, control characters are shown escaped as -o table shows them
        # (\x1b, \n), so a cell cannot retitle the window or clear the screen; a file
        # or a pipe gets the data as it is.
        self.terminal = terminal
        self.bom = bom and not tab
        self.started = False

    def header(self):
        """The header row, once (also for an empty list, so a spreadsheet gets its columns)."""
        if self.started:
            return b""
        self.started = True
        head = self._rows([[name for name, _ in self.columns]])
        return BOM + head if self.bom else head

    def page(self, records):
        head = self.header()
        return head + self._rows([text_of(pick(r, path)) for _, path in self.columns]
                                 for r in records)

    def _rows(self, rows):
        if self.terminal:
            from halo_lib.io.table import escape
            rows = [[escape(cell) for cell in row] for row in rows]
            if self.tab:   # escape() already wrote tab, newline and backslash as TSV does
                return "".join("\t".join(row) + "\n" for row in rows).encode(
                    "utf-8", "backslashreplace")
        if self.tab:
            return "".join("\t".join(cell.translate(_TSV_ESCAPES) for cell in row) + "\n"
                           for row in rows).encode("utf-8", "backslashreplace")
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(rows)
        # A lone surrogate (valid JSON, not UTF-8) as its \u escape (\ud83d): valid UTF-8 out.
        return buffer.getvalue().encode("utf-8", "backslashreplace")
