"""Every endpoint beyond CRUD is a named verb; files go up and down as files."""
import base64
import json
from urllib.parse import parse_qsl

import pytest
from pytest_httpserver import HTTPServer

from conftest import TOKEN, api_requests
from halo_lib.run import attachments
from halo_lib.resources import RESOURCES, endpoints
from test_resources import SAMPLE_ID, filter_flags

CALLS = [(r, v) for r in RESOURCES for v in r.verbs() if v.kind == "call"]


def test_named_verbs_reach_at_least_177_endpoints():
    assert len(endpoints()) >= 177


def test_verb_names_are_unique_per_resource():
    for resource in RESOURCES:
        names = [v.name for v in resource.verbs()]
        assert len(names) == len(set(names)), resource.name


@pytest.mark.parametrize("resource,verb", CALLS, ids=[f"{r.name}-{v.name}" for r, v in CALLS])
def test_each_named_verb_sends_its_request(run, server, resource, verb):
    argv, path, body = [resource.name, verb.name], "/api" + verb.path, None
    if verb.ids == "one":
        rid = SAMPLE_ID[resource.id_type]
        argv.append(rid)
        path = path.replace("{id}", rid)
    elif verb.ids == "list":
        argv += ["4", "5"]
        body = [4, 5]
    if verb.body:
        argv.append('{"a": 1}')
        body = {"a": 1} if verb.body == "object" else [{"a": 1}]
    flags, expected_query = filter_flags(verb)
    argv += flags
    if verb.binary:
        server.expect_request(path, method=verb.method).respond_with_data(
            b"%PDF-1.4 bytes", content_type="application/pdf")
    else:
        server.expect_request(path, method=verb.method).respond_with_json([{"ok": 1}, {"ok": 2}])
    result = run(*argv)
    assert result.code == 0, result
    (sent,) = api_requests(server)
    assert sent.method == verb.method and sent.path == path
    assert parse_qsl(sent.query_string.decode()) == expected_query
    assert (json.loads(sent.data) if sent.data else None) == body
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    if verb.binary:
        assert result.out == b"%PDF-1.4 bytes"
    else:
        assert result.records == [{"ok": 1}, {"ok": 2}]


def test_a_file_answer_goes_to_output_file(run, server, tmp_path):
    server.expect_request("/api/Invoice/PDF/7", method="POST").respond_with_data(
        b"%PDF-1.7 invoice", content_type="application/pdf")
    target = tmp_path / "inv.pdf"
    result = run("invoices", "pdf", "7", "-O", str(target))
    assert result.code == 0, result
    assert target.read_bytes() == b"%PDF-1.7 invoice"
    assert result.out == b""


def test_a_file_answer_is_not_written_to_a_terminal(run, server):
    result = run("invoices", "pdf", "7", stdout_tty=True)
    assert result.code == 2
    assert "-O" in result.err
    assert api_requests(server) == []


def test_upload_small_file_inline(run, server, tmp_path):
    server.expect_request("/api/Attachment", method="POST").respond_with_json(
        {"id": 31, "filename": "notes.txt"})
    source = tmp_path / "notes.txt"
    source.write_bytes(b"hello\n")
    result = run("attachments", "upload", str(source), "--ticket-id", "12", "--action-id", "3")
    assert result.code == 0, result
    assert result.records == [{"id": 31, "filename": "notes.txt"}]
    (sent,) = api_requests(server)
    assert json.loads(sent.data) == [{"filename": "notes.txt", "ticket_id": 12, "action_id": 3,
                                      "data_base64": base64.b64encode(b"hello\n").decode()}]


def test_upload_needs_a_ticket(run, server, tmp_path):
    source = tmp_path / "a.bin"
    source.write_bytes(b"x")
    result = run("attachments", "upload", str(source))
    assert result.code == 2
    assert api_requests(server) == []


def test_upload_large_file_through_presigned_url_without_the_token(run, server, tmp_path,
                                                                    monkeypatch):
    monkeypatch.setattr(attachments, "INLINE_LIMIT", 10)
    storage = HTTPServer(host="127.0.0.1")
    storage.start()
    try:
        storage.expect_request("/bucket/obj", method="PUT").respond_with_data("")
        server.expect_request("/api/Attachment/GetS3PresignedURL", method="POST").respond_with_json(
            [{"url": storage.url_for("/bucket/obj"), "_tempid": "t-1"}])
        server.expect_request("/api/Attachment/PresignedURLUploadComplete",
                              method="POST").respond_with_json({"id": 77, "filename": "big.bin"})
        source = tmp_path / "big.bin"
        source.write_bytes(b"0123456789abcdef" * 4)
        result = run("attachments", "upload", str(source), "--ticket-id", "5")
        assert result.code == 0, result
        assert result.records == [{"id": 77, "filename": "big.bin"}]
        (put,) = [r for r, _ in storage.log]
        assert put.data == b"0123456789abcdef" * 4
        assert "Authorization" not in put.headers
        ask, done = api_requests(server)
        assert json.loads(ask.data) == [{"filename": "big.bin", "ticket_id": 5, "filesize": 64}]
        assert json.loads(done.data)[0]["_tempid"] == "t-1"
    finally:
        storage.clear()
        storage.stop()


def test_download_bytes_metadata_and_document(run, server, tmp_path):
    server.expect_oneshot_request("/api/Attachment/1").respond_with_data(
        b"\x89PNG raw", content_type="image/png")
    assert run("attachments", "download", "1").out == b"\x89PNG raw"
    server.expect_oneshot_request("/api/Attachment/2").respond_with_json(
        {"id": 2, "data_base64": base64.b64encode(b"inline bytes").decode()})
    target = tmp_path / "two"
    assert run("attachments", "download", "2", "-O", str(target)).code == 0
    assert target.read_bytes() == b"inline bytes"
    server.expect_oneshot_request("/api/Attachment/3").respond_with_json({"id": 3, "filename": "f"})
    server.expect_oneshot_request("/api/Attachment/document/3").respond_with_data(
        b"doc bytes", content_type="application/octet-stream")
    assert run("attachments", "download", "3").out == b"doc bytes"
