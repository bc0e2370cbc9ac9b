"""`halo request METHOD PATH [BODY] [--param k=v]... [--paginate]` reaches
any endpoint under /api; --paginate streams every page of a list as NDJSON."""
import json
from urllib.parse import parse_qsl

import pytest
from werkzeug import Response

from conftest import TOKEN, api_requests, one_error_line


def query(request):
    return parse_qsl(request.query_string.decode(), keep_blank_values=True)


@pytest.mark.parametrize("path", ["/Tickets/5", "Tickets/5", "/api/Tickets/5", "api/Tickets/5",
                                  "/API/Tickets/5", "{base}/api/Tickets/5"])
def test_get_any_path_under_api(run, server, path):
    server.expect_request("/api/Tickets/5").respond_with_json(
        {"id": 5, "summary": "s", "client": {"id": 1}})
    result = run("request", "GET", path.format(base=server.url_for("").rstrip("/")))
    assert (result.code, result.err) == (0, ""), result
    assert result.lines == ['{"id":5,"summary":"s","client":{"id":1}}']
    (request,) = api_requests(server)
    assert (request.method, request.path) == ("GET", "/api/Tickets/5")
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_params_from_the_path_and_the_flags_in_order(run, server):
    server.expect_request("/api/Tickets").respond_with_json([])
    result = run("--unchecked", "request", "get", "/Tickets?search=a b&count=5",
                 "--param", "client_id=3",
                 "--param", "flag=", "--param", "search=again")
    assert result.code == 0, result
    (request,) = api_requests(server)
    assert request.method == "GET"
    assert query(request) == [("search", "a b"), ("count", "5"), ("client_id", "3"),
                              ("flag", ""), ("search", "again")]


def test_another_host_is_refused_and_nothing_is_sent(run, server):
    line = one_error_line(run("request", "GET", "https://evil.example/api/Tickets"), 2)
    assert "evil.example" in line
    assert server.log == []


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_body_is_sent_as_given(run, server, method):
    server.expect_request("/api/Tickets/Thing", method=method).respond_with_json(
        {"ok": True})
    result = run("request", method.lower(), "/Tickets/Thing", '{"a": [1, {"b": null}]}',
                 "--param", "x=1")
    assert (result.code, result.records) == (0, [{"ok": True}]), result
    (request,) = api_requests(server)
    assert request.method == method
    assert request.get_json() == {"a": [1, {"b": None}]}
    assert request.headers["Content-Type"] == "application/json"
    assert query(request) == [("x", "1")]


def test_body_from_stdin_and_fields(run, server):
    server.expect_request("/api/Actions", method="POST").respond_with_json([{"id": 1}])
    result = run("request", "POST", "/Actions", "-", "-F", "ticket_id=9", "-f", "note=42",
                 stdin=b'[{"outcome": "note"}]')
    assert result.code == 0, result
    assert api_requests(server)[0].get_json() == [
        {"outcome": "note", "ticket_id": 9, "note": "42"}]
    assert result.lines == ['[{"id":1}]']        # a non-paginated answer is printed as is


def test_ndjson_body_becomes_an_array(run, server):
    server.expect_request("/api/Client", method="POST").respond_with_json([])
    result = run("request", "POST", "/Client", '{"name": "a"}\n{"name": "b"}\n')
    assert result.code == 0, result
    assert api_requests(server)[0].get_json() == [{"name": "a"}, {"name": "b"}]


def test_delete(run, server):
    server.expect_request("/api/Tickets/8", method="DELETE").respond_with_data("")
    result = run("request", "DELETE", "/Tickets/8")
    assert (result.code, result.out, result.err) == (0, b"", ""), result
    (request,) = api_requests(server)
    assert request.method == "DELETE" and request.get_data() == b""


def test_a_file_answer_goes_to_stdout_as_bytes(run, server):
    pdf = b"%PDF-1.4\n\x00\xff binary"
    server.expect_request("/api/Invoice/3/PDF").respond_with_data(
        pdf, content_type="application/pdf")
    result = run("request", "GET", "/Invoice/3/PDF")
    assert (result.code, result.out) == (0, pdf), result


def test_a_file_answer_to_a_file(run, server, tmp_path):
    server.expect_request("/api/Invoice/3/PDF").respond_with_data(
        b"%PDF", content_type="application/pdf")
    target = tmp_path / "invoice.pdf"
    result = run("request", "GET", "/Invoice/3/PDF", "-O", str(target))
    assert (result.code, result.out) == (0, b""), result
    assert target.read_bytes() == b"%PDF"


def test_query_and_raw_on_a_request(run, server):
    server.expect_request("/api/Tickets/5").respond_with_json({"id": 5, "summary": "Hi"})
    result = run("request", "GET", "/Tickets/5", "--query", "summary", "-r")
    assert result.out == b"Hi\n"


@pytest.mark.parametrize("status,code,words", [
    (404, 4, "Ticket not found"), (400, 1, "Ticket not found"), (409, 1, "Ticket not found"),
    (403, 3, "Ticket not found")])
def test_refusals_map_to_exit_status(run, server, status, code, words):
    server.expect_request("/api/Tickets/5").respond_with_json(
        {"message": "Ticket not found"}, status=status)
    line = one_error_line(run("request", "GET", "/Tickets/5"), code)
    assert f"HTTP {status}" in line and words in line


def test_an_unknown_method_is_exit_2(run, server):
    one_error_line(run("request", "FETCH", "/Tickets"), 2)
    assert server.log == []


def test_dry_run_request(run, server):
    result = run("--dry-run", "--unchecked", "request", "POST", "/Tickets?a=1", '[{"x": 1}]',
                 "--param", "b=2")
    assert result.code == 0, result
    assert server.log == []
    (shown,) = result.records
    assert shown["method"] == "POST"
    assert shown["url"].endswith("/api/Tickets?a=1&b=2")
    assert shown["body"] == [{"x": 1}]


# ---------------------------------------------------------------- --paginate

def paged(records, key="tickets", with_count=True):
    """A handler serving `records` in Halo's pages (pageinate, page_no from 1, page_size)."""
    def serve(request):
        if request.args.get("pageinate") != "true":
            return Response(json.dumps({key: records}), content_type="application/json")
        size, number = int(request.args["page_size"]), int(request.args["page_no"])
        doc = {"page_no": number, "page_size": size}
        if with_count:
            doc["record_count"] = len(records)
        doc[key] = records[(number - 1) * size: number * size]
        return Response(json.dumps(doc), content_type="application/json")
    return serve


def test_paginate_streams_every_page_in_order(run, server):
    records = [{"id": i, "summary": f"t{i}"} for i in range(1, 8)]
    server.expect_request("/api/Tickets").respond_with_handler(paged(records))
    result = run("request", "GET", "/Tickets", "--paginate", "--page-size", "3",
                 "--param", "open_only=true")
    assert (result.code, result.err) == (0, ""), result
    assert result.records == records
    assert result.lines[0] == '{"id":1,"summary":"t1"}'
    pages = sorted(api_requests(server), key=lambda r: int(r.args["page_no"]))
    assert [query(r) for r in pages] == [
        [("open_only", "true"), ("pageinate", "true"), ("page_size", "3"), ("page_no", str(n))]
        for n in (1, 2, 3)]


@pytest.mark.parametrize("count", [5, 4], ids=["short-last-page", "empty-last-page"])
def test_paginate_without_a_record_count_stops_at_a_short_or_empty_page(run, server, count):
    records = [{"id": i} for i in range(1, count + 1)]
    server.expect_request("/api/Thing").respond_with_handler(
        paged(records, key="things", with_count=False))
    result = run("--unchecked", "request", "GET", "/Thing", "--paginate", "--page-size", "2")
    assert result.records == records
    assert len(api_requests(server)) == 3


def test_paginate_a_plain_array(run, server):
    server.expect_request("/api/Status").respond_with_json([{"id": 1}, {"id": 2}])
    result = run("request", "GET", "/Status", "--paginate")
    assert result.lines == ['{"id":1}', '{"id":2}']
    assert len(api_requests(server)) == 1


def test_paginate_with_limit_and_query(run, server):
    records = [{"id": i, "summary": f"t{i}"} for i in range(1, 30)]
    server.expect_request("/api/Tickets").respond_with_handler(paged(records))
    result = run("request", "GET", "/Tickets", "--paginate", "--page-size", "5", "--limit", "7",
                 "--query", "summary", "-r")
    assert result.lines == [f"t{i}" for i in range(1, 8)]
    assert len(api_requests(server)) == 2


def test_paginate_an_answer_without_records_is_an_error(run, server):
    server.expect_request("/api/Thing").respond_with_json({"a": [1], "b": [2]})
    result = run("--unchecked", "request", "GET", "/Thing", "--paginate")
    line = one_error_line(result, 1)          # a refusal, not a page to fetch again
    assert "no list of records" in line and "page 1" in line
    assert len([r for r, _ in server.log if r.path == "/api/Thing"]) == 1


def test_paginate_goes_with_get_only(run, server):
    line = one_error_line(run("request", "POST", "/Tickets", "{}", "--paginate"), 2)
    assert "--paginate" in line
    assert server.log == []


def test_paginate_dry_run_shows_the_first_page(run, server):
    result = run("--dry-run", "request", "GET", "/Tickets", "--paginate", "--page-size", "25")
    assert result.code == 0 and server.log == []
    url = result.records[0]["url"]
    assert dict(parse_qsl(url.split("?")[1])) == {"pageinate": "true", "page_size": "25",
                                                  "page_no": "1"}
