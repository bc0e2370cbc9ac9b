"""`halo webhooks listen`: Halo's webhook deliveries as NDJSON lines on stdout.

An HTTP endpoint on --host:--port (127.0.0.1 by default) takes each POST or PUT, whatever
its path, and writes one line (lines.py) before the sender gets 200. It is meant to sit
behind a tunnel or a reverse proxy, open to the internet, so it behaves like a server:
connections are served at once up to a bound, every request has one deadline for all of
it (server.py), bodies are framed strictly (request.py), and the credential it checks
never comes from the command line (auth.py).
Ends: SIGINT or SIGTERM (exit 130 or 143), --count N lines (exit 0), a closed stdout
(exit 0, quietly), a stdout that cannot be written (exit 6, the delivery answered 503).
"""

import ipaddress
import socket

from halo_lib.run.listen import BACKLOG
from halo_lib.run.listen.auth import credential_check
from halo_lib.run.listen.server import Server


def listen(options, streams):
    """options: halo_lib.invocation.ListenOptions."""
    check = credential_check(options, streams)
    host, port = options.host or "127.0.0.1", options.port or 0
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.create_server((host, port), family=family, backlog=BACKLOG)
    except OSError as e:
        streams.err(f"halo: cannot listen on {host}:{port}: {e.strerror or e}")
        return 1
    server = Server(sock, streams, check, options.count, options.deadline)
    url_host = f"[{host}]" if ":" in host else host
    streams.err(f"halo: listening on http://{url_host}:{sock.getsockname()[1]}/ "
                "for webhook deliveries; Ctrl-C to stop")
    if check is None and not _loopback(sock):
        streams.err(f"halo: warning: {host} is reachable from other machines and no "
                    "credential is checked: anyone who reaches it can add lines; use "
                    "--basic-auth, --bearer or --api-key-header")
    try:
        server.serve()
    finally:
        with streams.deferred():   # a second signal waits for the written ones' 200
            server.close()
    if server.failure is not None:
        raise server.failure   # BrokenPipeError ends quietly; OutputError exits 6
    return 0


def _loopback(sock):
    address = sock.getsockname()[0]
    return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
