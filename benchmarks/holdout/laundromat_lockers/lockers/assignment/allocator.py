"""Locker allocation that cannot hand one locker to two customers."""
import logging

from aiohttp import web

from .. import config
from ..vendor.lock_gateway import DoorDidNotOpen

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

CLAIM_SQL = """
UPDATE lockers SET state = 'reserved', order_id = $2
WHERE id = (
    SELECT id FROM lockers
    WHERE store_id = $1 AND state = 'free'
    ORDER BY bank_id, door
    LIMIT 1
    FOR UPDATE SKIP LOCKED
)
RETURNING id, bank_id, door
"""


@routes.post("/v2/stores/{store_id}/dropoffs")
async def create_dropoff(request: web.Request) -> web.Response:
    user = request["user"]
    store_id = int(request.match_info["store_id"])
    body = await request.json()
    service = body.get("service")
    if service not in config.current()["cycle_price_cents"]:
        raise web.HTTPBadRequest(text="unknown service")

    pool = request.app["db"]
    async with pool.acquire() as conn, conn.transaction():
        order_id = await conn.fetchval(
            "INSERT INTO orders (customer_id, store_id, service, status) "
            "VALUES ($1, $2, $3, 'awaiting_dropoff') RETURNING id",
            user["id"], store_id, service,
        )
        locker = await conn.fetchrow(CLAIM_SQL, store_id, order_id)  # ok: DB005
        if locker is None:
            raise web.HTTPConflict(text="no free locker in this store")
        await conn.execute("UPDATE orders SET locker_id = $1 WHERE id = $2", locker["id"], order_id)

    try:
        await request.app["locks"].open_door(locker["bank_id"], locker["door"], order_id)
    except DoorDidNotOpen:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("UPDATE lockers SET state = 'fault', order_id = NULL WHERE id = $1", locker["id"])  # ok: REL004
            await conn.execute("UPDATE orders SET status = 'cancelled' WHERE id = $1", order_id)
        log.warning("req %s: locker %s did not open, order %s cancelled", request["request_id"], locker["id"], order_id)
        raise web.HTTPServiceUnavailable(text="locker did not open, please try again")

    log.info("req %s: order %s for customer %s got locker %s", request["request_id"], order_id, user["id"], locker["id"])
    return web.json_response({"order_id": order_id, "bank_id": locker["bank_id"], "door": locker["door"]}, status=201)


@routes.post("/v2/dropoffs/{order_id}/closed")
async def dropoff_closed(request: web.Request) -> web.Response:
    order_id = int(request.match_info["order_id"])
    async with request.app["db"].acquire() as conn:
        updated = await conn.execute(
            "UPDATE orders SET status = 'dropped_off', dropped_off_at = now() "
            "WHERE id = $1 AND customer_id = $2 AND status = 'awaiting_dropoff'",  # ok: SEC018
            order_id, request["user"]["id"],
        )
    if updated == "UPDATE 0":
        raise web.HTTPNotFound(text="no open drop-off with that id")
    return web.json_response({"order_id": order_id, "status": "dropped_off"})


@routes.get("/v2/stores/{store_id}/lockers")
async def store_lockers(request: web.Request) -> web.Response:
    if request["user"].get("role") != "operator":
        raise web.HTTPForbidden()
    rows = await request.app["db"].fetch(
        "SELECT l.id, l.bank_id, l.door, l.state, o.id AS order_id, o.status, o.service "
        "FROM lockers l LEFT JOIN orders o ON o.id = l.order_id "  # ok: DB001
        "WHERE l.store_id = $1 ORDER BY l.bank_id, l.door",
        int(request.match_info["store_id"]),
    )
    return web.json_response([dict(r) for r in rows])
