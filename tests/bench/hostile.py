"""Peak memory of `halo` against hostile answers (default --max-answer, 64 MiB).

    python tests/bench/hostile.py

Each case runs halo as its own process against a local socket server and reports the
child's peak RSS: a 2 GiB gzip bomb, a 3 GiB plain body without a length, an 8 GiB
Content-Length. The target: under about 100 MB whatever the server sends.
"""
import os
import socket
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOKEN = b'{"access_token": "tok", "expires_in": 3600}'


def bomb():
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    for _ in range(2048):
        yield squeeze.compress(block)
    yield squeeze.flush()


def plain():
    block = b" " * (1 << 20)
    for _ in range(3072):
        yield block


CASES = {
    "gzip bomb (2 GiB inflated)": (["Content-Encoding: gzip", "Connection: close"], bomb),
    "plain 3 GiB, no length": (["Connection: close"], plain),
    "Content-Length 8 GiB": (["Content-Length: 8589934592"], lambda: iter([b"[" * 1000])),
}


def serve(sock, headers, body):
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        threading.Thread(target=answer, args=(conn, headers, body), daemon=True).start()


def answer(conn, headers, body):
    with conn:
        request = conn.recv(65536).decode("latin-1")
        if "/auth/token" in request:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(TOKEN) + TOKEN)
            return
        if "/api/authinfo" in request:
            conn.sendall(b"HTTP/1.1 404 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        head = ["HTTP/1.1 200 OK", "Content-Type: application/json", *headers]
        try:
            conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
            for chunk in body():
                conn.sendall(chunk)
        except OSError:
            pass


def run_case(name, headers, body):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    threading.Thread(target=serve, args=(sock, headers, body), daemon=True).start()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    env = {**os.environ, "HALO_URL": url, "HALO_CLIENT_ID": "c", "HALO_CLIENT_SECRET": "s",
           "XDG_CACHE_HOME": "/nonexistent-cache"}
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(ROOT / "halo.py"), "--retries", "0",
                             "tickets", "get", "1"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.monotonic() - started
    sock.close()
    return proc.returncode, elapsed, err.decode().strip(), usage.ru_maxrss


def main():
    for name, (headers, body) in CASES.items():
        status, elapsed, err, peak = run_case(name, headers, body)
        print(f"{name:30} exit {status}  {elapsed:5.2f} s  peak RSS {peak / 1024:6.1f} MB"
              f"\n    {err}")


if __name__ == "__main__":
    main()
