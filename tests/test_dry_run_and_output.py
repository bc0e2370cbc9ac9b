"""--dry-run prints the planned requests and nothing else; an -o json array is closed
exactly once, by whatever ran the command, whichever verb it was."""
import hashlib
import json

import pytest

from conftest import api_requests


def _file_facts(path):
    data = path.read_bytes()
    return {"file": str(path), "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def test_json_output_of_an_upload_to_the_sandbox_is_its_record(bare, tmp_path):
    source = tmp_path / "notes.txt"
    source.write_bytes(b"hello\n")
    result = bare("--sandbox", "-o", "json", "attachments", "upload", str(source),
                  "--ticket-id", "3")
    assert result.code == 0, result
    record = json.loads(result.out)
    assert record["filename"] == "notes.txt"


def test_dry_run_of_a_small_upload_shows_the_file_not_its_contents(run, server, tmp_path):
    source = tmp_path / "notes.txt"
    source.write_bytes(b"hello, this is the file\n" * 20)
    result = run("--dry-run", "attachments", "upload", str(source), "--ticket-id", "12")
    assert result.code == 0, result
    (request,) = result.records
    assert request["method"] == "POST"
    assert request["url"].endswith("/api/Attachment")
    (record,) = request["body"]
    assert record["filename"] == "notes.txt"
    assert record["ticket_id"] == 12
    assert record["data_base64"] == _file_facts(source)
    assert b"aGVsbG8" not in result.out   # no base64 of the contents
    assert api_requests(server) == []


def test_dry_run_of_a_large_upload_shows_its_requests_and_no_made_up_record(run, server,
                                                                           tmp_path):
    source = tmp_path / "big.bin"
    source.write_bytes(b"\x01" * (4 * 1024 * 1024 + 1))
    result = run("--dry-run", "attachments", "upload", str(source), "--ticket-id", "5")
    assert result.code == 0, result
    requests = result.records
    assert all(set(r) >= {"method", "url", "body"} for r in requests), requests
    ask = requests[0]
    assert ask["url"].endswith("/api/Attachment/GetS3PresignedURL")
    assert ask["body"] == [{"filename": "big.bin", "ticket_id": 5,
                            "filesize": 4 * 1024 * 1024 + 1}]
    assert any(r["body"] == _file_facts(source) for r in requests[1:]), requests
    assert len(result.out) < 4096
    assert api_requests(server) == []


@pytest.mark.parametrize("argv", [
    ("tickets", "delete", "1", "2"),
    ("tickets", "get", "1"),
    ("tickets", "list", "--limit", "5"),
    ("tickets", "create", '{"summary": "x"}'),
    ("invoices", "pdf", "7"),
    ("request", "GET", "/Tickets"),
], ids=lambda argv: " ".join(argv[:2]))
def test_dry_run_with_json_output_prints_only_the_requests(run, server, argv):
    result = run("--dry-run", "-o", "json", *argv)
    assert result.code == 0, result
    assert result.records, result
    assert all(isinstance(r, dict) and "method" in r for r in result.records), result
    assert api_requests(server) == []
