"""Attachment files: upload (inline, or through a presigned URL) and download.

A presigned URL points at another host (S3): the bytes go there with no Halo token,
and Halo is told afterwards that the upload is complete. --dry-run shows the file as
its name, size and SHA-256, never its contents.
"""
import base64
import hashlib
import os

from halo_lib.errors import ApiError, UsageError
from halo_lib.http.api import Request, path_with_id
from halo_lib.run.plans import Plan

INLINE_LIMIT = 4 * 1024 * 1024   # larger files go through the presigned-URL flow
URL_KEYS = ("url", "presigned_url", "presignedurl", "upload_url", "s3url", "signed_url")


def read_upload(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


class Upload(Plan):
    def __init__(self, path, data, description, params):
        self.path, self.data, self.description = path, data, description
        self.facts = {"file": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        # As --dry-run shows it: the file's facts in place of its contents.
        self.inline = Request("POST", "/Attachment", params,
                              [{**description, "data_base64": self.facts}])
        self.ask = Request("POST", "/Attachment/GetS3PresignedURL", [],
                           [{**description, "filesize": len(data)}])

    @property
    def presigned(self):
        return len(self.data) > INLINE_LIMIT

    @property
    def requests(self):
        return [self.ask] if self.presigned else [self.inline]

    def describe(self, base):
        if not self.presigned:
            return [self.inline.describe(base)]
        return [self.ask.describe(base),
                {"method": "PUT", "url": "(the presigned URL in the answer)",
                 "headers": {"Content-Type": "application/octet-stream"}, "body": self.facts}]

    def run(self, env, output):
        record = self._presigned(env) if self.presigned else None
        if record is None:
            body = [{**self.description, "data_base64": base64.b64encode(self.data).decode()}]
            request = Request("POST", "/Attachment", self.inline.params, body)
            record = _one(env.api.json(request, idempotent=False))
        output.document(record)
        return 0

    def _presigned(self, env):
        """The record of a presigned upload, or None when the tenant does not offer it."""
        try:
            answer = env.api.json(self.ask, idempotent=True)
        except ApiError as exc:
            if exc.status in (400, 404, 405, 501):
                return None   # no presigned uploads on this tenant: send it inline
            raise
        offer = answer[0] if isinstance(answer, list) and answer else answer
        url = _upload_url(offer)
        if not url:
            return None
        _put(env, url, self.data)
        done = {**self.description, "filesize": len(self.data),
                **{k: v for k, v in offer.items() if k not in URL_KEYS}}
        return _one(env.api.json(Request("POST", "/Attachment/PresignedURLUploadComplete",
                                         [], [done]), idempotent=False))


def _one(doc):
    return doc[0] if isinstance(doc, list) and len(doc) == 1 else doc


def _upload_url(offer):
    if not isinstance(offer, dict):
        return None
    for key in URL_KEYS:
        value = offer.get(key)
        if isinstance(value, str) and value.lower().startswith(("https://", "http://")):
            return value
    return None


def _put(env, url, data):
    """PUT the bytes to the storage host: deliberately without the Authorization header."""
    from halo_lib.config import LOOPBACK, host_of
    if url.lower().startswith("http://") and host_of(url) not in LOOPBACK:
        raise ApiError("the presigned upload URL is plain http; refusing to send the file")
    env.api.transport.send("PUT", url, headers={"Content-Type": "application/octet-stream"},
                           body=data, idempotent=True, what="upload to the presigned URL")


class Download(Plan):
    """An attachment's bytes: the answer itself, its base64, or the link it gives, streamed
    to the -O file (whole or not at all) or to stdout."""

    records = False

    def __init__(self, record_id, params, target):
        self.record_id = record_id
        self.target = target
        self.requests = [Request("GET", path_with_id("/Attachment/{id}", record_id), params)]

    def run(self, env, output):
        from halo_lib.io import downloads
        from halo_lib.io.output import is_json
        streams, api, target = env.streams, env.api, self.target
        downloads.check_target(target)
        consume = downloads.consumer(streams, target)
        response, written = api.send(self.requests[0], consume=consume)
        if written is not None:
            return written
        if not is_json(response):
            return downloads.write_bytes(streams, response.data, target)
        meta = _json_or_none(response.data)
        if not isinstance(meta, dict):
            raise ApiError(f"attachments download {self.record_id}: the answer is not an "
                           "attachment")
        if isinstance(meta.get("data_base64"), str) and meta["data_base64"]:
            try:
                data = base64.b64decode(meta["data_base64"], validate=False)
            except ValueError:
                raise ApiError(f"attachments download {self.record_id}: data_base64 is not "
                               "base64") from None
            return downloads.write_bytes(streams, data, target)
        link = meta.get("download_url") or meta.get("link")
        base = env.settings.url
        if isinstance(link, str) and link.lower().startswith(base.lower() + "/api/"):
            response, written = api.send(Request("GET", link[len(base) + 4:]), consume=consume)
        elif isinstance(link, str) and link.lower().startswith("https://"):
            response, written = api.transport.send("GET", link, consume=consume,
                                                   what="GET the attachment file")
        else:
            document = Request("GET", path_with_id("/Attachment/document/{id}",
                                                   self.record_id))
            response, written = api.send(document, consume=consume)
        if written is not None:
            return written
        return downloads.write_bytes(streams, response.data, target)


def _json_or_none(data):
    """The JSON of an answer that says it is JSON; None when it is empty or not JSON."""
    import orjson
    from halo_lib.http.api import json_or_nothing
    try:
        return json_or_nothing(data)
    except orjson.JSONDecodeError:
        return None


def upload_description(path, fields):
    return {"filename": os.path.basename(path), **fields}
