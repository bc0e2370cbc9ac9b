"""The sandbox server (halo_lib.sandbox) seen from the wire, with stdlib HTTP only."""

import base64
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest

from conftest import imported_modules
from halo_lib.resources import BY_NAME, RESOURCES
from halo_lib.sandbox import Sandbox

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Api:
    """A tiny client on one keep-alive connection: call() -> (status, headers, payload)."""

    def __init__(self, sb, token="fetch"):
        self.sb = sb
        self.conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=10)
        self.token = fetch_token(sb) if token == "fetch" else token

    def call(self, method, path, body=None, headers=None, raw=False):
        hdrs = dict(headers or {})
        if self.token:
            hdrs.setdefault("Authorization", f"Bearer {self.token}")
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        self.conn.request(method, path, body=body, headers=hdrs)
        resp = self.conn.getresponse()
        data = resp.read()
        if raw:
            return resp.status, resp, data
        return resp.status, resp, json.loads(data) if data else None

    def get(self, path, **params):
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        status, _, payload = self.call("GET", path + query)
        assert status == 200, (path, status, payload)
        return payload

    def close(self):
        self.conn.close()


def token_request(sb, secret=None, query="", **extra):
    form = {"grant_type": "client_credentials", "client_id": sb.client_id,
            "client_secret": sb.client_secret if secret is None else secret, **extra}
    req = urllib.request.Request(f"{sb.url}/auth/token{query}",
                                 data=urllib.parse.urlencode(form).encode(), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def fetch_token(sb):
    status, answer = token_request(sb, scope="all")
    assert status == 200, answer
    return answer["access_token"]


def api_path(resource):
    return "/api" + resource.path


def records_of(answer, resource):
    return answer if resource.key is None else answer[resource.key]


@pytest.fixture(scope="module")
def sb():
    """A shared sandbox for read-only tests (tests that write start their own)."""
    with Sandbox(records=120, seed=1) as sandbox:
        yield sandbox


@pytest.fixture
def api(sb):
    client = Api(sb)
    yield client
    client.close()


@pytest.fixture
def fresh():
    with Sandbox(records=60, seed=3) as sandbox:
        client = Api(sandbox)
        yield sandbox, client
        client.close()


# ---- authentication ------------------------------------------------------------------------

def test_token_grants_access(sb):
    status, answer = token_request(sb, query="?tenant=anything", scope="all")
    assert status == 200
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 3600
    assert Api(sb, token=answer["access_token"]).call("GET", "/api/Tickets/1")[0] == 200


def test_wrong_secret_is_refused(sb):
    assert token_request(sb, secret="nope") == (401, {"error": "invalid_client"})


def test_wrong_grant_type_is_refused(sb):
    status, answer = token_request(sb, grant_type="password")
    assert status == 400 and answer["error"] == "unsupported_grant_type"


@pytest.mark.parametrize("auth", [None, "Bearer not-a-token", "Basic abc"])
def test_api_needs_an_issued_bearer_token(sb, auth):
    client = Api(sb, token=None)
    status, resp, _ = client.call("GET", "/api/Tickets", headers={"Authorization": auth}
                                  if auth else None)
    assert status == 401 and resp.getheader("WWW-Authenticate").startswith("Bearer")


def test_authinfo_needs_no_token(sb):
    status, _, answer = Api(sb, token=None).call("GET", "/api/authinfo")
    assert status == 200 and answer == {"auth_url": f"{sb.url}/auth", "tenant_id": "sandbox"}


def test_tokens_expire_and_can_be_revoked():
    with Sandbox(records=5, token_ttl=0.2) as sandbox:
        client = Api(sandbox)
        assert client.call("GET", "/api/Tickets/1")[0] == 200
        time.sleep(0.3)
        assert client.call("GET", "/api/Tickets/1")[0] == 401
        client.token = fetch_token(sandbox)
        assert client.call("GET", "/api/Tickets/1")[0] == 200
        sandbox.revoke_tokens()
        assert client.call("GET", "/api/Tickets/1")[0] == 401


# ---- lists -----------------------------------------------------------------------------------

def test_first_and_last_pages(api):
    first = api.get("/api/Tickets", pageinate="true", page_size=50, page_no=1)
    assert (first["page_no"], first["page_size"], first["record_count"]) == (1, 50, 120)
    assert [t["id"] for t in first["tickets"]] == list(range(1, 51))
    last = api.get("/api/Tickets", pageinate="true", page_size=50, page_no=3)
    assert [t["id"] for t in last["tickets"]] == list(range(101, 121))   # a short page
    beyond = api.get("/api/Tickets", pageinate="true", page_size=50, page_no=4)
    assert beyond["tickets"] == [] and beyond["record_count"] == 120


def test_paging_keys_come_in_halo_order(api):
    answer = api.get("/api/Tickets", pageinate="true", page_size=2)
    assert list(answer) == ["page_no", "page_size", "record_count", "tickets"]


def test_without_pageinate_a_paged_list_answers_everything(api):
    answer = api.get("/api/Tickets")
    assert answer["record_count"] == 120 and len(answer["tickets"]) == 120


def test_count_caps_every_list(api):
    assert len(api.get("/api/Tickets", count=7)["tickets"]) == 7
    assert len(api.get("/api/Status", count=3)) == 3
    assert len(api.get("/api/Actions", count=4)["actions"]) == 4


def test_bad_paging_parameters_are_refused(api):
    assert api.call("GET", "/api/Tickets?pageinate=true&page_size=ten")[0] == 400


def test_page_size_is_capped():
    with Sandbox(records=30, max_page_size=10) as sandbox:
        answer = Api(sandbox).get("/api/Tickets", pageinate="true", page_size=25)
        assert answer["page_size"] == 10 and len(answer["tickets"]) == 10


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_list_has_the_shape_of_the_table(api, resource):
    answer = api.get(api_path(resource), pageinate="true", page_size=2)
    if resource.key is None:
        assert isinstance(answer, list)           # plain array, paging ignored
    elif resource.paged:
        assert answer["page_no"] == 1 and len(answer[resource.key]) <= 2
    else:
        assert set(answer) == {"record_count", resource.key}
        assert answer["record_count"] == len(answer[resource.key])
    records = records_of(answer, resource)
    assert records and all("id" in r for r in records)


def test_paths_are_case_insensitive(api):
    one = api.get("/api/Tickets/7")
    assert api.get("/api/tickets/7") == one == api.get("/API/TICKETS/7")
    assert api.get("/api/kbarticle", count=1)["articles"]


# ---- single records --------------------------------------------------------------------------

def test_get_and_not_found(api):
    ticket = api.get("/api/Tickets/12")
    assert ticket["id"] == 12 and ticket["summary"]
    assert ticket["dateoccurred"].endswith("Z")
    status, _, answer = api.call("GET", "/api/Tickets/999999")
    assert status == 404 and "message" in answer


@pytest.mark.parametrize("path", ["/api/Tickets/abc", "/api/Tickets/-1", "/api/Webhook/12"])
def test_bad_ids_are_refused(api, path):
    assert api.call("GET", path)[0] == 400


def test_string_and_uuid_ids_resolve(api):
    for path in ("/api/Webhook", "/api/Priority"):
        first = api.get(path)[0]
        assert api.get(f"{path}/{first['id']}") == first
        assert api.get(f"{path}/{first['id'].upper()}") == first


def test_generated_records_link_up(api):
    ticket = api.get("/api/Tickets/3")
    client = api.get(f"/api/Client/{ticket['client_id']}")
    user = api.get(f"/api/Users/{ticket['user_id']}")
    assert client["name"] == ticket["client_name"] == user["client_name"]
    assert user["emailaddress"].endswith(client["website"].split("www.")[1])
    assert api.get(f"/api/Agent/{ticket['agent_id']}")["name"] == ticket["agent_name"]
    actions = api.get("/api/Actions", ticket_id=3)["actions"]
    assert 1 <= len(actions) <= 4 and {a["ticket_id"] for a in actions} == {3}


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r.me], ids=lambda r: r.name)
def test_me_endpoints(api, resource):
    me = api.get(f"{api_path(resource)}/me")
    assert me["id"] and me["name"]


# ---- writes ------------------------------------------------------------------------------------

def new_fields(resource):
    fields = {"name": f"Sandbox {resource.name}", "note": "made by a test"}
    if resource.key == "tickets":
        fields["summary"] = "Created by the test suite"
    if resource.name == "actions":   # an action belongs to a ticket that exists
        fields["ticket_id"] = 1
    return fields


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_create_update_delete_round_trip(fresh, resource):
    sb, api = fresh
    status, _, created = api.call("POST", api_path(resource), [new_fields(resource)])
    assert status == 200 and isinstance(created, dict) and created["note"] == "made by a test"
    rid = created["id"]
    assert api.get(f"{api_path(resource)}/{rid}") == created
    listed = records_of(api.get(api_path(resource)), resource)
    assert created in listed

    status, _, updated = api.call("POST", api_path(resource), [{"id": rid, "note": "changed"}])
    assert status == 200 and updated == {**created, "note": "changed"}
    assert api.get(f"{api_path(resource)}/{rid}")["note"] == "changed"

    status, resp, body = api.call("DELETE", f"{api_path(resource)}/{rid}", raw=True)
    if resource.deletable:
        assert (status, body) == (200, b"")
        assert api.call("GET", f"{api_path(resource)}/{rid}")[0] == 404
        assert api.call("DELETE", f"{api_path(resource)}/{rid}")[0] == 404
    else:
        assert status == 405 and "DELETE" not in resp.getheader("Allow")
        assert api.get(f"{api_path(resource)}/{rid}")["note"] == "changed"


def test_deleting_a_generated_record_shifts_the_pages(fresh):
    sb, api = fresh
    assert api.call("DELETE", "/api/Tickets/2")[0] == 200
    page = api.get("/api/Tickets", pageinate="true", page_size=3)
    assert page["record_count"] == 59 and [t["id"] for t in page["tickets"]] == [1, 3, 4]


def test_a_batch_answers_an_array_and_ids_follow_on(fresh):
    sb, api = fresh
    status, _, saved = api.call("POST", "/api/Tickets",
                                [{"summary": "one"}, {"summary": "two"}])
    assert status == 200 and [t["id"] for t in saved] == [61, 62]
    assert api.get("/api/Tickets")["record_count"] == 62
    assert api.get("/api/Tickets/62")["status_name"] == "New"


@pytest.mark.parametrize("batch, status", [
    ([{"summary": "fine"}, {"summary": ""}], 400),             # empty summary
    ([{"summary": "fine"}, {"_fail": "refused by test"}], 400),  # test hook
    ([{"summary": "fine"}, {"id": 999999, "summary": "x"}], 404),  # unknown id
    ([{"summary": "fine"}, {"id": "abc"}], 400),               # malformed id
    ([{"summary": "fine"}, "not an object"], 400),
])
def test_one_bad_record_refuses_the_whole_batch(fresh, batch, status):
    sb, api = fresh
    got, _, answer = api.call("POST", "/api/Tickets", batch)
    assert got == status and answer["message"].startswith("record 2")
    assert api.get("/api/Tickets")["record_count"] == 60        # nothing saved


@pytest.mark.parametrize("body", [b"{not json", b'{"summary": "an object"}', b"[]", b""])
def test_a_post_body_must_be_a_json_array(fresh, body):
    sb, api = fresh
    status, _, answer = api.call("POST", "/api/Tickets", body)
    assert status == 400 and answer["message"]


def test_the_fail_hook_names_the_reason(fresh):
    sb, api = fresh
    status, _, answer = api.call("POST", "/api/Client", [{"name": "x", "_fail": "no way"}])
    assert status == 400 and "no way" in answer["message"]


def test_writes_persist_across_connections(fresh):
    sb, api = fresh
    api.call("POST", "/api/Client", [{"id": 2, "name": "Renamed Ltd"}])
    other = Api(sb)
    assert other.get("/api/Client/2")["name"] == "Renamed Ltd"
    assert other.get("/api/Client", search="renamed")["clients"][0]["id"] == 2


# ---- filters -------------------------------------------------------------------------------------

def filtered(api, path, key, **params):
    answer = api.get(path, **params)
    return answer if key is None else answer[key]


@pytest.mark.parametrize("param, field", [("client_id", "client_id"), ("status_id", "status_id"),
                                          ("agent_id", "agent_id"), ("site_id", "site_id")])
def test_ticket_equality_filters(api, param, field):
    everything = api.get("/api/Tickets")["tickets"]
    value = everything[5][field]
    got = filtered(api, "/api/Tickets", "tickets", **{param: value})
    assert got == [t for t in everything if t[field] == value]


def test_ticket_search_open_and_closed(api):
    everything = api.get("/api/Tickets")["tickets"]
    word = everything[0]["summary"].split()[0]
    got = filtered(api, "/api/Tickets", "tickets", search=word.upper())
    assert got == [t for t in everything if word.lower() in t["summary"].lower()]
    closed = filtered(api, "/api/Tickets", "tickets", closed_only="true")
    opened = filtered(api, "/api/Tickets", "tickets", open_only="true")
    assert closed and opened and len(closed) + len(opened) == len(everything)
    assert {t["status_name"] for t in closed} <= {"Closed", "Cancelled"}


def test_filters_combine_with_paging(api):
    everything = [t for t in api.get("/api/Tickets")["tickets"] if t["status_id"] == 9]
    page = api.get("/api/Tickets", status_id=9, pageinate="true", page_size=5, page_no=2)
    assert page["record_count"] == len(everything)
    assert page["tickets"] == everything[5:10]


def test_order_descending(api):
    ids = [t["id"] for t in api.get("/api/Tickets", orderdesc="true", count=3)["tickets"]]
    assert ids == [120, 119, 118]
    names = [c["name"] for c in api.get("/api/Client", order="name")["clients"]]
    assert names == sorted(names, key=str.lower)


@pytest.mark.parametrize("path, key, param", [
    ("/api/Actions", "actions", "ticket_id"), ("/api/Users", "users", "client_id"),
    ("/api/Site", "sites", "client_id"), ("/api/Asset", "assets", "client_id"),
])
def test_child_filters(api, path, key, param):
    got = filtered(api, path, key, **{param: 2})
    assert got and all(r[param] == 2 for r in got)
    everything = filtered(api, path, key)
    assert got == [r for r in everything if r[param] == 2]


@pytest.mark.parametrize("path, key", [("/api/Client", "clients"), ("/api/Users", "users")])
def test_search_names(api, path, key):
    name = filtered(api, path, key)[1]["name"]
    got = filtered(api, path, key, search=name.split()[-1].lower())
    assert got and all(name.split()[-1].lower() in json.dumps(r, ensure_ascii=False).lower()
                       for r in got)


# ---- extra endpoints, files and uploads -----------------------------------------------------

def call_args(resource, verb, api):
    """A path and body that each extra endpoint accepts."""
    path = "/api" + verb.path
    if "{id}" in verb.path:
        first = records_of(api.get(api_path(resource), count=1), resource)[0]
        path = path.replace("{id}", str(first["id"]))
    body = {"array": [{"id": 1}], "object": {"id": 1}, "optional": {"id": 1}}.get(verb.body)
    if verb.ids == "list":
        body = [1, 2]
    return path, body


EXTRA = [(r, v) for r in RESOURCES for v in r.extra if v.kind == "call"
         and not v.path.lower().endswith(("gets3presignedurl", "presignedurluploadcomplete"))]


@pytest.mark.parametrize("resource, verb", EXTRA, ids=lambda x: getattr(x, "name", None))
def test_every_extra_endpoint_answers(fresh, resource, verb):
    sb, api = fresh
    path, body = call_args(resource, verb, api)
    status, resp, data = api.call(verb.method, path, body, raw=True)
    assert status == 200, (path, data)
    ctype = resp.getheader("Content-Type") or ""
    if verb.binary:
        assert data and not ctype.startswith("application/json")
    elif data:
        assert ctype.startswith("application/json") and json.loads(data) is not None


def test_invoice_pdf_is_a_pdf(api):
    status, resp, data = api.call("POST", "/api/Invoice/PDF/1", raw=True)
    assert status == 200 and resp.getheader("Content-Type") == "application/pdf"
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert api.call("POST", "/api/Invoice/PDF/999999")[0] == 404


def test_attachment_metadata_or_file(api):
    meta = api.get("/api/Attachment/1")
    assert meta["filename"] and meta["filesize"] > 0
    status, resp, data = api.call("GET", "/api/Attachment/document/1", raw=True)
    assert status == 200 and len(data) == meta["filesize"]
    assert resp.getheader("Content-Type") == meta["content_type"]
    for how in ({"headers": {"Accept": "application/octet-stream"}}, {}):
        path = "/api/Attachment/1" + ("" if how else "?download=true")
        assert api.call("GET", path, raw=True, **how)[2] == data


def test_base64_attachment_is_stored(fresh):
    sb, api = fresh
    content = b"hello \x00 world"
    status, _, rec = api.call("POST", "/api/Attachment", [{
        "filename": "hello.bin", "ticket_id": 1,
        "data_base64": base64.b64encode(content).decode()}])
    assert status == 200 and rec["filesize"] == len(content) and "data_base64" not in rec
    assert api.call("GET", f"/api/Attachment/document/{rec['id']}", raw=True)[2] == content
    bad = [{"filename": "x", "data_base64": "@@not base64@@"}]
    assert api.call("POST", "/api/Attachment", bad)[0] == 400


def test_presigned_upload_flow(fresh):
    sb, api = fresh
    desc = {"filename": "big.zip", "filesize": 11, "ticket_id": 4}
    status, _, answer = api.call("POST", "/api/Attachment/GetS3PresignedURL", [desc])
    assert status == 200 and isinstance(answer, list) and len(answer) == 1
    slot = answer[0]
    assert slot["url"] == slot["presigned_url"] and slot["url"].startswith(f"{sb.url}/s3/")
    assert slot["_tempid"] and slot["ticket_id"] == 4 and slot["filename"] == "big.zip"

    upload = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=10)
    s3_path = urllib.parse.urlsplit(slot["url"]).path
    complete = [{**desc, "_tempid": slot["_tempid"]}]
    assert api.call("POST", "/api/Attachment/PresignedURLUploadComplete", complete)[0] == 400
    upload.request("PUT", s3_path, body=b"hello world",
                   headers={"Authorization": f"Bearer {api.token}"})
    leaked = upload.getresponse()
    assert leaked.status == 400 and leaked.read()
    upload.request("PUT", s3_path, body=b"hello world")
    put = upload.getresponse()
    assert put.status == 200 and put.read() == b"" and put.getheader("ETag")

    status, _, rec = api.call("POST", "/api/Attachment/PresignedURLUploadComplete", complete)
    assert status == 200 and rec["filename"] == "big.zip" and rec["ticket_id"] == 4
    assert rec["filesize"] == 11
    assert api.call("GET", f"/api/Attachment/document/{rec['id']}", raw=True)[2] == b"hello world"
    assert rec in api.get("/api/Attachment", ticket_id=4)["attachments"]
    upload.request("PUT", s3_path, body=b"again")             # the URL is used up
    assert upload.getresponse().status == 404


# ---- protocol, faults and lifecycle ---------------------------------------------------------

def test_unknown_paths_and_methods(api):
    assert api.call("GET", "/api/Tickets/1/NoSuchThing")[0] == 404
    assert api.call("GET", "/api/NoSuchThing/1/deeper")[0] == 404
    status, resp, _ = api.call("PUT", "/api/Tickets")
    assert status == 405 and "POST" in resp.getheader("Allow")


def test_keep_alive_and_content_length(sb):
    api = Api(sb)
    for n in range(1, 6):
        status, resp, _ = api.call("GET", f"/api/Tickets/{n}")
        assert status == 200 and resp.getheader("Content-Length")
        assert resp.getheader("Connection") != "close"
    status, resp, body = api.call("DELETE", "/api/Expense/1", raw=True)
    assert resp.getheader("Content-Length") == str(len(body))


def test_concurrent_pages(sb):
    pages, errors = {}, []

    def fetch(n):
        try:
            pages[n] = Api(sb).get("/api/Tickets", pageinate="true", page_size=10, page_no=n)
        except Exception as e:   # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=fetch, args=(n,)) for n in range(1, 13)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    ids = [t["id"] for n in sorted(pages) for t in pages[n]["tickets"]]
    assert ids == list(range(1, 121))


def test_fail_rate_one_answers_429_or_503_with_retry_after():
    with Sandbox(records=5, fail_rate=1.0) as sandbox:
        api = Api(sandbox)                                    # the token endpoint still works
        statuses = set()
        for _ in range(12):
            status, resp, answer = api.call("GET", "/api/Tickets")
            assert status in (429, 503) and resp.getheader("Retry-After") == "0"
            statuses.add(status)
        assert statuses == {429, 503}


def test_faults_are_reproducible():
    def pattern():
        with Sandbox(records=5, fail_rate=0.5, seed=9, retry_after=1) as sandbox:
            api = Api(sandbox)
            return [api.call("GET", "/api/Status")[0] for _ in range(20)]
    first = pattern()
    assert first == pattern() and 200 in first and set(first) - {200}


def test_latency():
    with Sandbox(records=5, latency_ms=150) as sandbox:
        api = Api(sandbox)
        started = time.perf_counter()
        api.call("GET", "/api/Tickets/1")
        assert time.perf_counter() - started >= 0.15


def test_same_seed_same_data_and_other_seed_other_data():
    def snapshot(seed):
        with Sandbox(records=30, seed=seed) as sandbox:
            api = Api(sandbox)
            return [api.get(api_path(r), count=5) for r in RESOURCES]
    assert snapshot(4) == snapshot(4)
    assert snapshot(4) != snapshot(5)


def test_requests_are_recorded(fresh):
    sb, api = fresh
    api.call("GET", "/api/Tickets?pageinate=true&page_no=2")
    method, path, query = sb.requests[-1]
    assert (method, path, query) == ("GET", "/api/Tickets", {"pageinate": "true", "page_no": "2"})
    assert sb.requests[-1].status == 200
    assert ("POST", "/auth/token", {}) in sb.requests


def test_close_frees_the_port():
    sandbox = Sandbox(records=1).start()
    port, api = sandbox.port, Api(sandbox)
    api.call("GET", "/api/Tickets/1")                         # leave a keep-alive open
    sandbox.close()
    with Sandbox(port=port, records=1) as again:
        assert again.url == f"http://127.0.0.1:{port}"


def test_bad_settings_are_refused():
    for bad in ({"fail_rate": 2}, {"records": -1}, {"latency_ms": -5}, {"port": 70000}):
        with pytest.raises(ValueError):
            Sandbox(**bad)


def test_serve_prints_the_environment_and_stops_cleanly_on_ctrl_c():
    proc = subprocess.Popen([sys.executable, "halo.py", "sandbox", "--records", "10"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(5)]
        assert lines[0].startswith("export HALO_URL=http://127.0.0.1:")
        assert lines[1] == "export HALO_CLIENT_ID=sandbox-client\n"
        assert lines[2] == "export HALO_CLIENT_SECRET=sandbox-secret\n"
        assert lines[3] == "export HALO_RATE=off\n"     # the sandbox has no rate limit
        assert lines[4] == "unset HALO_TENANT\n"
        note = proc.stderr.readline()
        assert note.startswith("halo sandbox: serving 10 tickets on http://127.0.0.1:")
        url = lines[0].split("=", 1)[1].strip()
        with urllib.request.urlopen(f"{url}/api/authinfo", timeout=5) as resp:
            assert json.loads(resp.read())["tenant_id"] == "sandbox"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 130   # interrupted
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()


def test_the_table_drives_the_routes():
    """Every endpoint in the table has a route: none answers 404 for want of one."""
    with Sandbox(records=10) as sandbox:
        api = Api(sandbox)
        for r in RESOURCES:
            for v in r.verbs():
                path = "/api" + v.path.replace("{id}", "1" if r.id_type == "int" else
                                      str(records_of(api.get(api_path(r)), r)[0]["id"]))
                status, _, data = api.call(v.method, path, raw=True)
                assert status != 404 or b"No HTTP resource" not in data, (v.method, path)
        assert api_path(BY_NAME["tickets"]) == "/api/Tickets"


def test_date_filters(api):
    everything = api.get("/api/Tickets")["tickets"]
    start, end = everything[10]["dateoccurred"][:10], everything[40]["dateoccurred"][:10]
    got = filtered(api, "/api/Tickets", "tickets", startdate=start, enddate=end)
    assert got == [t for t in everything if start <= t["dateoccurred"][:10] <= end]


def test_an_empty_tenant_still_answers_every_list():
    with Sandbox(records=0) as sandbox:
        api = Api(sandbox)
        assert api.get("/api/Tickets", pageinate="true")["record_count"] == 0
        for r in RESOURCES:
            api.get(api_path(r))


def test_sandbox_modules_use_only_the_standard_library_and_halo():
    import glob
    import halo_lib.sandbox
    files = glob.glob(os.path.join(os.path.dirname(halo_lib.sandbox.__file__), "*.py"))
    assert len(files) >= 7
    for path in files:
        for name in imported_modules(path):
            ours = name.startswith("halo_lib.")   # halo's own modules: no third party
            assert ours or name.split(".")[0] in sys.stdlib_module_names, (path, name)
