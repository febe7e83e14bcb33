"""Drop-off: give the customer a free locker in the store and open its door."""
import logging

from aiohttp import web

from .. import config
from ..vendor import lock_control

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


@routes.post("/stores/{store_id}/dropoffs")
async def create_dropoff(request: web.Request) -> web.Response:
    user = request["user"]
    store_id = int(request.match_info["store_id"])
    body = await request.json()
    service = body.get("service")
    if service not in config.current()["cycle_price_cents"]:
        raise web.HTTPBadRequest(text="unknown service")

    async with request.app["db"].acquire() as conn:
        locker = await conn.fetchrow(
            "SELECT id, bank_id, door FROM lockers WHERE store_id = $1 AND state = 'free' "
            "ORDER BY bank_id, door LIMIT 1",
            store_id,
        )
        if locker is None:
            raise web.HTTPConflict(text="no free locker in this store")
        order_id = await conn.fetchval(
            "INSERT INTO orders (customer_id, store_id, locker_id, service, status) "
            "VALUES ($1, $2, $3, $4, 'awaiting_dropoff') RETURNING id",
            user["id"], store_id, locker["id"], service,
        )
        await conn.execute(
            "UPDATE lockers SET state = 'reserved', order_id = $1 WHERE id = $2",  # expect: DB005
            order_id, locker["id"],
        )

    await lock_control.open_door(locker["bank_id"], locker["door"], order_id)
    log.info("req %s: order %s for customer %s got locker %s", request["request_id"], order_id, user["id"], locker["id"])
    return web.json_response(
        {"order_id": order_id, "bank_id": locker["bank_id"], "door": locker["door"]}, status=201
    )


@routes.post("/dropoffs/{order_id}/closed")
async def dropoff_closed(request: web.Request) -> web.Response:
    order_id = int(request.match_info["order_id"])
    async with request.app["db"].acquire() as conn:
        updated = await conn.execute(
            "UPDATE orders SET status = 'dropped_off', dropped_off_at = now() "
            "WHERE id = $1 AND status = 'awaiting_dropoff'",  # expect: SEC018
            order_id,
        )
    if updated == "UPDATE 0":
        raise web.HTTPNotFound(text="no open drop-off with that id")
    return web.json_response({"order_id": order_id, "status": "dropped_off"})


@routes.get("/stores/{store_id}/lockers")
async def store_lockers(request: web.Request) -> web.Response:
    if request["user"].get("role") != "operator":
        raise web.HTTPForbidden()
    store_id = int(request.match_info["store_id"])
    async with request.app["db"].acquire() as conn:
        lockers = await conn.fetch(
            "SELECT id, bank_id, door, state, order_id FROM lockers WHERE store_id = $1 "
            "ORDER BY bank_id, door",
            store_id,
        )
        out = []
        for locker in lockers:
            order = None
            if locker["order_id"]:
                order = await conn.fetchrow(  # expect: DB001
                    "SELECT id, status, service, customer_id FROM orders WHERE id = $1",
                    locker["order_id"],
                )
            out.append({**dict(locker), "order": dict(order) if order else None})
    return web.json_response(out)
