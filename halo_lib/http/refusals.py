"""The server's own words for a refusal, on one line: a JSON message, or an HTML page's
title or text, escaped for the terminal and clipped."""
import re

from halo_lib.errors import printable


def describe(response, limit=300):
    """The server's own words for a refusal, on one line: JSON message, or HTML title/text."""
    data = response.data or b""
    text = data[:20000].decode("utf-8", "replace").strip()
    if not text:
        return ""
    if text[:1] in "{[":
        try:
            import orjson
            doc = orjson.loads(data)
        except ValueError:
            doc = None
        found = _message_in(doc)
        if found:
            return _clip(found, limit)
    if "<" in text and ">" in text:
        text = _html_text(text)
    return _clip(text, limit)


def _message_in(doc):
    if isinstance(doc, str):
        return doc
    if isinstance(doc, list) and doc:
        return _message_in(doc[0])
    if isinstance(doc, dict):
        for key in ("error_description", "message", "Message", "error", "title", "detail"):
            value = doc.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, (dict, list)):
                inner = _message_in(value)
                if inner:
                    return inner
    return None


def _html_text(text):
    import html
    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
    if title and title.group(1).strip():
        return html.unescape(title.group(1))
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", text, flags=re.I | re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _clip(text, limit):
    text = printable(" ".join(text.split()))
    return text if len(text) <= limit else text[:limit - 1] + "…"
