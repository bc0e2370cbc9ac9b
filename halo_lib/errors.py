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
    (TEMPORARY, "temporary failure that outlasted the retries (429, 5xx, timeout, network)"),
    (OUTPUT, "output could not be written (stdout full, failing or closed, or closed by its "
             "reader during a bulk write)"),
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


class Exit(Exception):
    """A normal early end (help printed, version printed) with a status."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def redacted(exc, *secrets):
    """The error, with any secret cut out, should a server have echoed one back."""
    text = str(exc)
    for secret in secrets:
        # A secret of a few letters is no real credential, and cutting it out of every
        # word ("Connection refu<redacted>ed") would garble the message.
        if secret and len(secret) >= 6 and secret in text:
            text = text.replace(secret, "<redacted>")
    exc.args = (text,)
    return exc
