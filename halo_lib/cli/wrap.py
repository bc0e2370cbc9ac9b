"""textwrap.wrap's line breaking, without textwrap (which compiles a regular expression
when it is imported, and so imports `re` and `enum`).

The quick help (halo_lib.cli.helptext) must break a help line where argparse would, so
this follows TextWrapper with its default settings step by step: the text is cut into
chunks (runs of whitespace; words, a hyphenated word cut after each hyphen between
letters; runs of dashes between words), and the chunks are laid greedily into lines.
tests/test_startup.py holds it to textwrap on every help text and on awkward strings.
"""

_WHITESPACE = "\t\n\x0b\x0c\r "   # textwrap's whitespace: ASCII only
_WORD_PUNCTUATION = "!\"'&.,?"


def wrap(text, width):
    """textwrap.wrap(text, width) for text with no tabs (argparse's help lines)."""
    chunks = split_chunks(text.translate(_SPACES))
    chunks.reverse()
    lines = []
    while chunks:
        line, size = [], 0
        if chunks[-1].strip() == "" and lines:
            chunks.pop()                      # no line starts with the space it broke at
        while chunks and size + len(chunks[-1]) <= width:
            size += len(chunks[-1])
            line.append(chunks.pop())
        if chunks and len(chunks[-1]) > width:
            _break_long_word(chunks, line, width - size if width >= 1 else 1)
        if line and line[-1].strip() == "":
            line.pop()
        if line:
            lines.append("".join(line))
    return lines


_SPACES = {ord(c): " " for c in _WHITESPACE}


def _break_long_word(chunks, line, space_left):
    """A word longer than a line: as much as fits, cut after a hyphen where there is one."""
    chunk = chunks[-1]
    end = space_left
    if len(chunk) > space_left:
        hyphen = chunk.rfind("-", 0, space_left)
        if hyphen > 0 and any(c != "-" for c in chunk[:hyphen]):
            end = hyphen + 1
    line.append(chunk[:end])
    chunks[-1] = chunk[end:]


def split_chunks(text):
    """The chunks textwrap's wordsep_re (break_on_hyphens) cuts text into, in order."""
    chunks, start, size = [], 0, len(text)
    while start < size:
        if text[start] in _WHITESPACE:
            end = start
            while end < size and text[end] in _WHITESPACE:
                end += 1
        elif start > 0 and _is_word_punctuation(text[start - 1]) \
                and _dashes_then_word(text, start):
            end = start
            while text[end] == "-":
                end += 1
        else:
            end = _word_end(text, start)
        chunks.append(text[start:end])
        start = end
    return chunks


def _word_end(text, start):
    """Where the word starting at start ends: the shortest stretch of non-space that is
    followed by a hyphen to cut after, by a space or the end, or by an em-dash."""
    size = len(text)
    end = start + 1
    while True:
        if end < size and text[end] == "-" and _hyphen_cuts(text, end):
            return end + 1
        if end == size or text[end] in _WHITESPACE:
            return end
        if _is_word_punctuation(text[end - 1]) and _dashes_then_word(text, end):
            return end
        end += 1


def _hyphen_cuts(text, at):
    """A hyphen between letters: two letters (or letter-hyphen-letter) before it, and a
    letter, an optional hyphen and a letter after it."""
    def letter(i):
        return 0 <= i < len(text) and _is_letter(text[i])
    behind = (letter(at - 2) and letter(at - 1)) or \
        (letter(at - 3) and text[at - 2] == "-" and letter(at - 1))
    after = at + 1
    ahead = letter(after) and (letter(after + 1) or (after + 1 < len(text)
                                                     and text[after + 1] == "-"
                                                     and letter(after + 2)))
    return behind and ahead


def _dashes_then_word(text, at):
    """Two or more dashes from at, then a word character (an em-dash written --)."""
    end = at
    while end < len(text) and text[end] == "-":
        end += 1
    return end - at >= 2 and end < len(text) and _is_word(text[end])


def _is_word(char):      # the regular expression \w
    return char.isalnum() or char == "_"


def _is_letter(char):    # [^\d\W]: a word character that is not a digit
    return _is_word(char) and not char.isdecimal()


def _is_word_punctuation(char):
    return _is_word(char) or char in _WORD_PUNCTUATION
