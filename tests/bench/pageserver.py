"""A fast local server of small ticket pages, for the per-page cost of a list.

    python tests/bench/pageserver.py --records 100000

prints the export lines that point halo at it (as `halo sandbox` does), then serves until
killed. Each record is small ({"id": N, "summary": "x"}), and each page's bytes are made
once and then sent as they are, over keep-alive HTTP/1.1 on a bare socket, so the server
costs far less per page than either client it is measured with: what is left is the
client's own cost per page. Not collected by pytest.
"""
import argparse
import json
import socket
import sys
import threading
from urllib.parse import parse_qs, urlsplit

TOKEN = "bench-token"


def answer(body, status="200 OK"):
    return (f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


class Pages:
    """The page bytes for each (page_size, page_no) asked for, made on first demand."""

    def __init__(self, records):
        self.records = records
        self.made = {}

    def page(self, size, number):
        key = (size, number)
        if key not in self.made:
            start = (number - 1) * size
            ids = range(start + 1, min(start + size, self.records) + 1)
            doc = {"record_count": self.records,
                   "tickets": [{"id": n, "summary": "x"} for n in ids]}
            self.made[key] = answer(json.dumps(doc, separators=(",", ":")).encode())
        return self.made[key]

    def route(self, method, target):
        parts = urlsplit(target)
        if parts.path.startswith("/auth/token"):
            return answer(json.dumps({"access_token": TOKEN, "token_type": "Bearer",
                                      "expires_in": 3600}).encode())
        if parts.path.lower() != "/api/tickets":
            return answer(b'{"message":"not here"}', "404 Not Found")
        query = parse_qs(parts.query)
        size = int(query.get("page_size", ["100"])[0])
        return self.page(size, int(query.get("page_no", ["1"])[0]))


def serve(connection, pages):
    """One keep-alive connection: read a request head (and any body), send the answer."""
    buffer = b""
    with connection:
        while True:
            while b"\r\n\r\n" not in buffer:
                data = connection.recv(65536)
                if not data:
                    return
                buffer += data
            head, buffer = buffer.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            while len(buffer) < length:
                buffer += connection.recv(65536)
            buffer = buffer[length:]
            connection.sendall(pages.route(method, target))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100000)
    opts = parser.parse_args()
    pages = Pages(opts.records)
    for number in range(1, -(-opts.records // 100) + 1):
        pages.page(100, number)            # made before the first client arrives
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    sys.stdout.write(f"export HALO_URL={url}\nexport HALO_CLIENT_ID=bench\n"
                     f"export HALO_CLIENT_SECRET=bench-secret\nexport HALO_RATE=off\n")
    sys.stdout.flush()
    while True:
        connection, _ = listener.accept()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=serve, args=(connection, pages), daemon=True).start()


if __name__ == "__main__":
    main()
