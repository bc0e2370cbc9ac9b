"""Kinds that send no API request of their own: configure, sandbox, webhooks listen and
api."""
from halo_lib.options import API_PATHS, AT_BODY, WEBHOOK_SECRET_ENV as SECRET_ENV, Option, switch
from halo_lib.run import listen as limits
from halo_lib.run.kinds.base import Kind


class Configure(Kind):
    name = "configure"

    def positionals(self, resource, verb):
        return []

    def options(self, resource, verb):
        return [switch(("--test",), "test",
                       "fetch a token with the saved settings and report the result")]

    def plan(self, inv, env):
        from halo_lib.run.configure import configure, test
        from halo_lib.run.plans import Local
        if inv.local.test:
            return Local(lambda env: test(env), "fetch a token with the saved settings")
        return Local(lambda env: configure(inv.connection, env.streams,
                                             inv.presentation.format),
                     "write a profile to the config file")


class Api(Kind):
    """api list [WORD...] | api show PATH [METHOD]: the catalogue of Halo's API."""

    name = "api"

    def positionals(self, resource, verb):
        return [Option((), "action", "list the operations, or show those on one PATH",
                       metavar="ACTION", choices=("list", "show")),
                Option((), "words", "list: words each found in the path or a parameter's "
                                    "name (any case); show: PATH, then METHOD",
                       metavar="WORD", nargs="*", complete=API_PATHS)]

    def options(self, resource, verb):
        return []

    def plan(self, inv, env):
        from halo_lib.run.browse import Browse
        return Browse(inv.local.action, inv.local.words)


class _Serving(Kind):
    """A kind that serves HTTP on a local port until it is stopped."""

    port_help = None

    def positionals(self, resource, verb):
        return []

    def options(self, resource, verb):
        return [Option(("--port",), "port", self.port_help, value="port", metavar="N",
                       default=0)] + self.serving_options()

    def serving_options(self):
        return []


class Sandbox(_Serving):
    name = "sandbox"
    port_help = "port on 127.0.0.1 (default: a free one)"

    def serving_options(self):
        return [
            Option(("--records",), "records", "number of tickets (default 1000)",
                   value="positive", metavar="N", default=1000),
            Option(("--seed",), "seed", "seed of the generated data (default 1)",
                   value="int", metavar="N", default=1),
            Option(("--latency",), "latency", "delay every API answer by MS milliseconds",
                   value="int", metavar="MS", default=0),
            Option(("--fail-rate",), "fail_rate",
                   "answer a fraction P of API requests with 429 or 503",
                   value="probability", metavar="P", default=0.0),
            Option(("--rate-limit",), "rate_limit",
                   "answer 429 beyond N requests in any rolling PERIOD, e.g. 30/3s",
                   value="rate", metavar="N/PERIOD")]

    def plan(self, inv, env):
        from halo_lib.run.plans import Local

        def serve(env):
            from halo_lib.sandbox.server import serve
            return serve(inv.local, _TextOut(env.streams), env.streams.stderr)
        return Local(serve, "serve a local Halo-compatible API")


class Listen(_Serving):
    """webhooks listen: an HTTP endpoint for Halo's deliveries, each one NDJSON line."""

    name = "listen"
    port_help = "port to listen on (default: a free one, named on stderr)"

    def serving_options(self):
        return [
            Option(("--host",), "host", "address to listen on (default 127.0.0.1)",
                   metavar="HOST", default="127.0.0.1"),
            Option(("--basic-auth",), "basic_auth",
                   "accept only deliveries with basic authentication as USER (the password: "
                   "see --secret), or as the USER:PASS line in FILE", metavar="USER|@FILE",
                   complete=AT_BODY),
            switch(("--bearer",), "bearer",
                   "accept only deliveries with this bearer token (see --secret)"),
            Option(("--api-key-header",), "api_key_header",
                   "accept only deliveries with this API key in header NAME (see --secret)",
                   metavar="NAME"),
            Option(("--secret",), "secret",
                   "read the password, token or key from the first line of FILE; without "
                   f"it, from {SECRET_ENV}, else asked on a terminal (never inline)",
                   metavar="@FILE", complete=AT_BODY),
            Option(("--count",), "count", "exit after N deliveries", value="positive",
                   metavar="N"),
            Option(("--deadline",), "deadline",
                   "time a client has for its whole request, headers and body "
                   f"(default {limits.DEADLINE})",
                   value="seconds", metavar="SECONDS", default=limits.DEADLINE)]

    example_rank = 9
    example_lines = (
        ("Print each delivery Halo sends to port 8080 as one NDJSON line, checking its "
         "basic authentication (the password from the environment):",
         f"{SECRET_ENV}=S3cret halo {{name}} {{verb}} --port 8080 --basic-auth halo"),
        ("Print the event name of each delivery as it arrives:",
         "halo {name} {verb} --port 8080 | jq --unbuffered -r '.body.event'"))
    description = (
        "Each delivery it accepts is one NDJSON line on standard output, written and flushed "
        "before the sender gets 200: {\"received_at\": ..., \"path\": ..., \"body\": ...} "
        "with the delivery's JSON as body, \"text\" instead of body when it is not JSON a "
        f"reader can parse (or is nested over {limits.MAX_DEPTH} levels deep), or "
        "\"base64\" (the exact bytes) when it is not UTF-8 text either. "
        "It runs until SIGINT or SIGTERM (exit 130 or 143), or until --count deliveries "
        "(exit 0); a closed standard output ends it quietly (exit 0), one that cannot be "
        "written answers that delivery 503 and exits 6.",
        "With --basic-auth, --bearer or --api-key-header a missing or wrong credential is "
        "answered 401 and prints nothing (compared in constant time); the password, token "
        f"or key comes from --secret @FILE, {SECRET_ENV} or a prompt on a terminal, never "
        "from the command line, where ps shows it to every local user: --basic-auth "
        "USER:PASS and --secret VALUE are refused (exit 2). Bound to an address other than "
        "loopback with no credential, it starts with a warning on standard error.",
        f"It is a server you can expose: at most {limits.MAX_CONNECTIONS} connections are "
        f"served at once, and more wait in a queue of {limits.BACKLOG}; each connection "
        "carries one request, which must arrive whole, headers and body, within --deadline "
        "(else 408). The credential is checked as soon as the headers are in. A body needs "
        "a Content-Length or chunked encoding (else 411), up to "
        f"{limits.MAX_BODY // 1024 // 1024} MiB either way (else 413), and the bodies of "
        f"all connections together up to {limits.MAX_HELD // 1024 // 1024} MiB at once "
        "(else 503 with Retry-After); a malformed request, "
        "a negative or non-numeric Content-Length or a body shorter than it says is 400; "
        f"a header line over {limits.MAX_LINE // 1024} KiB or more than "
        f"{limits.MAX_HEADERS} header lines is 431; a transfer coding other than chunked "
        "is 501; a method other than POST or PUT is 405; HTTP other than 1.0 and 1.1 is "
        "505. Lines never interleave. On SIGINT "
        "or SIGTERM a delivery already written still gets its 200; one not yet written gets "
        "no answer, so the sender tries it again.")

    def plan(self, inv, env):
        from halo_lib.run.plans import Local

        def listen(env):
            from halo_lib.run.listen.endpoint import listen
            return listen(inv.local, env.streams)
        return Local(listen, "serve an HTTP endpoint for webhook deliveries")


class _TextOut:
    """A text view of the binary stdout, for the sandbox's export lines."""

    def __init__(self, streams):
        self.streams = streams

    def write(self, text):
        self.streams.stdout.write(text.encode())

    def flush(self):
        self.streams.stdout.flush()
