"""Attachment files: upload (inline, or through a presigned URL) and download.

A presigned URL points at another host (S3): the bytes go there with no Halo token,
and Halo is told afterwards that the upload is complete.
"""
import base64
import os

from halo_lib.http.api import Request, path_with_id
from halo_lib.errors import ApiError, UsageError
from halo_lib.io import downloads
from halo_lib.io.output import is_json

INLINE_LIMIT = 4 * 1024 * 1024   # larger files go through the presigned-URL flow
URL_KEYS = ("url", "presigned_url", "presignedurl", "upload_url", "s3url", "signed_url")


def upload(ctx):
    args = ctx.args
    try:
        with open(args.file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    if getattr(args, "b.ticket_id", None) is None:
        raise UsageError("upload needs --ticket-id")
    description = {"filename": os.path.basename(args.file), **ctx.field_flags()}
    description = _with_fields(ctx, description)
    if len(data) > INLINE_LIMIT:
        record = _presigned(ctx, description, data)
        if record is not None:
            ctx.output.document(record)
            ctx.output.close()
            return 0
    request = Request("POST", "/Attachment", ctx.query_params(),
                      [{**description, "data_base64": base64.b64encode(data).decode()}])
    if ctx.dry_run:
        ctx.show(request)
        return 0
    doc = ctx.api.json(request, idempotent=False)
    ctx.output.document(doc[0] if isinstance(doc, list) and len(doc) == 1 else doc)
    ctx.output.close()
    return 0


def _with_fields(ctx, description):
    from halo_lib.io.bodies import apply_fields
    args = ctx.args
    return apply_fields([description], args.typed_fields, args.raw_fields, {}, ctx.streams)[0]


def _presigned(ctx, description, data):
    """The record of a presigned upload, or None when the tenant does not offer it."""
    ask = Request("POST", "/Attachment/GetS3PresignedURL", [],
                  [{**description, "filesize": len(data)}])
    if ctx.dry_run:
        ctx.show(ask)
        return {}
    try:
        answer = ctx.api.json(ask, idempotent=True)
    except ApiError as exc:
        if exc.status in (400, 404, 405, 501):
            return None   # no presigned uploads on this tenant: send it inline
        raise
    offer = answer[0] if isinstance(answer, list) and answer else answer
    url = _upload_url(offer)
    if not url:
        return None
    _put(ctx, url, data)
    done = {**description, "filesize": len(data),
            **{k: v for k, v in offer.items() if k not in URL_KEYS}}
    doc = ctx.api.json(Request("POST", "/Attachment/PresignedURLUploadComplete", [], [done]),
                       idempotent=False)
    return doc[0] if isinstance(doc, list) and len(doc) == 1 else doc


def _upload_url(offer):
    if not isinstance(offer, dict):
        return None
    for key in URL_KEYS:
        value = offer.get(key)
        if isinstance(value, str) and value.lower().startswith(("https://", "http://")):
            return value
    return None


def _put(ctx, url, data):
    """PUT the bytes to the storage host: deliberately without the Authorization header."""
    from halo_lib.config import LOOPBACK, host_of
    if url.lower().startswith("http://") and host_of(url) not in LOOPBACK:
        raise ApiError("the presigned upload URL is plain http; refusing to send the file")
    ctx.api.transport.send("PUT", url, headers={"Content-Type": "application/octet-stream"},
                           body=data, idempotent=True, what="upload to the presigned URL")


def download(ctx):
    args = ctx.args
    target = getattr(args, "output_file", None)
    if not target and ctx.streams.stdout_tty:
        raise UsageError("the attachment is a file: give -O FILE, or redirect stdout")
    request = Request("GET", path_with_id("/Attachment/{id}", args.id), ctx.query_params())
    if ctx.dry_run:
        ctx.show(request)
        return 0
    downloads.check_target(target)
    consume = downloads.consumer(ctx.streams, target)
    response, written = ctx.api.send(request, consume=consume)
    if written is not None:
        return written
    if not is_json(response):
        return downloads.write_bytes(ctx.streams, response.data, target)
    import orjson
    try:
        meta = orjson.loads(response.data) if response.data.strip() else None
    except orjson.JSONDecodeError:
        meta = None
    if not isinstance(meta, dict):
        raise ApiError(f"attachments download {args.id}: the answer is not an attachment")
    if isinstance(meta.get("data_base64"), str) and meta["data_base64"]:
        try:
            data = base64.b64decode(meta["data_base64"], validate=False)
        except ValueError:
            raise ApiError(f"attachments download {args.id}: data_base64 is not base64") \
                from None
        return downloads.write_bytes(ctx.streams, data, target)
    link = meta.get("download_url") or meta.get("link")
    base = ctx.settings.url
    if isinstance(link, str) and link.lower().startswith(base.lower() + "/api/"):
        response, written = ctx.api.send(Request("GET", link[len(base) + 4:]), consume=consume)
    elif isinstance(link, str) and link.lower().startswith("https://"):
        response, written = ctx.api.transport.send("GET", link, what="GET the attachment file",
                                                   consume=consume)
    else:
        document = Request("GET", path_with_id("/Attachment/document/{id}", args.id))
        response, written = ctx.api.send(document, consume=consume)
    if written is not None:
        return written
    return downloads.write_bytes(ctx.streams, response.data, target)
