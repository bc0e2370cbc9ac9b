"""Server text never drives the terminal: escape sequences in report errors, csv and tsv
cells, and C1 controls in JSON are shown escaped when stdout or stderr is a terminal, as
-o table already does; a file or a pipe gets the data unchanged."""
import json

import pytest

# A title change, a clear screen, a hyperlink, a bell, and an 8-bit CSI (C1, U+009B).
EVIL = "x \x1b]0;pwned\x07 \x1b[2J \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ \x9b31m y"
RAW_BYTES = (b"\x1b", b"\x07", "\x9b".encode())


def no_raw_controls(data):
    return not any(raw in data for raw in RAW_BYTES)


@pytest.fixture
def evil_tickets(server):
    server.expect_request("/api/Tickets").respond_with_json(
        {"record_count": 1, "tickets": [{"id": 1, "summary": EVIL}]})
    server.expect_request("/api/Tickets/1").respond_with_json({"id": 1, "summary": EVIL})
    return server


@pytest.mark.parametrize("argv", [["reports", "run", "5"], ["sql", "SELECT 1"]])
def test_a_report_load_error_is_escaped_on_stderr(run, server, argv):
    doc = {"report": {"loaded": False, "load_error": "bad query " + EVIL, "rows": []}}
    server.expect_request("/api/Report/5").respond_with_json(doc)
    server.expect_request("/api/Report", method="POST").respond_with_json([doc])
    for tty in (True, False):
        result = run(*argv, stderr_tty=tty)
        assert result.code == 1, result
        assert "bad query" in result.err
        assert no_raw_controls(result.err.encode()), result.err
        assert "\\x1b]0;pwned\\x07" in result.err


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_on_a_terminal_escape_control_sequences(run, evil_tickets, fmt):
    out = run("-o", fmt, "tickets", "list", "--fields", "id,summary", stdout_tty=True).out
    assert no_raw_controls(out), out
    assert b"\\x1b[2J" in out and b"\\x9b31m" in out and b"\\x07" in out


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_to_a_pipe_are_unchanged(run, evil_tickets, fmt):
    out = run("-o", fmt, "tickets", "list", "--fields", "id,summary").out
    assert (EVIL if fmt == "csv" else EVIL.replace("\\", "\\\\")).encode() in out


@pytest.mark.parametrize("argv", [["-o", "json", "tickets", "get", "1"],
                                  ["-o", "json", "tickets", "list"],
                                  ["-o", "json", "--no-color", "tickets", "list"],
                                  ["tickets", "list"]],
                         ids=["json-one", "json-list", "json-plain", "ndjson"])
def test_json_on_a_terminal_escapes_c1_controls_and_stays_json(run, evil_tickets, argv):
    import re
    out = run(*argv, stdout_tty=True).out
    assert no_raw_controls(re.sub(rb"\x1b\[[0-9;]*m", b"", out)), out   # colours aside
    assert b"\\u009b31m" in out
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out.decode("utf-8"))
    values = json.loads(plain) if argv[0] == "-o" else json.loads(plain.splitlines()[0])
    assert (values if isinstance(values, dict) else values[0])["summary"] == EVIL


def test_raw_text_on_a_terminal_is_escaped_and_unchanged_on_a_pipe(run, evil_tickets):
    out = run("tickets", "list", "--query", "summary", "-r", stdout_tty=True).out
    assert no_raw_controls(out) and b"\\x1b[2J" in out
    assert run("tickets", "list", "--query", "summary", "-r").out == EVIL.encode() + b"\n"


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_json_to_a_pipe_is_unchanged(run, evil_tickets, fmt):
    out = run("-o", fmt, "tickets", "list").out
    assert "\x9b".encode() in out                # orjson writes C1 as it is: data untouched
    values = json.loads(out) if fmt == "json" else [json.loads(x) for x in out.splitlines()]
    assert values[0]["summary"] == EVIL
