"""Invocation -> requests and output, running only (like gh's tests of listRun with an
http registry): invocations built by hand, no command line, and an injected transport that
answers like Halo and records what it was sent."""
import io
import json

import pytest

from halo_lib.config import Settings
from halo_lib.errors import NotFound, UsageError
from halo_lib.http.transport import Response
from halo_lib.invocation import Invocation, Paging, Presentation, Writing
from halo_lib.io.streams import Streams
from halo_lib.resources import BY_NAME
from halo_lib.run.execute import run
from halo_lib.run.kinds import kind_named

URL = "https://acme.example"


class FakeTransport:
    """Answers the token request and then each API request from `answers`, by method and
    path; keeps every API request it was sent as (method, path?query, body)."""

    throttled = False

    def __init__(self, answers):
        self.answers = answers
        self.sent = []

    def send(self, method, url, headers=None, body=None, idempotent=None, parse=None,
             what=None, retries=None, consume=None, same_origin=False):
        if url.endswith("/api/authinfo"):
            raise NotFound("GET /api/authinfo: 404", 404)
        if "/auth/token" in url:
            answer = Response(200, {"Content-Type": "application/json"},
                              b'{"access_token": "tok", "expires_in": 3600}', url)
            return answer, parse(answer) if parse else None
        path = url[len(URL) + len("/api"):]
        self.sent.append((method, path, json.loads(body) if body else None))
        status, doc = self.answers[(method, path.split("?")[0])]
        data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        kind = "application/octet-stream" if isinstance(doc, bytes) else "application/json"
        answer = Response(status, {"Content-Type": kind}, data, url)
        if consume is not None:          # a file answer is streamed by whoever asked
            written = consume(answer, iter([data]))
            if written is not None:
                return answer, written
        return answer, parse(answer) if parse else None


def execute(invocation, answers=None, stdin=b""):
    out, err = io.BytesIO(), io.StringIO()
    streams = Streams(stdin=io.BytesIO(stdin), stdout=out, stderr=err, env={},
                      stdin_tty=False, stdout_tty=False, stderr_tty=False)
    transport = FakeTransport(answers or {})
    settings = Settings(url=URL, client_id="cid", client_secret="secret", config_path="-")
    code = run(invocation, streams, settings=settings, transport=transport)
    return code, out.getvalue(), err.getvalue(), transport.sent


def invocation(resource, verb, **facts):
    resource = BY_NAME[resource]
    verb = resource.verb(verb)
    return Invocation(kind=kind_named(verb.kind), resource=resource, verb=verb, **facts)


def opt(resource, verb, name, group="filters"):
    found = getattr(BY_NAME[resource].verb(verb), group)
    return next(o for o in found if o.name == name)


def test_a_list_sends_its_typed_filters_and_pages_and_writes_ndjson():
    inv = invocation("tickets", "list", filters=((opt("tickets", "list", "client_id"), 12),),
                     paging=Paging(page_size=2))
    answers = {("GET", "/Tickets"): (200, {"record_count": 2, "tickets": [{"id": 1}, {"id": 2}]})}
    code, out, err, sent = execute(inv, answers)
    assert code == 0, err
    assert out == b'{"id":1}\n{"id":2}\n'
    (request,) = sent
    assert request[1] == "/Tickets?client_id=12&pageinate=true&page_size=2&page_no=1"


def test_dry_run_prints_the_planned_requests_and_sends_nothing():
    inv = invocation("tickets", "delete", ids=(4, 5), dry_run=True,
                     presentation=Presentation(format="json"))
    code, out, _, sent = execute(inv)
    assert code == 0 and sent == []
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(r["method"], r["url"]) for r in lines] == [
        ("DELETE", f"{URL}/api/Tickets/4"), ("DELETE", f"{URL}/api/Tickets/5")]


def test_a_create_posts_its_batches_and_writes_what_was_saved():
    inv = invocation("tickets", "create", writing=Writing(body="-", batch_size=2))
    answers = {("POST", "/Tickets"): (200, [{"id": 100}, {"id": 101}])}
    code, out, _, sent = execute(inv, answers, stdin=b'{"summary":"a"}\n{"summary":"b"}\n'
                                                      b'{"summary":"c"}\n')
    assert code == 0
    assert [body for _, _, body in sent] == [[{"summary": "a"}, {"summary": "b"}],
                                            [{"summary": "c"}]]
    assert out.count(b"\n") == 4


def test_a_refused_batch_is_reported_per_record_and_is_exit_1():
    # records that carry their ids: a bulk write (update ID alone fails as one request)
    inv = invocation("tickets", "update", writing=Writing(body='[{"id": 9, "summary": "x"}]'))

    class Refusing(FakeTransport):
        def send(self, method, url, **kwargs):
            if url.endswith("/api/Tickets"):
                from halo_lib.errors import ApiError
                self.sent.append((method, url, None))
                raise ApiError("POST /api/Tickets: 400 bad", 400)
            return super().send(method, url, **kwargs)
    out, err = io.BytesIO(), io.StringIO()
    streams = Streams(stdin=io.BytesIO(), stdout=out, stderr=err, env={}, stdin_tty=False,
                      stdout_tty=False, stderr_tty=False)
    settings = Settings(url=URL, client_id="cid", client_secret="secret", config_path="-")
    code = run(inv, streams, settings=settings, transport=Refusing({}))
    assert code == 1 and out.getvalue() == b""
    report = json.loads(err.getvalue().splitlines()[0])
    assert report["outcome"] == "failed" and report["record"] == {"id": 9, "summary": "x"}


def test_an_empty_answer_to_get_is_not_found():
    inv = invocation("tickets", "get", ids=(3,))
    with pytest.raises(NotFound):
        execute(inv, {("GET", "/Tickets/3"): (200, {})})


def test_json_output_of_one_document_is_that_document_written_once():
    inv = invocation("agents", "me", presentation=Presentation(format="json"))
    code, out, _, _ = execute(inv, {("GET", "/Agent/me"): (200, {"id": 1, "name": "A"})})
    assert code == 0 and out == b'{"id":1,"name":"A"}\n'


def test_json_output_of_a_delete_is_one_array_even_of_one():
    inv = invocation("tickets", "delete", ids=(4,), presentation=Presentation(format="json"))
    code, out, _, _ = execute(inv, {("DELETE", "/Tickets/4"): (200, b"")})
    assert code == 0 and json.loads(out) == [{"id": 4, "deleted": True}]


def test_a_file_answer_goes_to_stdout_as_bytes():
    inv = invocation("invoices", "pdf", ids=(7,))
    code, out, _, sent = execute(inv, {("POST", "/Invoice/PDF/7"): (200, b"%PDF-1.4")})
    assert code == 0 and out == b"%PDF-1.4"


def test_planning_errors_come_before_any_request():
    inv = invocation("tickets", "create", writing=Writing(body='{"id": 5}'))
    with pytest.raises(UsageError, match="has an id"):
        execute(inv)
