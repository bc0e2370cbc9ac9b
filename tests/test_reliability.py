"""Faults on lists and bulk writes: every record exactly once, or a clear failure."""
import json

import pytest

from conftest import runner_for
from faultserver import FaultServer


@pytest.fixture
def faulty(tmp_path):
    server = FaultServer(total=5000).start()
    yield server
    server.stop()


@pytest.fixture
def halo(faulty, tmp_path):
    return runner_for(faulty.url, tmp_path)


def ids_of(result):
    return [json.loads(line)["id"] for line in result.lines]


FAULTS = ["429", "429-bare", "503", "drop", "truncated", "500-html", "hang"]


@pytest.mark.parametrize("fault", FAULTS)
def test_list_survives_a_fault_with_every_record_once_in_order(halo, faulty, fault):
    for page in (2, 17, 50):
        faulty.faults[page] = [fault]
    result = halo("--timeout", "0.5", "tickets", "list", "--page-size", "100")
    assert result.code == 0, result
    assert ids_of(result) == list(range(1, 5001))
    assert result.err == ""
    assert sorted(set(faulty.pages_requested())) == list(range(1, 51))


def test_retry_after_is_honoured(halo, faulty):
    faulty.faults[3] = ["429"]
    result = halo("tickets", "list", "--page-size", "100", "--concurrency", "1")
    assert result.code == 0
    assert 2.0 in halo.sleeps


def test_a_token_that_expires_mid_stream_is_replaced_once(halo, faulty):
    faulty.faults[25] = ["expire"]
    result = halo("tickets", "list", "--page-size", "100")
    assert result.code == 0, result
    assert ids_of(result) == list(range(1, 5001))
    assert faulty.issued == 2


@pytest.mark.parametrize("retries", [0, 2, 4])
def test_retries_run_out_with_a_clear_message(halo, faulty, retries):
    faulty.faults[7] = ["503"] * 20
    result = halo("--retries", str(retries), "tickets", "list", "--page-size", "100")
    assert result.code == 5
    assert faulty.pages_requested().count(7) == retries + 1
    (line,) = result.err.splitlines()
    assert "page 7" in line and "503" in line and f"{retries + 1} tr" in line
    # Records before the failing page were written, in order, and nothing after it.
    assert ids_of(result) == list(range(1, 601))


def test_backoff_is_capped_without_a_rate_budget(halo, faulty):
    faulty.faults[2] = ["429-bare"] * 30
    result = halo("--rate", "off", "--retries", "12", "tickets", "list", "--page-size", "100")
    assert result.code == 5
    assert halo.sleeps and max(halo.sleeps) <= 20.0


def test_a_bare_429_waits_a_second_not_the_whole_window(halo, faulty):
    faulty.faults[2] = ["429-bare"]
    result = halo("--rate", "50/40s", "tickets", "list", "--page-size", "100")
    assert result.code == 0, result
    assert ids_of(result) == list(range(1, 5001))
    # A blip: a second's wait, not until the window frees (40 s). The budget itself then
    # waits once, for the 53 requests at 50 per 40 s.
    assert halo.sleeps[0] == 1.0, halo.sleeps
    assert len([s for s in halo.sleeps if s > 1]) == 1, halo.sleeps


def test_concurrency_drops_to_one_after_a_429(halo, faulty):
    faulty.faults[2] = ["429"]
    result = halo("tickets", "list", "--page-size", "100", "--concurrency", "4")
    assert result.code == 0
    assert ids_of(result) == list(range(1, 5001))


# ------------------------------------------------------------------ bulk writes

def ndjson(records):
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def test_refused_records_are_reported_and_can_be_fed_back(halo, faulty, tmp_path):
    records = [{"n": i, "summary": f"s{i}"} for i in range(1, 11)]
    records[4]["bad"] = True            # batch 2 of 3-record batches
    failed = tmp_path / "failed.ndjson"
    result = halo("tickets", "create", "-", "--batch-size", "3", "--failed", str(failed),
                  stdin=ndjson(records))
    assert result.code == 1
    saved = [r["n"] for r in result.records]
    assert saved == [1, 2, 3, 4, 6, 7, 8, 9, 10]     # the batch was split around record 5
    refused = [json.loads(line) for line in failed.read_text().splitlines()]
    assert [r["n"] for r in refused] == [5]
    assert "halo: record 5 failed" in result.err
    # Fix the record and feed the file back: exactly the missing ones are created.
    fixed = [{k: v for k, v in r.items() if k != "bad"} for r in refused]
    again = halo("tickets", "create", "-", stdin=ndjson(fixed))
    assert again.code == 0
    assert sorted(r["n"] for r in faulty.saved) == list(range(1, 11))


def test_refused_records_go_to_stderr_as_ndjson_without_failed_file(halo, faulty):
    records = [{"n": 1}, {"n": 2, "bad": True}]
    result = halo("tickets", "create", "-", stdin=ndjson(records))
    assert result.code == 1
    assert [r["n"] for r in result.records] == [1]
    reports = [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]
    assert [(r["number"], r["record"]["n"]) for r in reports] == [(2, 2)]
    assert all("400" in r["error"] for r in reports)


def test_a_create_that_may_have_reached_the_server_is_not_repeated(halo, faulty):
    faulty.write_faults = ["hang"]
    records = [{"n": 1}, {"n": 2}]
    result = halo("--timeout", "0.5", "tickets", "create", "-", "--batch-size", "1",
                  stdin=ndjson(records))
    posts = [entry for entry in faulty.log if entry[0] == "POST" and entry[1] == "/api/Tickets"]
    assert len(posts) == 1            # not retried, and the rest not sent after it
    assert result.code == 5
    reports = [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]
    assert reports[0]["outcome"] == "unknown" and reports[0]["record"] == {"n": 1}
    assert reports[1]["outcome"] == "not sent" and reports[1]["record"] == {"n": 2}


def test_a_throttled_create_is_retried(halo, faulty):
    faulty.write_faults = ["429"]
    result = halo("tickets", "create", '{"n": 1}')
    assert result.code == 0
    assert [r["n"] for r in faulty.saved] == [1]


def test_a_create_answered_500_is_not_repeated(halo, faulty):
    faulty.write_faults = ["500"]
    result = halo("tickets", "create", '{"n": 1}')
    assert result.code == 5
    (report,) = [json.loads(line) for line in result.err.splitlines() if line.startswith("{")]
    assert report["outcome"] == "unknown" and "500" in report["error"]
    assert faulty.saved == []
    posts = [entry for entry in faulty.log if entry[0] == "POST" and entry[1] == "/api/Tickets"]
    assert len(posts) == 1
