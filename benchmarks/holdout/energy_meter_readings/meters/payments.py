"""Payment notifications from the payment provider, applied to account balances."""
import hashlib
import hmac
import json
import logging
from decimal import Decimal, InvalidOperation

from aiohttp import web

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()

MAX_BODY_BYTES = 32 * 1024


def _verify_signature(secret: str, body: bytes, signature: str) -> bool:
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@routes.post("/v1/payments/notifications")
async def payment_notification(request: web.Request) -> web.Response:
    if request.content_length is None or request.content_length > MAX_BODY_BYTES:  # ok: SEC019
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY_BYTES, actual_size=request.content_length or 0)
    body = await request.read()
    signature = request.headers.get("X-Payment-Signature", "")
    if not _verify_signature(request.app["settings"].payment_webhook_secret, body, signature):
        raise web.HTTPUnauthorized(text="bad signature")

    try:
        event = json.loads(body)
        provider_ref = event["payment_id"]
        account_id = int(event["account_id"])
        amount = Decimal(str(event["amount"]))
    except (KeyError, ValueError, InvalidOperation):
        raise web.HTTPBadRequest(text="malformed payment notification")
    if event.get("status") != "succeeded":
        return web.json_response({"status": "ignored"})

    async with request.app["db"].acquire() as conn:
        async with conn.transaction():
            payment_id = await conn.fetchval(  # ok: DB005
                "INSERT INTO payments (provider_ref, account_id, amount, received_at) "
                "VALUES ($1, $2, $3, now()) ON CONFLICT (provider_ref) DO NOTHING RETURNING id",
                provider_ref, account_id, amount,
            )
            if payment_id is None:
                logger.info("payment %s already applied", provider_ref)
                return web.json_response({"status": "duplicate"})
            new_balance = await conn.fetchval(  # ok: DB004
                "UPDATE accounts SET balance = balance + $1 WHERE id = $2 RETURNING balance",
                amount, account_id,
            )
            if new_balance is None:
                raise web.HTTPNotFound(text="unknown account")

    logger.info("payment %s applied to account %s", provider_ref, account_id)
    return web.json_response({"status": "applied", "payment_id": payment_id})
