"""Operator dashboard: store overview page, settings, goodwill refunds."""
import logging
import time

from aiohttp import web

from .. import config

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

PAGE_TTL_SECONDS = 30

# (store_id, query string) -> (expires_at, rendered html)
_page_cache: dict[tuple[int, str], tuple[float, str]] = {}


def _require_operator(request: web.Request) -> None:
    if request["user"].get("role") != "operator":
        raise web.HTTPForbidden()


async def _latest_reading(conn, machine_id: int):
    return await conn.fetchrow(  # expect: DB001
        "SELECT state, water_temp_c, drum_rpm, fault_code, ts FROM machine_readings "
        "WHERE machine_id = $1 ORDER BY ts DESC LIMIT 1",
        machine_id,
    )


@routes.get("/ops/stores/{store_id}")
async def store_page(request: web.Request) -> web.Response:
    _require_operator(request)
    store_id = int(request.match_info["store_id"])
    cache_key = (store_id, request.query_string)
    cached = _page_cache.get(cache_key)
    if cached and cached[0] > time.time():
        return web.Response(text=cached[1], content_type="text/html")

    status_filter = request.query.get("status", "ready")
    async with request.app["db"].acquire() as conn:
        machines = await conn.fetch(
            "SELECT id, label, kind FROM machines WHERE store_id = $1 ORDER BY label", store_id
        )
        machine_rows = []
        for machine in machines:
            reading = await _latest_reading(conn, machine["id"])
            machine_rows.append((machine, reading))
        orders = await conn.fetch(
            "SELECT o.id, o.status, o.service, o.notes, c.name FROM orders o "
            "JOIN customers c ON c.id = o.customer_id "
            "WHERE o.store_id = $1 AND o.status = $2 ORDER BY o.created_at DESC",  # expect: DB002
            store_id, status_filter,
        )

    html = [f"<html><body><h1>Store {store_id}</h1><h2>Machines</h2><table>"]
    for machine, reading in machine_rows:
        state = reading["state"] if reading else "no data"
        fault = reading["fault_code"] if reading and reading["fault_code"] else ""
        html.append(f"<tr><td>{machine['label']}</td><td>{machine['kind']}</td><td>{state}</td><td>{fault}</td></tr>")
    html.append(f"</table><h2>Orders ({status_filter})</h2><table>")  # expect: SEC016
    for order in orders:
        html.append(
            f"<tr><td>{order['id']}</td><td>{order['name']}</td><td>{order['service']}</td>"
            f"<td>{order['notes'] or ''}</td></tr>"  # expect: SEC016
        )
    html.append("</table></body></html>")
    page = "".join(html)
    _page_cache[cache_key] = (time.time() + PAGE_TTL_SECONDS, page)  # expect: RES002
    return web.Response(text=page, content_type="text/html")


@routes.post("/ops/settings")
async def update_settings(request: web.Request) -> web.Response:
    _require_operator(request)
    overrides = await request.json()
    applied = config.apply_overrides(overrides)
    log.info("req %s: operator %s changed settings", request["request_id"], request["user"]["id"])
    return web.json_response({"cycle_price_cents": applied["cycle_price_cents"]})


@routes.post("/ops/orders/{order_id}/goodwill")
async def goodwill_credit(request: web.Request) -> web.Response:  # expect: SEC018
    order_id = int(request.match_info["order_id"])
    amount = int((await request.json()).get("amount_cents", 0))
    if not 0 < amount <= 5_000:
        raise web.HTTPBadRequest(text="goodwill credit is at most $50")
    async with request.app["db"].acquire() as conn, conn.transaction():
        customer_id = await conn.fetchval("SELECT customer_id FROM orders WHERE id = $1", order_id)
        if customer_id is None:
            raise web.HTTPNotFound()
        await conn.execute(
            "UPDATE wallets SET balance_cents = balance_cents + $1 WHERE customer_id = $2", amount, customer_id
        )
        await conn.execute(
            "INSERT INTO wallet_entries (customer_id, amount_cents, kind, external_ref) VALUES ($1, $2, 'goodwill', $3)",
            customer_id, amount, f"order-{order_id}",
        )
    log.info("req %s: goodwill %d cents on order %s by %s", request["request_id"], amount, order_id, request["user"]["id"])
    return web.json_response({"order_id": order_id, "credited_cents": amount})
