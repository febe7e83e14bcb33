"""Drop-off photos streamed to S3 with a size cap; receipts queued through the outbox."""
import asyncio
import logging
import tempfile
import uuid

import boto3
from aiohttp import web
from botocore.config import Config

from .. import config

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

_s3 = boto3.client(
    "s3",
    config=Config(connect_timeout=3, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"}),  # ok: REL001
)

MAGIC = {b"\xff\xd8\xff": ("image/jpeg", "jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", "png")}
CHUNK = 64 * 1024


def _sniff(head: bytes) -> tuple[str, str] | None:
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


@routes.post("/v2/orders/{order_id}/photos")
async def upload_photo(request: web.Request) -> web.Response:
    order_id = int(request.match_info["order_id"])
    owner = await request.app["db"].fetchval("SELECT customer_id FROM orders WHERE id = $1", order_id)
    if owner is None or owner != request["user"]["id"]:
        raise web.HTTPNotFound()

    limit = int(config.current()["max_photo_bytes"])
    reader = await request.multipart()
    field = await reader.next()
    if field is None or field.name != "photo":
        raise web.HTTPBadRequest(text="expected a 'photo' field")

    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spool:
        size, head = 0, b""
        while chunk := await field.read_chunk(CHUNK):  # ok: SEC019
            size += len(chunk)
            if size > limit:
                raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size)
            head = head or chunk[:16]
            spool.write(chunk)
        kind = _sniff(head)
        if kind is None:
            raise web.HTTPUnsupportedMediaType(text="photos must be JPEG or PNG")
        content_type, ext = kind
        spool.seek(0)
        key = f"orders/{order_id}/{uuid.uuid4().hex}.{ext}"
        await asyncio.to_thread(  # ok: CON001
            _s3.upload_fileobj, spool, config.current()["photos_bucket"], key, ExtraArgs={"ContentType": content_type}
        )

    await request.app["db"].execute(
        "INSERT INTO order_photos (order_id, s3_key, size_bytes) VALUES ($1, $2, $3)", order_id, key, size
    )
    log.info("req %s: photo %s (%d bytes) stored for order %s", request["request_id"], key, size, order_id)
    return web.json_response({"key": key}, status=201)


@routes.post("/v2/orders/{order_id}/receipt")
async def email_receipt(request: web.Request) -> web.Response:
    order_id = int(request.match_info["order_id"])
    queued = await request.app["db"].fetchval(
        "INSERT INTO email_outbox (order_id, template, customer_id) "
        "SELECT id, 'receipt', customer_id FROM orders "
        "WHERE id = $1 AND customer_id = $2 AND status = 'collected' "
        "ON CONFLICT (order_id, template) DO NOTHING RETURNING id",  # ok: REL003
        order_id, request["user"]["id"],
    )
    log.info("req %s: receipt for order %s queued=%s", request["request_id"], order_id, queued is not None)
    return web.json_response({"order_id": order_id, "queued": queued is not None}, status=202)
