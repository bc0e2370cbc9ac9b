"""Resource handlers of Sandbox: (request, route, raw id) -> Reply, and presigned uploads."""

import hashlib
import secrets
import time
import uuid

from halo_lib.sandbox.data import iso
from halo_lib.sandbox.wire import (ApiError, Reply, empty_reply, encode_envelope, encode_list, error,
                                   guess_type, int_param, is_true, json_reply, make_pdf,
                                   one_or_many, parse_json, parse_records, wants_file)
from halo_lib.sandbox.includes import decorator, lines_of
from halo_lib.sandbox.query import Query
from halo_lib.sandbox.reports import load_report

CALL_LIST_LIMIT = 10   # records answered by the extra GET endpoints that list something


class Handlers:
    """The handlers Dispatch routes to; mixed into Sandbox, which holds the state."""

    def _collection(self, route):
        return self.collections[route.resource.name]

    # ---- look-ups the other modules use -------------------------------------------------

    def lookup(self, name, raw_id):
        """The record of resource `name` with id `raw_id`, or None."""
        col = self.collections.get(name)
        try:
            return None if col is None or raw_id in (None, "") else col.get(col.key(raw_id))
        except ApiError:
            return None

    def last_action(self, ticket_id):
        col = self.collections["actions"]
        keys = col.select(Query(col.resource, {"ticket_id": str(ticket_id)}, col.sample()))
        found = list(col.records(keys, max(len(keys) - 1, 0), len(keys)))
        return found[-1] if found else None

    def attachments_of_action(self, action_id):
        col = self.collections["attachments"]
        found = (col.get(k) for k in col.created)
        return [a for a in found if a is not None and a.get("action_id") == action_id]

    # ---- resource handlers ----------------------------------------------------------------

    def _list(self, req, route, _):
        r, col = route.resource, self._collection(route)
        keys = col.select(Query(r, req.query, col.sample(), self.lookup))
        count = int_param(req.query, "count")
        total = len(keys) if count is None else min(len(keys), count)
        decorate = decorator(self, r.name, r.filters, req.query, total == 1)

        def records(start, stop):
            found = col.records(keys, start, stop)
            return found if decorate is None else map(decorate, found)
        if r.key is None:
            return self._bytes(encode_list(records(0, total)))
        if r.paged and is_true(req.query.get("pageinate")):
            size = min(int_param(req.query, "page_size", 50), self.max_page_size)
            page = int_param(req.query, "page_no", 1)
            start = (page - 1) * size
            head = {"page_no": page, "page_size": size, "record_count": total}
            return self._bytes(encode_envelope(head, r.key,
                                               records(start, min(start + size, total))))
        return self._bytes(encode_envelope({"record_count": total}, r.key, records(0, total)))

    def _invoice_lines(self, req, route, _):
        """GET /Invoice/lines: the lines of the invoices ihid names (or of a client's)."""
        col = self.collections["invoices"]
        params = {k: v for k, v in req.query.items() if k == "client_id"}
        if req.query.get("ihid"):
            params["id"] = req.query["ihid"]
        query = Query(col.resource, {}, col.sample())
        query.conditions += [("equal", field, tuple(x.strip() for x in value.split(",")))
                             for field, value in params.items()]
        query.signature = (tuple(query.conditions), None, False)
        keys = col.select(query) if query.conditions else col.keys()
        limit = int_param(req.query, "count", CALL_LIST_LIMIT if not params else None)
        lines = []
        for inv in col.records(keys, 0, len(keys) if limit is None else min(limit, len(keys))):
            lines += [{**line, "client_id": inv.get("client_id")} for line in lines_of(inv["id"])]
        return json_reply(lines)

    @staticmethod
    def _bytes(body):
        return Reply(200, body, "application/json; charset=utf-8", ())

    def _found(self, route, raw_id):
        col = self._collection(route)
        key = col.key(raw_id)
        rec = col.get(key)
        if rec is None:
            raise error(404, f"No {route.resource.name} record with id {raw_id}")
        return col, key, rec

    def _get(self, req, route, raw_id):
        col, key, rec = self._found(route, raw_id)
        # A parent id given with the request (actions?ticket_id=N) must agree.
        for opt in route.verb.filters:
            given = req.query.get(opt.name.lower())
            if opt.type == "int" and given and opt.name in rec and str(rec[opt.name]) != given:
                raise error(404, f"No {route.resource.name} record with id {raw_id} "
                                 f"for {opt.name} {given}")
        if route.binary_alternative and wants_file(req):
            return self._file_reply(col, key, rec)
        decorate = decorator(self, col.name, route.verb.filters, req.query, True)
        return json_reply(rec if decorate is None else decorate(rec))

    def _me(self, req, route, _):
        rec = self._collection(route).first()
        if rec is None:
            raise error(404, f"No {route.resource.name} record for the caller")
        return json_reply(rec)

    def _upsert(self, req, route, _):
        items = parse_records(req.body)
        if route.resource.name == "reports" and any(i.get("_loadreportonly") for i in items):
            # Ad-hoc SQL: the rows, and nothing saved.
            return one_or_many([{**i, "report": load_report(self, i.get("sql"))}
                                for i in items])
        return one_or_many(self._collection(route).upsert(items))

    def _delete(self, req, route, raw_id):
        col = self._collection(route)
        if not col.delete(col.key(raw_id)):
            raise error(404, f"No {route.resource.name} record with id {raw_id}")
        return empty_reply()

    def _file(self, req, route, raw_id):
        col, key, rec = self._found(route, raw_id)
        return self._file_reply(col, key, rec)

    @staticmethod
    def _file_reply(col, key, rec):
        filename = str(rec.get("filename") or f"{col.name}-{key}")
        content_type = rec.get("content_type") or guess_type(filename)
        disposition = f'attachment; filename="{filename}"'.encode("ascii", "replace").decode()
        return Reply(200, col.content(key), content_type, (("Content-Disposition", disposition),))

    def _call(self, req, route, raw_id):
        """The extra endpoints: plausible answers shaped by the verb's declaration."""
        verb, col = route.verb, self._collection(route)
        rec = self._found(route, raw_id)[2] if raw_id is not None else None
        if verb.binary:
            if rec is not None and "filename" in rec:
                return self._file(req, route, raw_id)
            title = f"{route.resource.summary}: {verb.name}".capitalize()
            lines = [title] + ([f"{k}: {v}" for k, v in list(rec.items())[:12]] if rec else [])
            return Reply(200, make_pdf(lines), "application/pdf", ())
        if verb.method == "GET":
            if rec is not None:
                return json_reply(rec)
            keys = col.keys()
            limit = int_param(req.query, "count", CALL_LIST_LIMIT)
            return self._bytes(encode_list(col.records(keys, 0, min(len(keys), limit))))
        if verb.method == "DELETE":
            return empty_reply()
        return self._echo(req, verb, rec)

    @staticmethod
    def _echo(req, verb, rec):
        if verb.body == "array":
            return one_or_many(parse_records(req.body))
        if verb.body == "object":
            obj = parse_json(req.body)
            if not isinstance(obj, dict):
                raise error(400, "the body must be a JSON object")
            if "_fail" in obj:
                raise error(400, str(obj["_fail"]))
            return json_reply(obj)
        if verb.ids == "list":
            ids = parse_json(req.body)
            if not isinstance(ids, list):
                raise error(400, "the body must be a JSON array of ids")
            return json_reply(ids)
        if rec is not None:
            return json_reply(rec)
        if verb.body == "optional":
            given = parse_json(req.body)
            return json_reply({} if given is None else given)
        return empty_reply()

    # ---- presigned uploads -----------------------------------------------------------

    def _presign(self, req, route, _):
        items, answer = parse_records(req.body), []
        for n, item in enumerate(items, 1):
            if not item.get("filename"):
                raise error(400, f"record {n}: filename is required")
            self._collection(route).check_parents(n, item)
        for item in items:
            key = secrets.token_urlsafe(18)
            tempid = str(item.get("_tempid") or uuid.uuid4())
            url = f"{self.url}/s3/{key}"
            with self._lock:
                self._uploads[key] = {"desc": item, "tempid": tempid, "data": None}
                self._tempids[tempid] = key
            out = {"filename": item["filename"], "url": url, "presigned_url": url,
                   "_tempid": tempid}
            out.update((k, v) for k, v in item.items() if k not in out)
            answer.append(out)
        return json_reply(answer)

    def _s3_put(self, req):
        # The upload host is "another host": a Halo bearer token must never reach it.
        if req.headers.get("Authorization") is not None:
            raise error(400, "an Authorization header is not allowed on a presigned URL")
        if req.method != "PUT":
            raise error(405, "use PUT", [("Allow", "PUT")])
        key = req.path.split("/", 2)[2] if req.path.count("/") >= 2 else ""
        with self._lock:
            upload = self._uploads.get(key)
            if upload is None:
                raise error(404, "no such upload URL (or it was already completed)")
            upload["data"] = req.body
        return empty_reply(headers=[("ETag", f'"{hashlib.md5(req.body).hexdigest()}"')])

    def _presign_complete(self, req, route, _):
        items = parse_records(req.body)
        for n, item in enumerate(items, 1):
            self._collection(route).check_parents(n, item)
        with self._lock:
            done = [self._uploaded(n, item) for n, item in enumerate(items, 1)]
            for key, _, _ in done:
                upload = self._uploads.pop(key)
                self._tempids.pop(upload["tempid"], None)
        col = self._collection(route)
        saved = []
        for _, item, data in done:
            fields = {k: v for k, v in item.items() if k not in ("_tempid", "filesize")}
            fields.setdefault("datecreated", iso(int(time.time())))
            fields["filesize"] = len(data)
            fields["content_type"] = guess_type(str(item.get("filename")))
            saved.append(col.create(fields, data))
        return one_or_many(saved)

    def _uploaded(self, n, item):
        key = self._tempids.get(str(item.get("_tempid")))
        if key is None:   # no _tempid: the latest upload of that file name
            key = next((k for k, u in reversed(self._uploads.items())
                        if u["desc"].get("filename") == item.get("filename")
                        and u["data"] is not None), None)
        upload = self._uploads.get(key)
        if upload is None or upload["data"] is None:
            raise error(400, f"record {n}: no upload was received for "
                             f"{item.get('filename')!r}")
        return key, {**upload["desc"], **item}, upload["data"]
