"""--checkpoint advances only after a list served whole (issue 21, point 6).

A record deleted while a list is paged shifts every later record one place up, so one of
them moves to a page already fetched and is never served; a record added does the
opposite, and a record comes twice. Either way the checkpoint must stay where it was (the
next run covers the same time again), with a non-zero exit status; the records written
stay written. Each case against a real local server that changes its list mid-run."""
import json
from urllib.parse import parse_qs

from werkzeug import Response

from conftest import runner_for

OLD = "2026-11-01T00:00:00Z\n"


def shifting_list(server, change, records=40):
    """Pages of `records` tickets, ordered by id; once page 1 is served, change(list)."""
    tickets = [{"id": n, "summary": f"ticket {n}"} for n in range(1, records + 1)]
    state = {"changed": False}

    def page(request):
        query = parse_qs(request.query_string.decode())
        size, number = int(query["page_size"][0]), int(query["page_no"][0])
        served = tickets[(number - 1) * size:number * size]
        answer = {"page_no": number, "page_size": size, "record_count": len(tickets),
                  "tickets": served}
        if number == 1 and not state["changed"]:
            state["changed"] = True
            change(tickets)
        return Response(json.dumps(answer), content_type="application/json")
    server.expect_request("/api/Tickets").respond_with_handler(page)


def checkpointed(server, tmp_path):
    state = tmp_path / "tickets.since"
    state.write_text(OLD)
    run = runner_for(server.url_for("").rstrip("/"), tmp_path)
    result = run("tickets", "list", "--checkpoint", str(state), "--page-size", "10",
                 "--concurrency", "1")
    return result, state


def test_a_record_deleted_mid_run_leaves_the_checkpoint_and_fails(server, tmp_path):
    shifting_list(server, lambda tickets: tickets.pop(4))      # ticket 5 goes
    result, state = checkpointed(server, tmp_path)
    ids = [r["id"] for r in result.records]
    assert 11 not in ids and len(ids) == 39                  # 11 moved up to page 1
    assert result.code == 5, result
    assert "announced 40" in result.err and "served 39" in result.err, result
    assert "checkpoint" in result.err and "not saved" in result.err, result
    assert state.read_text() == OLD


def test_a_record_added_mid_run_repeats_one_and_leaves_the_checkpoint(server, tmp_path):
    shifting_list(server, lambda tickets: tickets.insert(0, {"id": 99, "summary": "new"}))
    result, state = checkpointed(server, tmp_path)
    ids = [r["id"] for r in result.records]
    assert ids == list(range(1, 41)), ids                     # 10 came twice, written once
    assert result.code == 5, result
    assert "skipped 1 record" in result.err and "not saved" in result.err, result
    assert state.read_text() == OLD


def test_an_unchanged_list_saves_the_checkpoint(server, tmp_path):
    shifting_list(server, lambda tickets: None)
    result, state = checkpointed(server, tmp_path)
    assert (result.code, result.err) == (0, ""), result
    assert len(result.records) == 40
    assert state.read_text() != OLD


def test_without_a_checkpoint_a_short_list_still_warns_and_exits_0(server, tmp_path):
    shifting_list(server, lambda tickets: tickets.pop(4))
    run = runner_for(server.url_for("").rstrip("/"), tmp_path)
    result = run("tickets", "list", "--page-size", "10", "--concurrency", "1")
    assert result.code == 0 and len(result.records) == 39, result
    assert "announced 40" in result.err


# ---------------------------------------------------------------- Halo's clock (point 7)

from datetime import timedelta  # noqa: E402

from fixedclock import NOW, ClockRunner  # noqa: E402
from rawserver import http_response, token_route  # noqa: E402

HALO_NOON = "Mon, 30 Nov 2026 12:00:00 GMT"


def dated_list(raw_server, date, records=({"id": 1},)):
    """A one-page list whose answer carries one Date header (werkzeug would add its own)."""
    page = http_response(200, {"record_count": len(records), "tickets": list(records)},
                         headers=[("Date", date)])
    return raw_server(lambda method, path, n: token_route(method, path) or page)


def sent_since(server):
    return [parse_qs(path.partition("?")[2]).get("lastupdatefromdate", [None])[0]
            for method, path in server.requests if path.startswith("/api/Tickets")]


def test_the_checkpoint_is_halos_time_not_a_local_clock_ahead(raw_server, tmp_path):
    server = dated_list(raw_server, HALO_NOON)
    run = ClockRunner(runner_for(server.url, tmp_path).env, NOW + timedelta(minutes=10))
    state = tmp_path / "tickets.since"
    result = run("tickets", "list", "--checkpoint", str(state))   # our clock says 12:10
    assert (result.code, result.err) == (0, ""), result
    assert state.read_text() == "2026-11-30T11:55:00Z\n"     # Halo's noon less 5 minutes


def test_without_a_date_header_the_local_clock_is_used(raw_server, tmp_path):
    page = http_response(200, {"record_count": 1, "tickets": [{"id": 1}]})
    server = raw_server(lambda method, path, n: token_route(method, path) or page)
    run = ClockRunner(runner_for(server.url, tmp_path).env)
    state = tmp_path / "tickets.since"
    result = run("tickets", "list", "--checkpoint", str(state))
    assert (result.code, result.err) == (0, ""), result
    assert not any(h.lower().startswith("date:") for h in "\n".join(server.heads).split("\n"))
    assert state.read_text() == "2026-11-30T11:55:00Z\n"     # local NOW less 5 minutes


def test_a_saved_time_ahead_of_halos_clock_is_a_warning_and_not_trusted(raw_server, tmp_path):
    server = dated_list(raw_server, HALO_NOON, records=[{"id": 1}, {"id": 2}])
    state = tmp_path / "tickets.since"
    state.write_text("2026-11-30T13:00:00Z\n")                # an hour ahead of Halo
    run = ClockRunner(runner_for(server.url, tmp_path).env)
    result = run("tickets", "list", "--checkpoint", str(state))
    assert result.code == 0, result
    assert [r["id"] for r in result.records] == [1, 2]        # written once
    lines = result.err.splitlines()
    assert len(lines) == 1 and "warning" in lines[0] and "2026-11-30T13:00:00Z" in lines[0]
    assert "not trusted" in lines[0], lines
    assert sent_since(server) == ["2026-11-30T13:00:00Z", None]   # then everything
    assert state.read_text() == "2026-11-30T11:55:00Z\n"
