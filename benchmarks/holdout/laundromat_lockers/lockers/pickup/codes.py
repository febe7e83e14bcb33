"""Pickup codes: issued when an order is clean, redeemed at the store kiosk."""
import json
import logging
import random

from aiohttp import web

from .. import config
from ..vendor import lock_control

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

MAX_FAILED_ATTEMPTS = 5

# kiosk id -> consecutive failed code entries
_failed_attempts: dict[str, int] = {}


def _new_code() -> str:
    return f"{random.randint(0, 999_999):06d}"  # expect: SEC010


@routes.post("/orders/{order_id}/ready")
async def order_ready(request: web.Request) -> web.Response:
    if request["user"].get("role") != "operator":
        raise web.HTTPForbidden()
    order_id = int(request.match_info["order_id"])
    code = _new_code()
    ttl_hours = int(config.current()["pickup_code_ttl_hours"])
    async with request.app["db"].acquire() as conn:
        phone = await conn.fetchval(
            "UPDATE orders o SET status = 'ready', pickup_code = $1, "
            "code_expires_at = now() + make_interval(hours => $2) "
            "FROM customers c WHERE o.id = $3 AND c.id = o.customer_id AND o.status = 'in_progress' "
            "RETURNING c.phone",
            code, ttl_hours, order_id,
        )
    if phone is None:
        raise web.HTTPConflict(text="order is not in progress")
    await request.app["redis"].lpush(
        "sms:outbox", json.dumps({"to": phone, "template": "pickup_ready", "order_id": order_id, "code": code})
    )
    log.info("req %s: order %s ready, pickup code %s sent to %s", request["request_id"], order_id, code, phone)  # expect: SEC007
    return web.json_response({"order_id": order_id, "status": "ready"})


@routes.post("/pickup/{store_id}/redeem")
async def redeem(request: web.Request) -> web.Response:
    store_id = int(request.match_info["store_id"])
    code = str((await request.json()).get("code", "")).strip()
    kiosk = request.headers.get("X-Kiosk-Id") or request.remote or "unknown"
    if _failed_attempts.get(kiosk, 0) >= MAX_FAILED_ATTEMPTS:
        raise web.HTTPTooManyRequests(text="too many attempts, ask staff for help")

    async with request.app["db"].acquire() as conn:
        order = await conn.fetchrow(
            "SELECT o.id, l.id AS locker_id, l.bank_id, l.door FROM orders o "
            "JOIN lockers l ON l.id = o.locker_id "
            "WHERE o.store_id = $1 AND o.pickup_code = $2 AND o.status = 'ready' AND o.code_expires_at > now()",
            store_id, code,
        )
        if order is None:
            _failed_attempts[kiosk] = _failed_attempts.get(kiosk, 0) + 1  # expect: CON002, SCL001
            raise web.HTTPNotFound(text="code not recognised")

        await lock_control.open_door(order["bank_id"], order["door"], order["id"])
        await conn.execute(
            "UPDATE orders SET status = 'collected', collected_at = now() WHERE id = $1",  # expect: DB005
            order["id"],
        )
        await conn.execute("UPDATE lockers SET state = 'free', order_id = NULL WHERE id = $1", order["locker_id"])

    _failed_attempts.pop(kiosk, None)
    log.info("req %s: order %s collected at store %s", request["request_id"], order["id"], store_id)
    return web.json_response({"order_id": order["id"], "bank_id": order["bank_id"], "door": order["door"]})
