"""get ID..., get - and delete -: ids in order, missing ones as NDJSON failure lines."""
import json

import pytest

from conftest import api_requests, one_error_line


def failures(result):
    return [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]


def test_get_several_ids_in_input_order_with_a_missing_one(run, server):
    for rid in (3, 1):
        server.expect_request(f"/api/Tickets/{rid}").respond_with_json({"id": rid})
    server.expect_request("/api/Tickets/2").respond_with_data("gone", status=404)
    result = run("tickets", "get", "3", "2", "1", "--include-details")
    assert result.code == 4, result
    assert result.records == [{"id": 3}, {"id": 1}]
    (failure,) = failures(result)
    assert failure["id"] == 2 and failure["outcome"] == "not found"
    assert "/api/Tickets/2" in failure["error"]
    sent = api_requests(server)
    assert [r.path for r in sent] == ["/api/Tickets/3", "/api/Tickets/2", "/api/Tickets/1"]
    assert all(r.query_string == b"includedetails=true" for r in sent)


def test_get_dash_reads_plain_ids_quoted_ids_and_records(run, server):
    for rid in (5, 6, 7, 8):
        server.expect_request(f"/api/Tickets/{rid}").respond_with_json({"id": rid})
    stdin = b'5\n\n"6"\n{"id": 7, "summary": "x"}\r\n  8  \n'
    result = run("tickets", "get", "-", stdin=stdin)
    assert result.code == 0, result
    assert [r["id"] for r in result.records] == [5, 6, 7, 8]


def test_list_query_id_raw_piped_into_delete_dash(run, server):
    """halo tickets list --status-id 9 --query id -r | halo tickets delete -"""
    server.expect_request("/api/Tickets", method="GET").respond_with_json(
        {"page_no": 1, "page_size": 100, "record_count": 3,
         "tickets": [{"id": 11}, {"id": 12}, {"id": 13}]})
    listed = run("tickets", "list", "--status-id", "9", "--query", "id", "-r")
    assert listed.out == b"11\n12\n13\n"
    for rid in (11, 13):
        server.expect_request(f"/api/Tickets/{rid}", method="DELETE").respond_with_data("")
    server.expect_request("/api/Tickets/12", method="DELETE").respond_with_data("", status=404)
    result = run("tickets", "delete", "-", stdin=listed.out)
    assert result.code == 4, result
    assert result.records == [{"id": 11, "deleted": True}, {"id": 13, "deleted": True}]
    assert [f["id"] for f in failures(result)] == [12]
    deletes = [r.path for r in api_requests(server) if r.method == "DELETE"]
    assert deletes == ["/api/Tickets/11", "/api/Tickets/12", "/api/Tickets/13"]


def test_a_worse_failure_wins_over_missing(run, server):
    server.expect_request("/api/Tickets/1", method="DELETE").respond_with_data("", status=404)
    server.expect_request("/api/Tickets/2", method="DELETE").respond_with_data("no", status=400)
    server.expect_request("/api/Tickets/3", method="DELETE").respond_with_data("")
    result = run("--retries", "0", "tickets", "delete", "-", stdin=b"1\n2\n3\n")
    assert result.code == 1, result
    assert [(f["id"], f["outcome"]) for f in failures(result)] == [(1, "not found"),
                                                                   (2, "failed")]
    assert result.records == [{"id": 3, "deleted": True}]


def test_refused_credentials_stop_and_report_the_rest_unsent(run, server):
    server.expect_request("/api/Tickets/1").respond_with_data("no", status=403)
    result = run("tickets", "get", "1", "2")
    assert result.code == 3, result
    assert [(f["id"], f["outcome"]) for f in failures(result)] == [(1, "failed"),
                                                                   (2, "not sent")]
    assert [r.path for r in api_requests(server)] == ["/api/Tickets/1"]


@pytest.mark.parametrize("stdin, named", [
    (b"1\nabc\n", "line 2"), (b'{"summary": "no id"}\n', "line 1"), (b"{bad\n", "line 1"),
])
def test_a_bad_id_on_stdin_is_exit_2_and_nothing_is_sent(run, server, stdin, named):
    line = one_error_line(run("tickets", "delete", "-", stdin=stdin), 2)
    assert named in line
    assert api_requests(server) == []


def test_empty_stdin_deletes_nothing(run, server):
    result = run("tickets", "delete", "-", stdin=b"\n")
    assert (result.code, result.out, result.err) == (0, b"", "")
    assert api_requests(server) == []


def test_dry_run_shows_each_request_in_order(run, server):
    result = run("--dry-run", "tickets", "delete", "4", "-", stdin=b"5\n6\n")
    assert [r["url"].rsplit("/", 1)[1] for r in result.records] == ["4", "5", "6"]
    assert all(r["method"] == "DELETE" for r in result.records)
    assert api_requests(server) == []


# ---------------------------------------------------------------- delete -: stdout that fails

def _deleting_server(httpserver, delay=0.0):
    """Answers every DELETE /api/Tickets/N with 200 after `delay` seconds."""
    import re
    import time
    from werkzeug.wrappers import Response

    def deleted(request):
        time.sleep(delay)
        return Response("", status=200)
    httpserver.expect_request(re.compile(r"/api/Tickets/\d+"), method="DELETE") \
        .respond_with_handler(deleted)
    return httpserver


def _subprocess_env(server, tmp_path):
    import os
    return {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "HALO_URL": server.url_for("").rstrip("/"), "HALO_CLIENT_ID": "cid",
            "HALO_CLIENT_SECRET": "secret", "HALO_OUTPUT": "ndjson"}


def _deleted_ids(server):
    return [int(r.path.rsplit("/", 1)[1]) for r in api_requests(server) if r.method == "DELETE"]


def _accounted(out_lines, err):
    """outcome -> ids: from the lines stdout gave and the NDJSON lines on stderr."""
    found = {"deleted": [json.loads(line)["id"] for line in out_lines]}
    for line in err.splitlines():
        if line.startswith("{"):
            report = json.loads(line)
            found.setdefault(report["outcome"], []).append(report["id"])
    return found


def test_delete_dash_into_head_stops_and_accounts_for_every_id(server, tmp_path):
    """halo tickets delete - < 40 ids | head -2: the deletes stop at the first write that
    fails, and every id is told once: on stdout, or on stderr as deleted or not sent."""
    import subprocess
    from conftest import ROOT
    import sys
    _deleting_server(server, delay=0.15)
    ids = b"".join(b"%d\n" % n for n in range(1, 41))
    process = subprocess.Popen([sys.executable, str(ROOT / "halo.py"), "tickets", "delete", "-"],
                               env=_subprocess_env(server, tmp_path), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdin.write(ids)
    process.stdin.close()
    shown = [process.stdout.readline(), process.stdout.readline()]   # what `head -2` does
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=30) == 6, err
    assert "Traceback" not in err and "unexpected" not in err
    found = _accounted(shown, err)
    assert found["deleted"] == [1, 2, 3]          # 3 was deleted; its line found no reader
    assert found["not sent"] == list(range(4, 41))
    assert _deleted_ids(server) == [1, 2, 3]
    assert "stdout was closed by its reader" in err
    assert err.splitlines()[-1] == "halo: 40 id(s): 3 deleted (1 not on stdout), 37 not sent"


@pytest.mark.parametrize("output", ["ndjson", "json", "csv"])
def test_delete_dash_to_a_full_stdout_is_exit_6_with_every_id_on_stderr(server, tmp_path,
                                                                         output):
    import subprocess
    import sys
    from conftest import ROOT
    _deleting_server(server)
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, str(ROOT / "halo.py"), "-o", output, "tickets",
                               "delete", "-"], env=_subprocess_env(server, tmp_path),
                              input=b"5\n6\n7\n", stdout=full, stderr=subprocess.PIPE,
                              timeout=30)
    err = done.stderr.decode()
    assert done.returncode == 6, err
    assert "cannot write to stdout: No space left on device" in err
    found = _accounted([], err)
    deleted = _deleted_ids(server)
    # Each id once: deleted (not on stdout) for those the server deleted, the rest not sent.
    assert found["deleted"] == deleted
    assert found.get("not sent", []) == [n for n in (5, 6, 7) if n not in deleted]
    assert deleted == ([5] if output != "json" else [5, 6, 7])


@pytest.mark.parametrize("verb", [["delete", "-"], ["get", "-"], ["update", "-"]])
def test_csv_on_stdin_is_refused_with_a_hint_to_say_o_ndjson(run, server, verb):
    """What `halo tickets list --query id -r` writes under a profile with output = csv."""
    line = one_error_line(run("tickets", *verb, stdin=b"value\n11\n12\n"), 2)
    assert "line 1" in line and "-o ndjson" in line
    assert api_requests(server) == []


@pytest.mark.parametrize("signame, status", [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_signal_during_delete_dash_accounts_for_every_id(server, tmp_path, signame, status):
    """A cron job killed mid-way: every id is told once, on stdout (deleted), or on stderr
    as unknown (its DELETE was under way) or not sent, then the tally; 130/143."""
    import signal
    import subprocess
    import sys
    import time
    from conftest import ROOT
    _deleting_server(server, delay=0.2)
    process = subprocess.Popen([sys.executable, str(ROOT / "halo.py"), "tickets", "delete", "-"],
                               env=_subprocess_env(server, tmp_path), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdin.write(b"".join(b"%d\n" % n for n in range(1, 31)))
    process.stdin.close()
    shown = [process.stdout.readline(), process.stdout.readline()]
    time.sleep(0.1)                      # the third DELETE is under way
    process.send_signal(getattr(signal, signame))
    out, err = process.stdout.read(), process.stderr.read()
    assert process.wait(timeout=30) == status, err
    err = err.decode()
    assert "Traceback" not in err and "unexpected" not in err
    found = _accounted(shown + out.splitlines(), err)
    told = sorted(i for ids in found.values() for i in ids)
    assert told == list(range(1, 31)), found              # each id exactly once
    assert found["deleted"] == sorted(set(found["deleted"]))
    assert set(found["deleted"]) | set(found.get("unknown", [])) >= set(_deleted_ids(server))
    assert found["not sent"] and not set(found["not sent"]) & set(_deleted_ids(server))
    assert err.splitlines()[-1].startswith("halo: 30 id(s): ")
