"""`halo webhooks listen` (endpoint.py), and the limits it serves within.

The limits live here, apart from the code, so the command's help and man page can name
them without importing the server (`halo --help` stays light)."""

MAX_CONNECTIONS = 128     # served at once; more wait in the listen queue
BACKLOG = 256             # connections the kernel queues before they are served
DEADLINE = 10             # seconds a client has for its whole request, headers and body
MAX_BODY = 16 * 1024 * 1024   # a larger delivery is refused with 413
MAX_HELD = 64 * 1024 * 1024    # bodies held at once over all connections (else 503)
MAX_LINE = 8 * 1024       # request line, one header line, one chunk-size line (else 431)
MAX_HEADERS = 100         # header lines (and trailer lines) of one request (else 431)
MAX_DEPTH = 200           # a body nested deeper is kept as "text": jq 1.6 and orjson stop at 256
