"""The credential a delivery must carry, and where the listener's copy of it comes from.

Halo's webhooks can send Basic credentials, a Bearer token or an API key in a header of
your choosing; the listener checks one of them (--basic-auth USER, --bearer,
--api-key-header NAME). The secret itself (password, token or key) never comes from the
command line, where every local user sees it in ps: it is read from HALO_WEBHOOK_SECRET,
from --secret @FILE (or --basic-auth @FILE holding USER:PASS), or asked for on a terminal.
Comparisons run in constant time, so timing tells nothing about how much of a guess is right.
"""

import base64
import binascii
import hmac

from halo_lib.errors import UsageError
from halo_lib.options import WEBHOOK_SECRET_ENV as SECRET_ENV

SAFE_WAYS = (f"set {SECRET_ENV}, give --secret @FILE, or run it on a terminal to be asked "
             "(a secret on the command line shows in ps to every local user)")


class Check:
    """One scheme and its expected secret (bytes)."""

    def __init__(self, scheme, secret, user=None, header="authorization"):
        self.scheme, self.secret, self.user, self.header = scheme, secret, user, header

    def allows(self, request):
        values = request.headers.get(self.header, ())
        if len(values) != 1:
            return False
        given = values[0].encode("latin-1")   # the bytes the sender put on the wire
        if self.scheme == "api-key":
            return hmac.compare_digest(given, self.secret)
        scheme, _, value = given.partition(b" ")
        if scheme.lower() != self.scheme.encode():
            return False
        if self.scheme == "bearer":
            return hmac.compare_digest(value.strip(), self.secret)
        try:
            pair = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        return hmac.compare_digest(pair, self.user + b":" + self.secret)

    @property
    def challenge(self):
        """The WWW-Authenticate header of a 401, when the scheme has one."""
        if self.scheme == "api-key":
            return ()
        return (("WWW-Authenticate", f'{self.scheme.title()} realm="halo webhooks listen"'),)


def credential_check(options, streams):
    """The Check the options ask for, or None when the listener takes any delivery."""
    schemes = [flag for flag, given in (("--basic-auth", options.basic_auth),
                                        ("--bearer", options.bearer),
                                        ("--api-key-header", options.api_key_header)) if given]
    if len(schemes) > 1:
        raise UsageError(f"give one of {' and '.join(schemes)}: a listener checks one scheme")
    if not schemes:
        if options.secret is not None:
            raise UsageError("--secret needs --basic-auth USER, --bearer or --api-key-header")
        return None
    if options.basic_auth:
        return _basic(options, streams)
    if options.bearer:
        return Check("bearer", _secret(options, streams, "Bearer token"))
    header = _header_name(options.api_key_header)
    return Check("api-key", _secret(options, streams, f"API key ({options.api_key_header})"),
                 header=header)


def _basic(options, streams):
    given = options.basic_auth
    if given.startswith("@"):
        if options.secret is not None:
            raise UsageError("--basic-auth @FILE holds the password already; drop --secret")
        user, sep, password = _first_line(given, streams).partition(":")
        if not sep or not user or not password:
            raise UsageError(f"{given[1:]} must hold one line USER:PASS, both non-empty")
        return Check("basic", _bytes(password), user=_bytes(user))
    if ":" in given:
        raise UsageError(f"--basic-auth takes the user only, not a password: {SAFE_WAYS}")
    return Check("basic", _secret(options, streams, f"Password for {given}"),
                 user=_bytes(given))


def _secret(options, streams, what):
    """The password, token or key: --secret @FILE, the variable, or a prompt."""
    if options.secret is not None:
        if not options.secret.startswith("@"):
            raise UsageError(f"--secret takes @FILE, never the secret itself: {SAFE_WAYS}")
        text = _first_line(options.secret, streams)
    elif streams.env.get(SECRET_ENV):
        text = streams.env[SECRET_ENV]
    elif streams.stdin_tty:
        text = _ask(streams, what)
    else:
        raise UsageError(f"{what} is needed: {SAFE_WAYS}")
    if not text:
        raise UsageError(f"{what} is empty")
    return _bytes(text)


def _first_line(arg, streams):
    from halo_lib.io.bodies import read_source
    data, path = read_source(arg, streams)
    lines = data.decode("utf-8", "surrogateescape").splitlines()
    return lines[0].strip() if lines else ""


def _ask(streams, what):
    import getpass
    try:
        return getpass.getpass(f"{what} (not shown): ", stream=streams.stderr).strip()
    except EOFError:
        raise UsageError(f"input ended before the {what} was given") from None


def _header_name(name):
    if not all(c.isascii() and (c.isalnum() or c in "-_") for c in name):
        raise UsageError(f"--api-key-header {name[:40]!r} is not a header name")
    return name.lower()


def _bytes(text):
    """A secret as the bytes a sender puts on the wire (any bytes the OS handed over)."""
    return text.encode("utf-8", "surrogateescape")
