"""The closing sweep: random hostile answers from a real local server (status, headers,
bodies, gzip, truncations, stalls). Whatever comes, halo ends with a documented status,
one clean line, memory bounded by --max-answer and time by --timeout."""
import gzip
import time
import tracemalloc

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import runner_for
from rawserver import token_route

CAP = 1 << 20          # --max-answer 1M
TIMEOUT = 0.4          # --timeout, and --retries 1: two attempts at most
BUDGET = 2 * TIMEOUT + 1.5
DOCUMENTED = {0, 1, 2, 3, 4, 5, 6}
BOMB = gzip.compress(bytes(8 << 20))   # 8 KB that inflate to 8 MiB

bodies = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"", b"[]", b"{}", b'[{"id": 1}]', b'{"tickets": [{"id": 1}]}',
                     b'{"message": "\x1b[2J\x9b no"}', b"<html><title>\x1b]0;x\x07</title>",
                     b'{"record_count": 5, "tickets": []}', b"[" * 5000, BOMB]),
)
answers = st.fixed_dictionaries({
    "status": st.sampled_from([200, 201, 204, 301, 302, 307, 400, 401, 403, 404, 409, 429,
                               500, 502, 503, 999]),
    "type": st.sampled_from(["application/json", "text/html", "application/pdf", "",
                             "application/json; charset=\x1b"]),
    "body": bodies,
    "gzip": st.booleans(),
    "length": st.sampled_from(["exact", "none", "short", "long", "huge", "junk"]),
    "extra": st.lists(st.sampled_from([
        "Location: http://127.0.0.1:1/x", "Location: /api/Tickets", "Location: \x1b[2J",
        "Retry-After: 0", "Retry-After: 99999999", "Retry-After: soon",
        "Transfer-Encoding: chunked", "Content-Encoding: br", "X-Bad\x00: y"]), max_size=3),
    "cut": st.one_of(st.none(), st.integers(0, 200)),
    "stall": st.booleans(),
})


def render(answer):
    body = answer["body"]
    if answer["gzip"] and body is not BOMB:
        body = gzip.compress(body)
    head = [f"HTTP/1.1 {answer['status']} X", f"Content-Type: {answer['type']}"]
    if answer["gzip"] or body is BOMB:
        head.append("Content-Encoding: gzip")
    head.append({"exact": f"Content-Length: {len(body)}", "none": "Connection: close",
                 "short": f"Content-Length: {max(0, len(body) - 3)}",
                 "long": f"Content-Length: {len(body) + 50}",
                 "huge": "Content-Length: 99999999999", "junk": "Content-Length: x"}
                [answer["length"]])
    head += answer["extra"]
    data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1", "replace") + body
    if answer["cut"] is not None:
        data = data[:answer["cut"]]

    def send(conn, stop):
        conn.sendall(data)
        if answer["stall"]:
            stop.wait(TIMEOUT * 3)   # keep the connection open, saying nothing
    return send


VERBS = [["tickets", "list"], ["tickets", "get", "1"], ["tickets", "create", '{"a": 1}'],
         ["invoices", "pdf", "1"], ["--unchecked", "request", "GET", "/X"], ["-v", "tickets", "get", "2"]]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(answer=answers, verb=st.sampled_from(VERBS))
def test_no_hostile_answer_escapes_the_rules(raw_server, tmp_path, answer, verb):
    current = render(answer)
    server = raw_server(lambda m, p, n: token_route(m, p) or current)
    run = runner_for(server.url, tmp_path)
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = run("--timeout", str(TIMEOUT), "--retries", "1", "--max-answer", "1M", *verb)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        server.close()
    assert result.code in DOCUMENTED, result
    assert "Traceback" not in result.err and "unexpected error" not in result.err, result
    assert "\x1b" not in result.err and "\x9b" not in result.err, result
    if "-v" not in verb and "create" not in verb:   # a bulk write reports each record
        assert len(result.err.strip().splitlines()) <= 1, result
    assert elapsed < BUDGET, (elapsed, result)
    assert peak < 3 * CAP, peak
