"""argv -> Invocation, parsing only (like gh's tests of NewCmdX with a runF that keeps the
options): the typed invocation each command line gives, and nothing run or sent."""

import pytest

from halo_lib.cli import parse
from halo_lib.errors import Exit, UsageError
from halo_lib.invocation import SandboxOptions
from halo_lib.resources import BY_NAME


def parsed(*argv):
    return parse(list(argv), out=lambda text: None)


def named(pairs):
    """(Opt, value) pairs as {Halo name: value}."""
    return {opt.name: value for opt, value in pairs}


def test_a_list_gives_its_kind_typed_filters_paging_and_output():
    inv = parsed("-o", "json", "tickets", "list", "--client-id", "12", "--open-only",
                 "--limit", "5", "--param", "a=b", "--query", "id", "-r")
    assert inv.kind.name == "list"
    assert inv.resource is BY_NAME["tickets"] and inv.verb.name == "list"
    assert named(inv.filters) == {"client_id": 12, "open_only": True}
    assert inv.params == (("a", "b"),)
    assert (inv.paging.limit, inv.paging.page_size, inv.paging.concurrency) == (5, None, None)
    assert (inv.presentation.format, inv.presentation.query, inv.presentation.raw) == \
        ("json", "id", True)
    assert not inv.dry_run


def test_filters_keep_the_tables_order_whatever_the_command_lines_order():
    inv = parsed("tickets", "list", "--open-only", "--client-id", "3")
    order = [opt.name for opt in BY_NAME["tickets"].verb("list").filters]
    assert [opt.name for opt, _ in inv.filters] == sorted(
        ["client_id", "open_only"], key=order.index)


def test_a_global_flag_before_the_resource_and_the_verbs_own_flag_of_that_name():
    inv = parsed("--client-id", "APP", "tickets", "list", "--client-id", "12")
    assert inv.connection.client_id == "APP"
    assert named(inv.filters) == {"client_id": 12}


def test_global_flags_after_the_verb_are_connection_settings():
    inv = parsed("tickets", "get", "7", "--url", "https://a.example", "--timeout", "2.5",
                 "--retries", "0", "--dry-run", "-v")
    assert inv.ids == (7,)
    c = inv.connection
    assert (c.url, c.timeout, c.retries, c.verbose) == ("https://a.example", 2.5, 0, True)
    assert inv.dry_run


def test_update_with_a_body_in_place_of_the_id():
    inv = parsed("tickets", "update", "-")
    assert inv.ids == () and inv.writing.body == "-"


def test_update_with_an_id_fields_and_batches():
    inv = parsed("tickets", "update", "12", "-F", "status_id=9", "-f", "note=01",
                 "--status-id", "4", "--batch-size", "10", "--failed", "out.ndjson")
    assert inv.ids == (12,)
    assert inv.writing.typed_fields == (("status_id", "9"),)
    assert inv.writing.raw_fields == (("note", "01"),)
    assert named(inv.fields) == {"status_id": 4}
    assert (inv.writing.batch_size, inv.writing.failed) == (10, "out.ndjson")


def test_update_with_an_id_that_is_no_id_is_a_usage_error():
    with pytest.raises(UsageError, match="invalid id 'abc' for tickets"):
        parsed("tickets", "update", "abc")


def test_delete_takes_typed_ids():
    assert parsed("tickets", "delete", "1", "2").ids == (1, 2)
    with pytest.raises(UsageError):
        parsed("tickets", "delete", "1", "x")


def test_upload_gives_the_file_and_its_fields():
    inv = parsed("attachments", "upload", "a.pdf", "--ticket-id", "3")
    assert inv.kind.name == "upload" and inv.file == "a.pdf"
    assert named(inv.fields) == {"ticket_id": 3}


def test_request_upper_cases_the_method_and_keeps_the_path():
    inv = parsed("request", "get", "/Tickets?x=1", "--paginate", "--page-size", "25")
    assert (inv.kind.name, inv.method, inv.path, inv.paginate) == \
        ("request", "GET", "/Tickets?x=1", True)
    assert inv.resource is None and inv.paging.page_size == 25


def test_local_commands_carry_their_own_options():
    assert parsed("configure", "--test").local.test is True
    assert parsed("sandbox", "--port", "5", "--fail-rate", "0.5").local == \
        SandboxOptions(port=5, records=1000, seed=1, latency=0, fail_rate=0.5)


def test_the_invocation_cannot_be_changed():
    inv = parsed("tickets", "get", "1")
    with pytest.raises(AttributeError):
        inv.ids = (2,)


@pytest.mark.parametrize("argv, message", [
    (("tickest", "list"), "unknown command 'tickest'; did you mean 'tickets'?"),
    (("tickets", "lsit"), "unknown verb 'lsit'; did you mean 'list'?"),
    (("tickets", "list", "--nope"), "see 'halo tickets list --help'"),
    (("tickets", "list", "--limit", "0"), "--limit"),
])
def test_bad_command_lines_are_usage_errors(argv, message):
    with pytest.raises(UsageError, match=message.replace("?", r"\?")):
        parsed(*argv)


def test_help_ends_the_parse_with_its_text():
    shown = []
    with pytest.raises(Exit):
        parse(["tickets", "list", "--help"], out=shown.append)
    text = " ".join("".join(shown).split())   # as wrapped to any terminal width
    assert "--client-id ID|NAME" in text
    assert "[query client_id; id or name of clients]" in text


@pytest.mark.parametrize("argv", [["tickets", "list"], ["request", "GET", "/x"]])
def test_concurrency_help_tells_the_adaptive_default(bare, argv):
    """The README says the list adapts up to 8 pages ahead: --help must say the same."""
    from halo_lib.http.paging import DEFAULT_CONCURRENCY
    result = bare(*argv, "--help")
    text = " ".join(result.out.decode().split())
    assert "default 4" not in text
    assert f"1 up to {DEFAULT_CONCURRENCY})" in text, text
