"""Drop-off damage photos and e-mailed receipts."""
import logging
import uuid

import boto3
from aiohttp import web

from .. import config

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

s3 = boto3.client("s3")
ses = boto3.client("ses")

RECEIPT_SENDER = "receipts@lockers.example"


async def _own_order(request: web.Request, order_id: int):
    order = await request.app["db"].fetchrow(
        "SELECT o.id, o.customer_id, o.service, o.status, c.email FROM orders o "
        "JOIN customers c ON c.id = o.customer_id WHERE o.id = $1",
        order_id,
    )
    if order is None or order["customer_id"] != request["user"]["id"]:
        raise web.HTTPNotFound()
    return order


@routes.post("/orders/{order_id}/photos")
async def upload_photo(request: web.Request) -> web.Response:
    order_id = int(request.match_info["order_id"])
    await _own_order(request, order_id)
    reader = await request.multipart()
    field = await reader.next()
    if field is None or field.name != "photo":
        raise web.HTTPBadRequest(text="expected a 'photo' field")
    data = await field.read()  # expect: SEC019
    key = f"orders/{order_id}/{uuid.uuid4().hex}.jpg"
    s3.put_object(  # expect: CON001
        Bucket=config.current()["photos_bucket"],
        Key=key,
        Body=data,
        ContentType=field.headers.get("Content-Type", "application/octet-stream"),
    )
    await request.app["db"].execute(
        "INSERT INTO order_photos (order_id, s3_key, size_bytes) VALUES ($1, $2, $3)", order_id, key, len(data)
    )
    log.info("req %s: photo %s stored for order %s", request["request_id"], key, order_id)
    return web.json_response({"key": key}, status=201)


def _send_receipt_email(to_address: str, order_id: int, link: str) -> str:
    resp = ses.send_email(
        Source=RECEIPT_SENDER,
        Destination={"ToAddresses": [to_address]},
        Message={
            "Subject": {"Data": f"Your laundry receipt for order {order_id}"},
            "Body": {"Text": {"Data": f"Thanks for using our lockers. Your receipt: {link}"}},
        },
    )
    return resp["MessageId"]


@routes.post("/orders/{order_id}/receipt")
async def email_receipt(request: web.Request) -> web.Response:
    order_id = int(request.match_info["order_id"])
    order = await _own_order(request, order_id)
    if order["status"] != "collected":
        raise web.HTTPConflict(text="receipts are available once the order is collected")
    link = s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": config.current()["receipts_bucket"], "Key": f"receipts/{order_id}.pdf"},
        ExpiresIn=7 * 24 * 3600,
    )
    message_id = _send_receipt_email(order["email"], order_id, link)  # expect: CON001
    log.info("req %s: receipt for order %s sent as %s", request["request_id"], order_id, message_id)
    return web.json_response({"order_id": order_id, "sent": True})
