"""roff for man(7) pages: escaping, bold and italic words, and a Page written line by line."""
import re

from halo_lib import __version__
from halo_lib.docs.model import GENERATED

# The date in each page's .TH line. A constant, so that regenerating never changes a page;
# move it forward when a release changes the manual.
MANUAL_DATE = "2026-11-29"
MANUAL = "Halo Manual"


def roff(text):
    """Prose for a roff text line: backslashes escaped, and the hyphens of flag-like words
    (--client-id, '-') made minus signs, never hyphenated, so that they can be copied from
    the terminal."""
    text = text.replace("\\", "\\e")
    return re.sub(r"(?<![\w-])-[\w-]*",
                  lambda m: "\\%" + m.group(0).replace("-", "\\-"), text)


def code(text):
    """A literal word (flag, command, path): every hyphen and quote kept as typed."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return text.replace("'", "\\(aq").replace("`", "\\(ga").replace("^", "\\(ha") \
               .replace("~", "\\(ti")


def bold(text):
    """A literal word in bold; \\% keeps groff from hyphenating it."""
    return f"\\fB\\%{code(text)}\\fR"


def italic(text):
    return f"\\fI\\%{code(text)}\\fR"


def sentence(text):
    return text[:1].upper() + text[1:] if text else text


class Page:
    """A man(7) page being written line by line, free of mandoc lint warnings."""

    def __init__(self, name, summary):
        self.lines = [f'.\\" {GENERATED}',
                      f'.TH {name.upper()} 1 {MANUAL_DATE} "halo {__version__}" "{MANUAL}"']
        self.fresh = False   # right after .SH/.SS, where .PP would be redundant
        self.section("NAME")
        self.text(f"{code(name)} \\- {roff(summary)}")

    def section(self, title):
        self.lines.append(f'.SH "{title}"' if " " in title else f".SH {title}")
        self.fresh = True

    def subsection(self, title):
        self.lines.append(f'.SS "{title}"' if " " in title else f".SS {title}")
        self.fresh = True

    def text(self, *lines):
        for line in lines:
            self.lines.append("\\&" + line if line[:1] in (".", "'") else line)
        self.fresh = False

    def paragraph(self, *lines):
        if not self.fresh:
            self.lines.append(".PP")
        self.text(*lines)

    def macro(self, *requests):
        """Raw roff requests (.br, .BR name (1), ...), written as given."""
        self.lines.extend(requests)
        self.fresh = False

    def item(self, tag, *body):
        self.lines.append(".TP")
        self.text(tag, *body)

    def literal(self, *lines):
        """Lines shown as typed (examples, synopsis, file contents)."""
        if not self.fresh:
            self.lines.append(".PP")
        self.lines += [".RS 4", ".EX"]
        self.lines.extend("\\&" + code(line) if line else "" for line in lines)
        self.lines += [".EE", ".RE"]
        self.fresh = False

    def see_also(self, *pages):
        refs = [f".BR {code(name)} ({section})" for name, section in pages]
        self.lines.extend(ref + " ," for ref in refs[:-1])
        self.lines.append(refs[-1])
        self.fresh = False

    def render(self):
        return "\n".join(self.lines) + "\n"
