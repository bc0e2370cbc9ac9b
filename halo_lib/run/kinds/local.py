"""Kinds that send no API request of their own: configure, sandbox, api."""
from halo_lib.options import API_PATHS, Option, switch
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
                   "accept only deliveries with this basic authentication", metavar="USER:PASS"),
            Option(("--count",), "count", "exit after N deliveries", value="positive",
                   metavar="N")]

    example_rank = 9
    example_lines = (
        ("Print each delivery Halo sends to port 8080 as one NDJSON line:",
         "halo {name} {verb} --port 8080 --basic-auth halo:S3cret"),
        ("Print the event name of each delivery as it arrives:",
         "halo {name} {verb} --port 8080 | jq --unbuffered -r '.body.event'"))
    description = (
        "Each delivery it accepts is one NDJSON line on standard output, written and flushed "
        "before the sender gets 200: {\"received_at\": ..., \"path\": ..., \"body\": ...} "
        "with the delivery's JSON as body, \"text\" instead of body when it is not JSON, or "
        "\"base64\" (the exact bytes) when it is not UTF-8 text either. "
        "With --basic-auth a missing or wrong credential is answered 401 and prints nothing. "
        "It runs until SIGINT or SIGTERM (exit 130 or 143), or until --count deliveries "
        "(exit 0); a closed standard output ends it quietly (exit 0).")

    def plan(self, inv, env):
        from halo_lib.run.plans import Local

        def listen(env):
            from halo_lib.run.listen import listen
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
