"""--updated-since/--updated-until, relative dates on every date flag, and --checkpoint."""
import json
import os
from urllib.parse import parse_qsl

import pytest

from conftest import ROOT, api_requests, one_error_line
from fixedclock import NOW, clock_runner
from halo_lib.resources import BY_NAME, DATE, TIME

UPDATED_RESOURCES = ("tickets", "opportunities", "projects", "clients", "assets", "sites",
                     "users")


@pytest.fixture
def crun(server, tmp_path):
    return clock_runner(server, tmp_path)


def query_of(request):
    return parse_qsl(request.query_string.decode(), keep_blank_values=True)


def answer(records, key="tickets"):
    return {"page_no": 1, "page_size": 100, "record_count": len(records), key: records}


@pytest.mark.parametrize("name", UPDATED_RESOURCES)
def test_updated_since_and_until_reach_the_wire_as_utc(crun, server, name):
    resource = BY_NAME[name]
    server.expect_request("/api" + resource.path).respond_with_json([])
    result = crun(name, "list", "--updated-since", "24h",
                  "--updated-until", "2026-11-30T09:30:00+01:00")
    assert result.code == 0, result
    (sent,) = api_requests(server)
    query = query_of(sent)
    assert ("lastupdatefromdate", "2026-11-29T12:00:00Z") in query
    assert ("lastupdatetodate", "2026-11-30T08:30:00Z") in query


def test_updated_since_a_plain_date_is_sent_as_its_midnight_utc(crun, server):
    result = crun("--dry-run", "tickets", "list", "--updated-since", "2026-11-01")
    assert result.code == 0, result
    assert "lastupdatefromdate=2026-11-01T00%3A00%3A00Z" in result.records[0]["url"]


@pytest.mark.parametrize("text, sent", [
    ("90m", "2026-11-30T10:30:00Z"), ("7d", "2026-11-23T12:00:00Z"),
    ("2w", "2026-11-16T12:00:00Z"), ("2026-11-01", "2026-11-01"),
    ("2026-11-01T06:00", "2026-11-01T06:00:00Z"),
    ("2026-11-01 06:00:05.5-03:30", "2026-11-01T09:30:05.500000Z"),
])
def test_date_values_are_sent_as_documented(crun, server, text, sent):
    result = crun("--dry-run", "actions", "list", "--start-date", text)
    assert result.code == 0, result
    (shown,) = result.records
    assert shown["url"].endswith("/api/Actions?" + "startdate=" + sent.replace(":", "%3A"))
    assert api_requests(server) == []


def test_relative_dates_work_on_every_date_flag(crun, server):
    flags = [(r, v, o) for r in BY_NAME.values() for v in r.verbs()
             for o in v.filters if o.type in (DATE, TIME)]
    assert len(flags) > 10
    for resource, verb, opt in flags:
        argv = ["--dry-run", resource.name, verb.name]
        argv += ["1"] if verb.ids in ("one", "many") else []
        result = crun(*argv, "--" + opt.flag, "2w")
        assert result.code == 0, (resource.name, verb.name, opt.flag, result)
        assert f"{opt.name}=2026-11-16T12%3A00%3A00Z" in result.records[0]["url"]
    fields = [(r, o) for r in BY_NAME.values() for o in r.fields if o.type == DATE]
    assert fields
    for resource, opt in fields:
        result = crun("--dry-run", resource.name, "create", "--" + opt.flag, "90m")
        assert result.code == 0, (resource.name, opt.flag, result)
        assert result.records[0]["body"] == [{opt.name: "2026-11-30T10:30:00Z"}]


@pytest.mark.parametrize("bad", ["yesterday", "7y", "2026-02-30", "2026-11-30T25:00", "7 d"])
def test_a_bad_date_is_refused_before_sending(crun, server, bad):
    line = one_error_line(crun("tickets", "list", "--updated-since", bad), 2)
    assert "--updated-since" in line and bad in line
    assert api_requests(server) == []


def test_date_search_help_lists_its_values(crun):
    from halo_lib.resources import DATE_SEARCH_VALUES
    result = crun("tickets", "list", "--help")
    text = " ".join(result.out.decode().split())
    assert "--date-search {" + ",".join(DATE_SEARCH_VALUES) + "}" in text
    page = (ROOT / "man" / "halo-tickets.1").read_text()
    assert "|".join(DATE_SEARCH_VALUES) in page


def test_the_documented_date_search_values_are_halos(crun):
    """Halo's reference names dateoccured and datecleared; lastactiondate is the date of
    the last action Halo's ticket lists sort and search by."""
    from halo_lib.resources import DATE_SEARCH_VALUES
    assert set(DATE_SEARCH_VALUES) == {"dateoccured", "datecleared", "lastactiondate"}


@pytest.mark.parametrize("bad", ["fixbydate", "dateoccurred", "last_update", ""])
def test_a_date_search_value_halo_does_not_document_is_refused(crun, server, bad):
    line = one_error_line(crun("tickets", "list", "--date-search", bad,
                               "--start-date", "7d"), 2)
    assert "--date-search" in line and "dateoccured" in line
    assert api_requests(server) == []


def test_each_date_search_value_reaches_the_wire(crun, server):
    from halo_lib.resources import DATE_SEARCH_VALUES
    server.expect_request("/api/Tickets").respond_with_json(answer([]))
    for value in DATE_SEARCH_VALUES:
        assert crun("tickets", "list", "--date-search", value).code == 0
    sent = [dict(query_of(r)).get("datesearch") for r in api_requests(server)]
    assert sent == list(DATE_SEARCH_VALUES)


def test_the_readme_names_the_date_search_values_of_the_option():
    """Each README sentence about --date-search names exactly the option's values."""
    import re
    from halo_lib.resources import DATE_SEARCH_VALUES
    text = " ".join((ROOT / "README.md").read_text().split())
    sentences = [m.group(0) for m in re.finditer(r"`--date-search`[^.]*\.", text)]
    assert len(sentences) >= 2
    for sentence in sentences:
        named = [w for w in re.findall(r"`([a-z_]+)`", sentence)
                 if "date" in w and w != "datesearch"]
        assert named == list(DATE_SEARCH_VALUES), sentence


# ---------------------------------------------------------------- --checkpoint

def test_checkpoint_first_run_lists_everything_then_resumes(crun, server, tmp_path):
    state = tmp_path / "state" / "tickets.since"
    server.expect_request("/api/Tickets").respond_with_json(answer([{"id": 1}, {"id": 2}]))
    first = crun("tickets", "list", "--checkpoint", str(state))
    assert first.code == 0, first
    assert first.records == [{"id": 1}, {"id": 2}]
    assert all(k != "lastupdatefromdate" for k, _ in query_of(api_requests(server)[0]))
    # The run started when the server (its Date header) answered page 1; the file holds
    # that less the 5-minute overlap. Our own clock (NOW) does not count.
    saved = saved_by_the_servers_clock(state)

    second = crun("tickets", "list", "--checkpoint", str(state))
    assert second.code == 0, second
    assert ("lastupdatefromdate", saved) in query_of(api_requests(server)[1])
    assert saved_by_the_servers_clock(state) >= saved


def saved_by_the_servers_clock(state):
    """The saved time, checked to be the test server's clock (this machine's real one, in
    its Date header) less 5 minutes, give or take a loaded machine's seconds."""
    from datetime import datetime, timedelta, timezone
    text = state.read_text()
    saved = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ\n").replace(tzinfo=timezone.utc)
    late = datetime.now(timezone.utc) - timedelta(minutes=5) - saved
    assert timedelta(0) <= late < timedelta(seconds=60), text
    return text.strip()


def test_checkpoint_is_kept_when_the_run_fails(crun, server, tmp_path):
    state = tmp_path / "tickets.since"
    state.write_text("2026-11-01T00:00:00Z\n")
    server.expect_request("/api/Tickets").respond_with_data("no", status=400)
    result = crun("tickets", "list", "--checkpoint", str(state))
    assert result.code == 1, result
    assert ("lastupdatefromdate", "2026-11-01T00:00:00Z") in query_of(api_requests(server)[0])
    assert state.read_text() == "2026-11-01T00:00:00Z\n"


def test_checkpoint_is_kept_when_the_run_is_interrupted(crun, server, tmp_path):
    """SIGTERM while the first page is written: exit 143, FILE as it was."""
    import io
    import halo
    from halo_lib.io.streams import Interrupted, Streams
    state = tmp_path / "tickets.since"
    state.write_text("2026-11-01T00:00:00Z\n")
    server.expect_request("/api/Tickets").respond_with_json(answer([{"id": 1}]))

    class Stopping(io.BytesIO):
        def write(self, data):
            raise Interrupted(15)
    streams = Streams(stdin=io.BytesIO(), stdout=Stopping(), stderr=io.StringIO(), env=crun.env,
                      stdin_tty=False, stdout_tty=False, stderr_tty=False, now=lambda: NOW)
    code = halo.main(["tickets", "list", "--checkpoint", str(state)], streams)
    assert code == 143
    assert state.read_text() == "2026-11-01T00:00:00Z\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tickets")] == []


def test_corrupt_checkpoint_is_exit_2_naming_it(crun, server, tmp_path):
    state = tmp_path / "tickets.since"
    state.write_text("last tuesday\n")
    line = one_error_line(crun("tickets", "list", "--checkpoint", str(state)), 2)
    assert str(state) in line and "corrupt" in line
    assert api_requests(server) == []
    assert state.read_text() == "last tuesday\n"


def test_checkpoint_refuses_limit_and_updated_since(crun, server, tmp_path):
    state = str(tmp_path / "x.since")
    for extra in (["--limit", "5"], ["--updated-since", "1d"]):
        one_error_line(crun("tickets", "list", "--checkpoint", state, *extra), 2)
    assert api_requests(server) == []
    assert not os.path.exists(state)


@pytest.mark.parametrize("extra", [
    ["--updated-until", "2023-02-01"],
    ["--param", "lastupdatetodate=2023-02-01"],
    ["--param", "lastupdatefromdate=2023-01-01"],
    ["--end-date", "1d"],
    ["--date-search", "lastactiondate", "--end-date", "90m"],
])
def test_checkpoint_refuses_an_upper_time_bound_that_would_skip_records(crun, server, tmp_path,
                                                                        extra):
    """A run that stops short of now would save now less 5 minutes; the records changed
    between the bound and now would never be listed."""
    state = tmp_path / "x.since"
    state.write_text("2023-01-01T00:00:00Z\n")
    line = one_error_line(crun("tickets", "list", "--checkpoint", str(state), *extra), 2)
    assert "--checkpoint" in line
    assert api_requests(server) == []
    assert state.read_text() == "2023-01-01T00:00:00Z\n"


@pytest.mark.parametrize("extra", [["--start-date", "7d"], ["--end-date", "2026-01-01"],
                                   ["--param", "enddate=2026-01-01"]])
def test_checkpoint_keeps_date_bounds_that_never_let_a_dropped_record_back(crun, server,
                                                                             tmp_path, extra):
    """A lower bound, or a fixed end on a date that only moves forward, drops records that
    stay dropped: they may go with a checkpoint."""
    state = tmp_path / "x.since"
    server.expect_request("/api/Tickets").respond_with_json(answer([{"id": 1}]))
    result = crun("tickets", "list", "--checkpoint", str(state), *extra)
    assert result.code == 0, result
    saved_by_the_servers_clock(state)


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_checkpoint_file_name_is_a_usage_error(crun, server, value):
    line = one_error_line(crun("tickets", "list", "--checkpoint", value), 2)
    assert "--checkpoint" in line
    assert api_requests(server) == []


def test_checkpoint_dry_run_shows_the_request_and_saves_nothing(crun, server, tmp_path):
    state = tmp_path / "tickets.since"
    state.write_text("2026-11-01T00:00:00Z\n")
    result = crun("--dry-run", "clients", "list", "--checkpoint", str(state))
    assert result.code == 0, result
    assert "lastupdatefromdate=2026-11-01T00%3A00%3A00Z" in result.records[0]["url"]
    assert state.read_text() == "2026-11-01T00:00:00Z\n"


def test_checkpoint_only_on_lists_that_filter_by_last_update(crun):
    result = crun("invoices", "list", "--checkpoint", "x")
    assert result.code == 2 and "unrecognized arguments" in result.err


@pytest.mark.parametrize("kind", ["fifo", "null device"])
def test_a_checkpoint_that_is_not_a_regular_file_is_exit_2_and_left_alone(crun, server,
                                                                          tmp_path, kind):
    import stat
    import threading
    state = tmp_path / "tickets.since"
    if kind == "fifo":
        os.mkfifo(state)
    else:
        if os.geteuid() != 0:
            pytest.skip("mknod needs root")
        os.mknod(state, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    results = []
    worker = threading.Thread(daemon=True, target=lambda: results.append(
        crun("tickets", "list", "--checkpoint", str(state))))
    worker.start()
    worker.join(20)
    assert results, "halo hung on the checkpoint"
    line = one_error_line(results[0], 2)
    assert str(state) in line and "not a regular file" in line
    assert api_requests(server) == []
    mode = os.lstat(state).st_mode
    assert stat.S_ISFIFO(mode) if kind == "fifo" else stat.S_ISCHR(mode)
