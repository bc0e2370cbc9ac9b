"""Lists end only when the server is done: the page cap, short pages, repeated pages."""
import json

import pytest
from werkzeug.wrappers import Response

from conftest import api_requests


def tickets_server(server, serve, record_count):
    """GET /api/Tickets answered by serve(page_no, page_size) -> list of ids."""
    def handler(request):
        page = int(request.args.get("page_no", "1"))
        size = int(request.args.get("page_size", "50"))
        ids = serve(page, size)
        doc = {"page_no": page, "record_count": record_count,
               "tickets": [{"id": i, "summary": f"t{i}"} for i in ids]}
        return Response(json.dumps(doc), content_type="application/json")
    server.expect_request("/api/Tickets").respond_with_handler(handler)


def capped(total, cap=100, missing=()):
    def serve(page, size):
        size = min(size, cap)
        start = (page - 1) * size
        return [i for i in range(start + 1, min(start + size, total) + 1) if i not in missing]
    return serve


def page_sizes(server):
    return {r.args.get("page_size") for r in api_requests(server) if r.path == "/api/Tickets"}


def test_page_size_above_the_cap_is_sent_as_100_and_every_record_written(run, server):
    tickets_server(server, capped(717), 717)
    result = run("-v", "tickets", "list", "--page-size", "250")
    assert result.code == 0, result
    assert [r["id"] for r in result.records] == list(range(1, 718))
    assert page_sizes(server) == {"100"}
    assert "--page-size 250 lowered to 100" in result.err


def test_a_silent_cap_on_an_uncapped_path_still_gets_every_record(run, server):
    tickets_server(server, capped(717), 717)
    result = run("request", "GET", "/Tickets", "--paginate", "--page-size", "250")
    assert result.code == 0, result
    assert [r["id"] for r in result.records] == list(range(1, 718))


def test_a_short_page_in_the_middle_is_not_the_end(run, server):
    tickets_server(server, capped(1000, missing={150}), 1000)
    result = run("tickets", "list")
    ids = [r["id"] for r in result.records]
    assert ids == [i for i in range(1, 1001) if i != 150]
    assert result.code == 0, result
    (line,) = result.err.splitlines()
    assert "announced 1000" in line and "served 999" in line


def test_a_server_that_announces_more_than_it_serves_ends_at_the_empty_page(run, server):
    tickets_server(server, capped(300), 500)
    result = run("tickets", "list", "--concurrency", "1")
    assert result.code == 0, result
    assert len(result.records) == 300
    (line,) = result.err.splitlines()
    assert line.startswith("halo: warning") and "announced 500" in line and "served 300" in line
    pages = [int(r.args["page_no"]) for r in api_requests(server)]
    assert max(pages) <= 6


def test_a_server_that_repeats_the_same_page_ends_with_an_error(run, server):
    tickets_server(server, lambda page, size: list(range(1, 101)), 5000)
    result = run("tickets", "list")
    assert result.code == 1, result
    assert [r["id"] for r in result.records] == list(range(1, 101))
    (line,) = result.err.splitlines()
    assert "page 2" in line and "same as page 1" in line
    assert len(api_requests(server)) < 10


def test_records_already_written_are_skipped_and_counted(run, server):
    # Each page overlaps the last by 5 records, as when records are added while paging.
    tickets_server(server, lambda page, size: [i for i in range((page - 1) * 95 + 1,
                                                                 (page - 1) * 95 + 101)
                                               if i <= 300], 300)
    result = run("tickets", "list")
    assert result.code == 0, result
    assert [r["id"] for r in result.records] == list(range(1, 301))
    (line,) = result.err.splitlines()
    assert "skipped 15" in line


def test_limit_still_stops_early(run, server):
    tickets_server(server, capped(717), 717)
    result = run("tickets", "list", "--limit", "150")
    assert result.code == 0 and result.err == ""
    assert [r["id"] for r in result.records] == list(range(1, 151))
