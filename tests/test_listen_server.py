"""`halo webhooks listen` as a server you can expose, against the real process with raw
sockets: slow and idle clients, a burst, chunked, truncated and malformed requests, odd
bodies, an output that cannot be written, and SIGTERM in the middle of deliveries.

Every listener here runs with a short --deadline, and clients run in parallel threads,
so the whole file stays within a few seconds of wall time on a loaded machine."""

import json
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from listenprocess import Collector, answer_of, delivery, parsed, stdout_lines

DEADLINE = 3


def test_a_delivery_is_answered_at_once_while_50_idle_and_slow_sockets_are_open(
        listener_factory):
    listener = listener_factory("--deadline", str(DEADLINE))
    idle = [listener.connect() for _ in range(25)]
    slow = [listener.connect() for _ in range(25)]
    opened = time.monotonic()
    for sock in slow:
        sock.sendall(b"POST / HTTP/1.1\r\n")
    stop = threading.Event()

    def trickle():   # a header line every 0.3 s: no single read ever waits long
        while not stop.wait(0.3):
            for sock in slow:
                try:
                    sock.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    pass
    threading.Thread(target=trickle, daemon=True).start()
    time.sleep(0.5)
    started = time.monotonic()
    status, _ = listener.send(delivery(b'{"event": "Ticket Updated"}'))
    took = time.monotonic() - started
    assert status == 200 and took < DEADLINE - 1, took   # not behind the 50 others
    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(answer_of, idle + slow))
    cut = time.monotonic() - opened
    stop.set()
    # The deadline covers the whole request: the trickling ones are cut at it too.
    assert [status for status, _ in answers] == [408] * 50
    assert DEADLINE - 0.5 < cut < DEADLINE + 4, cut
    for sock in idle + slow:
        sock.close()
    assert listener.stop() == 130
    assert [line["body"] for line in stdout_lines(listener)] == [{"event": "Ticket Updated"}]


def test_200_concurrent_deliveries_all_get_200_and_200_whole_lines(listener_factory):
    listener = listener_factory("--deadline", "20", "--count", "200")
    output = Collector(listener)
    start = threading.Barrier(200)
    filler = "x" * 20000   # lines far over PIPE_BUF: interleaved writes would show

    def one(n):
        data = delivery(json.dumps({"n": n, "filler": filler}).encode(), f"/burst/{n}")
        with socket.socket() as sock:
            sock.settimeout(30)
            start.wait()
            sock.connect(("127.0.0.1", listener.port))
            sock.sendall(data)
            return answer_of(sock)[0]
    with ThreadPoolExecutor(200) as pool:
        statuses = list(pool.map(one, range(200)))
    assert statuses == [200] * 200
    assert listener.process.wait(timeout=30) == 0
    lines = output.lines()   # each one parses on its own: none interleaved
    assert sorted(line["body"]["n"] for line in lines) == list(range(200))
    assert all(line["body"]["filler"] == filler for line in lines)
    assert all(line["path"] == f"/burst/{line['body']['n']}" for line in lines)


CHUNKED = b"POST /chunked HTTP/1.1\r\nHost: l\r\nTransfer-Encoding: chunked\r\n\r\n"


def chunked(*chunks, trailer=b""):
    return CHUNKED + b"".join(chunks) + b"0\r\n" + trailer + b"\r\n"


def test_chunked_bodies_are_decoded_and_capped(listener_factory):
    listener = listener_factory("--deadline", str(DEADLINE))
    sent = [
        (chunked(b"7\r\n{\"a\": 1\r\n", b"1;ext=1\r\n}\r\n", trailer=b"X-T: 1\r\n"), 200),
        (chunked(b"1000001\r\n"), 413),                      # 16 MiB + 1 announced
        (chunked(b"zz\r\nab\r\n"), 400),                     # not a size
        (chunked(b"2\r\nabcd\r\n"), 400),                    # longer than its size
        (CHUNKED + b"a\r\nabc", 400),                        # closed in a chunk
        (CHUNKED + b"3\r\nabc\r\n", 400),                    # closed before the last
    ]
    for data, wanted in sent:
        status, answer = listener.send(data)
        assert status == wanted, (data[-40:], answer)
    listener.stop()
    # One line: no refused body, and no unread chunk taken for a request of its own.
    assert [line["body"] for line in stdout_lines(listener)] == [{"a": 1}]


def test_requests_with_no_usable_length_or_shape_are_refused_and_nothing_is_written(
        listener_factory):
    listener = listener_factory("--deadline", str(DEADLINE))
    head = b"POST / HTTP/1.1\r\nHost: l\r\n"
    cases = [
        (head + b"\r\n{}", 411),                                     # no length at all
        (head + b"Content-Length: -5\r\n\r\n{}", 400),
        (head + b"Content-Length: abc\r\n\r\n{}", 400),
        (head + b"Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", 400),
        (head + b"Content-Length: 100\r\n\r\n{\"cut\": ", 400),        # closed short
        (head + b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}", 400),
        (head + b"Transfer-Encoding: gzip\r\n\r\n{}", 501),
        (head + b"Content-Length: 16777217\r\n\r\n", 413),
        (head + b"X-" + b"a" * 9000 + b": 1\r\n\r\n", 431),
        (b"POST /\r\n\r\n", 400),
        (b"POST / HTTP/2.0\r\n\r\n", 505),
        (b"POST /\xff HTTP/1.1\r\n\r\n", 400),
        (head + b"No colon here\r\n\r\n", 400),
        (head + b" folded: line\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: l\r\n\r\n", 405),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400),         # TLS to plain http
    ]
    with ThreadPoolExecutor(len(cases)) as pool:
        got = list(pool.map(lambda case: listener.send(case[0])[0], cases))
    assert got == [wanted for _, wanted in cases]
    assert listener.send(delivery(b"[1]"))[0] == 200          # and it still serves
    listener.stop()
    assert [line["body"] for line in stdout_lines(listener)] == [[1]]
    assert b"Traceback" not in listener.process.stderr.read()


def test_odd_but_valid_bodies_are_kept_and_answered_200(listener_factory):
    listener = listener_factory("--deadline", str(DEADLINE))
    deep = b"[" * 1000 + b"]" * 1000
    shallow = b"[" * 150 + b"]" * 150
    bodies = [b'{"summary": "cut \\ud83d"}', deep, shallow, b'{"n": NaN}', b"\xff\xfe"]
    for body in bodies:
        assert listener.send(delivery(body))[0] == 200
    listener.stop()
    data = listener.process.stdout.read()
    data.decode("utf-8")   # every line is valid UTF-8, the lone surrogate included
    surrogate, deep_line, shallow_line, nan, binary = parsed(data)
    assert surrogate["body"] == {"summary": "cut \ud83d"}      # JSON, the escape kept
    assert deep_line["text"] == deep.decode() and "body" not in deep_line
    assert json.dumps(shallow_line["body"], separators=(",", ":")) == shallow.decode()
    assert nan["text"] == '{"n": NaN}'
    assert binary["base64"] == "//4="


def test_an_output_that_cannot_be_written_answers_503_and_exits_6(listener_factory):
    with open("/dev/full", "wb") as full:
        listener = listener_factory(stdout=full)
    status, _ = listener.send(delivery(b'{"lost": false}'))
    assert status == 503
    assert listener.process.wait(timeout=10) == 6
    err = listener.process.stderr.read().decode()
    assert err.count("\n") == 1 and err.startswith("halo: cannot write to stdout: "), err


def test_sigterm_never_acknowledges_an_unwritten_delivery(listener_factory):
    listener = listener_factory("--deadline", "20")
    output = Collector(listener)
    half = listener.connect()
    half.sendall(b"POST /half HTTP/1.1\r\nContent-Length: 20\r\n\r\n{\"half\": ")
    answered = {}

    def keep_sending(n):   # one delivery after another, until the listener is gone
        while True:
            try:
                status, _ = listener.send(delivery(json.dumps({"n": n}).encode()))
            except OSError:
                status = None
            answered[n] = status
            if status is None:
                return
            n += 10
    with ThreadPoolExecutor(10) as pool:
        for n in range(10):
            pool.submit(keep_sending, n)
        end = time.monotonic() + 10
        while len(answered) < 20 and time.monotonic() < end:   # in full flow, then stop
            time.sleep(0.05)
        listener.process.send_signal(signal.SIGTERM)
    assert listener.process.wait(timeout=10) == 143
    try:
        half.sendall(b'"rest"}    ')
    except OSError:
        pass
    assert answer_of(half) == (None, b"")          # cut in the middle: no answer at all
    half.close()
    written = {line["body"]["n"] for line in output.lines()}
    acknowledged = {n for n, status in answered.items() if status == 200}
    assert set(answered.values()) <= {200, None}
    assert acknowledged == written and len(written) >= 10


def test_the_readme_names_the_limits_the_server_keeps():
    from conftest import ROOT
    from halo_lib.run import listen as limits
    text = " ".join((ROOT / "README.md").read_text().split())
    section = text[text.index("## Webhooks into the shell"):text.index("## Shell completion")]
    for fact in (f"Up to {limits.MAX_CONNECTIONS} connections", f"queue of {limits.BACKLOG}",
                 f"(default {limits.DEADLINE})", f"up to {limits.MAX_BODY >> 20} MiB",
                 f"over {limits.MAX_LINE >> 10} KiB", f"over {limits.MAX_HEADERS} header lines",
                 f"more than {limits.MAX_DEPTH} levels", "HALO_WEBHOOK_SECRET",
                 f"up to {limits.MAX_HELD >> 20} MiB at once"):
        assert fact in section, fact
    for status in (200, 400, 401, 405, 408, 411, 413, 431, 501, 503, 505):
        assert str(status) in section, status


def test_bodies_held_at_once_are_bounded_and_the_excess_is_told_to_retry(listener_factory):
    from halo_lib.run import listen as limits
    listener = listener_factory("--deadline", str(DEADLINE))
    size = limits.MAX_BODY

    def head(length):
        return f"POST / HTTP/1.1\r\nContent-Length: {length}\r\n\r\n".encode()
    holding = []
    for _ in range(limits.MAX_HELD // size):   # each announces a large body, sends none
        holding.append(listener.connect())
        holding[-1].sendall(head(size - 1024))
    time.sleep(0.3)
    status, answer = listener.send(head(size))
    assert status == 503 and b"Retry-After: 1" in answer
    assert listener.send(delivery(b"{}"))[0] == 200   # small ones are still taken
    for sock in holding:
        sock.close()
    time.sleep(0.3)   # their share is given back once their connections end
    with listener.connect() as sock:
        sock.sendall(head(size) + b" " * (size - 2) + b"{}")
        assert answer_of(sock)[0] == 200
    listener.stop()
    assert len(stdout_lines(listener)) == 2
