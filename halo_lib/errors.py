"""The errors `halo` reports, each tied to its documented exit status.

Every failure the user can cause or meet ends as one of these; the entry point prints
its message as one line on stderr and exits with its code.
"""
OK, API, USAGE, CONFIG, NOT_FOUND, TEMPORARY, OUTPUT, INTERRUPTED = 0, 1, 2, 3, 4, 5, 6, 130

EXIT_STATUS = (
    (OK, "success"),
    (API, "the API refused the request (4xx), or part of a bulk write failed"),
    (USAGE, "usage error or invalid input; nothing was sent"),
    (CONFIG, "authentication or configuration error (missing settings, token refused, 401/403)"),
    (NOT_FOUND, "not found (404)"),
    (TEMPORARY, "temporary failure that outlasted the retries (429, 5xx, timeout, network), "
                "or an answer over the size cap"),
    (OUTPUT, "output could not be written (stdout full, failing or closed; a bulk write's "
             "reader gone; an -O FILE in a missing directory, a directory, a full disk or a "
             "full device)"),
    (INTERRUPTED, "interrupted (SIGINT; SIGTERM exits 143)"),
)


class HaloError(Exception):
    exit_code = API

    def __init__(self, message, exit_code=None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(HaloError):
    exit_code = USAGE


class ConfigError(HaloError):
    exit_code = CONFIG


class ApiError(HaloError):
    """The server answered, and the answer was a refusal."""

    def __init__(self, message, status=None, exit_code=None):
        super().__init__(message, exit_code)
        self.status = status


class NotFound(ApiError):
    exit_code = NOT_FOUND


class AuthError(ApiError):
    exit_code = CONFIG


class OutputError(HaloError):
    """stdout (or an output file) could not be written."""
    exit_code = OUTPUT


class TemporaryError(HaloError):
    """A failure that may pass: retries ran out (429, 5xx, timeout, network)."""
    exit_code = TEMPORARY

    def __init__(self, message, sent=True):
        super().__init__(message)
        self.sent = sent   # whether the server may have seen the request


# A local file (-O FILE, the config) that could not be written: the path and the OS's
# reason, the same exit status as a stdout that cannot be written.
LocalError = OutputError


class Exit(Exception):
    """A normal early end (help printed, version printed) with a status."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def redacted(exc, *secrets):
    """The error, with any secret cut out, should a server have echoed one back.

    The secret is cut in the forms a server may echo it in too: URL-encoded (as in a
    form or a query) and base64 (as in a Basic header).
    """
    text = str(exc)
    for secret in secrets:
        # A secret of a few letters is no real credential, and cutting it out of every
        # word ("Connection refu<redacted>ed") would garble the message.
        if not secret or len(secret) < 6:
            continue
        for form in _forms(secret):
            if form in text:
                text = text.replace(form, "<redacted>")
    exc.args = (text,)
    return exc


def _forms(secret):
    import base64
    import re
    from urllib.parse import quote, quote_plus
    raw = secret.encode("utf-8", "surrogatepass")
    forms = {secret, quote(secret, safe=""), quote_plus(secret), quote(secret)}
    b64 = base64.b64encode(raw).decode()
    forms.update((b64, b64.rstrip("="), base64.urlsafe_b64encode(raw).decode().rstrip("=")))
    # The encoded forms in lower-case hex escapes as well (%2f as well as %2F).
    forms.update({f.replace(m, m.lower()) for f in list(forms) for m in re.findall("%[0-9A-F]{2}", f)})
    return sorted(forms, key=len, reverse=True)


# A pattern's text, compiled by re on first use: importing re costs start-up its time.
_UNSAFE = "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]"


def printable(text):
    """Server text made safe for a terminal: control characters and escape sequences
    shown escaped (ESC as \\x1b), never interpreted."""
    text = str(text)
    if text.isprintable():    # every character of _UNSAFE is one isprintable() refuses
        return text
    import re
    return re.sub(_UNSAFE, _escape, text)


def _escape(match):
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
