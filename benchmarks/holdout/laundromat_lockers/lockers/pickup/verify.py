"""Pickup codes v2: random codes stored as HMACs, attempts counted in Redis."""
import hashlib
import hmac
import json
import logging
import secrets

from aiohttp import web

from .. import config
from ..vendor.lock_gateway import DoorDidNotOpen

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

MAX_FAILED_ATTEMPTS = 5
LOCKOUT_SECONDS = 15 * 60


def _digest(store_id: int, code: str) -> str:
    key = config.current()["pickup_code_key"].encode()
    return hmac.new(key, f"{store_id}:{code}".encode(), hashlib.sha256).hexdigest()  # ok: SEC009


@routes.post("/v2/orders/{order_id}/ready")
async def order_ready(request: web.Request) -> web.Response:
    if request["user"].get("role") != "operator":
        raise web.HTTPForbidden()
    order_id = int(request.match_info["order_id"])
    code = f"{secrets.randbelow(1_000_000):06d}"  # ok: SEC010
    ttl_hours = int(config.current()["pickup_code_ttl_hours"])
    async with request.app["db"].acquire() as conn, conn.transaction():
        row = await conn.fetchrow(
            "SELECT o.store_id, c.phone FROM orders o JOIN customers c ON c.id = o.customer_id "
            "WHERE o.id = $1 AND o.status = 'in_progress' FOR UPDATE OF o",
            order_id,
        )
        if row is None:
            raise web.HTTPConflict(text="order is not in progress")
        await conn.execute(
            "UPDATE orders SET status = 'ready', pickup_code_hash = $1, "
            "code_expires_at = now() + make_interval(hours => $2) WHERE id = $3",
            _digest(row["store_id"], code), ttl_hours, order_id,
        )
        await conn.execute(
            "INSERT INTO sms_outbox (phone, template, params) VALUES ($1, 'pickup_ready', $2)",
            row["phone"], json.dumps({"order_id": order_id, "code": code}),
        )
    log.info("req %s: order %s ready, pickup code issued", request["request_id"], order_id)  # ok: SEC007
    return web.json_response({"order_id": order_id, "status": "ready"})


@routes.post("/pickup/v2/{store_id}/redeem")
async def redeem(request: web.Request) -> web.Response:
    store_id = int(request.match_info["store_id"])
    code = str((await request.json()).get("code", "")).strip()
    redis = request.app["redis"]
    attempts_key = f"pickup:fail:{store_id}"
    if int(await redis.get(attempts_key) or 0) >= MAX_FAILED_ATTEMPTS * 4:
        raise web.HTTPTooManyRequests(text="too many attempts, ask staff for help")

    pool = request.app["db"]
    order = await pool.fetchrow(
        "UPDATE orders o SET status = 'collecting' FROM lockers l "
        "WHERE l.id = o.locker_id AND o.store_id = $1 AND o.pickup_code_hash = $2 "
        "AND o.status = 'ready' AND o.code_expires_at > now() "
        "RETURNING o.id, l.id AS locker_id, l.bank_id, l.door",  # ok: DB005
        store_id, _digest(store_id, code),
    )
    if order is None:
        async with redis.pipeline(transaction=True) as pipe:
            await pipe.incr(attempts_key).expire(attempts_key, LOCKOUT_SECONDS).execute()  # ok: SCL001
        raise web.HTTPNotFound(text="code not recognised")

    try:
        await request.app["locks"].open_door(order["bank_id"], order["door"], order["id"])
    except DoorDidNotOpen:
        await pool.execute("UPDATE orders SET status = 'ready' WHERE id = $1 AND status = 'collecting'", order["id"])
        raise web.HTTPServiceUnavailable(text="locker did not open, please try again")

    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("UPDATE orders SET status = 'collected', collected_at = now() WHERE id = $1", order["id"])
        await conn.execute("UPDATE lockers SET state = 'free', order_id = NULL WHERE id = $1", order["locker_id"])
    log.info("req %s: order %s collected at store %s", request["request_id"], order["id"], store_id)
    return web.json_response({"order_id": order["id"], "bank_id": order["bank_id"], "door": order["door"]})
