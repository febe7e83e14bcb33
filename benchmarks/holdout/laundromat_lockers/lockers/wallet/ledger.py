"""Wallet top-ups keyed by the client's Idempotency-Key, and guarded debits."""
import json
import logging

import aiohttp
from aiohttp import web

from .. import config

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

PSP_TIMEOUT = aiohttp.ClientTimeout(total=15, connect=3)


@routes.post("/v2/wallet/topups")
async def top_up(request: web.Request) -> web.Response:
    user = request["user"]
    key = request.headers.get("Idempotency-Key", "")
    if not 16 <= len(key) <= 64:
        raise web.HTTPBadRequest(text="Idempotency-Key header required")
    body = await request.json()
    amount = int(body.get("amount_cents", 0))
    if not 500 <= amount <= 20_000:
        raise web.HTTPBadRequest(text="top-ups are between $5 and $200")

    pool = request.app["db"]
    row = await pool.fetchrow(
        "INSERT INTO topups (customer_id, idem_key, amount_cents, status) VALUES ($1, $2, $3, 'pending') "
        "ON CONFLICT (customer_id, idem_key) DO UPDATE SET idem_key = EXCLUDED.idem_key "
        "RETURNING id, status, amount_cents, (xmax = 0) AS created",
        user["id"], key, amount,
    )
    if not row["created"] and row["status"] == "credited":
        return web.json_response({"topup_id": row["id"], "status": "credited"})

    cfg = config.current()
    async with aiohttp.ClientSession(timeout=PSP_TIMEOUT) as session:
        async with session.post(  # ok: REL001, REL003
            f"{cfg['psp_base_url']}/payments",
            json={"amount": row["amount_cents"], "currency": "usd", "source": body["card_token"]},
            headers={"Authorization": f"Bearer {cfg['psp_api_key']}", "Idempotency-Key": f"topup-{row['id']}"},
        ) as resp:
            if resp.status == 402:
                await pool.execute("UPDATE topups SET status = 'declined' WHERE id = $1", row["id"])
                raise web.HTTPPaymentRequired(text="card declined")
            if resp.status >= 400:
                log.warning("req %s: psp returned %s for topup %s", request["request_id"], resp.status, row["id"])
                raise web.HTTPBadGateway(text="payment provider error, retry with the same key")
            payment_id = (await resp.json())["id"]

    async with pool.acquire() as conn, conn.transaction():
        claimed = await conn.fetchval(
            "UPDATE topups SET status = 'credited', external_ref = $2 WHERE id = $1 AND status <> 'credited' RETURNING id",
            row["id"], payment_id,
        )
        balance = await conn.fetchval(
            "UPDATE wallets SET balance_cents = balance_cents + $1 WHERE customer_id = $2 RETURNING balance_cents",  # ok: DB004
            row["amount_cents"] if claimed else 0, user["id"],
        )
    log.info("req %s: topup %s for customer %s credited", request["request_id"], row["id"], user["id"])
    return web.json_response({"topup_id": row["id"], "status": "credited", "balance_cents": balance})


@routes.post("/v2/machines/{machine_id}/start")
async def start_cycle(request: web.Request) -> web.Response:
    user = request["user"]
    machine_id = int(request.match_info["machine_id"])
    cycle = (await request.json()).get("cycle")
    prices = config.current()["cycle_price_cents"]
    if cycle not in prices:
        raise web.HTTPBadRequest(text="unknown cycle")

    async with request.app["db"].acquire() as conn, conn.transaction():
        balance = await conn.fetchval(
            "UPDATE wallets SET balance_cents = balance_cents - $1 "
            "WHERE customer_id = $2 AND balance_cents >= $1 RETURNING balance_cents",  # ok: DB005
            prices[cycle], user["id"],
        )
        if balance is None:
            raise web.HTTPPaymentRequired(text="top up your wallet first")
        start_id = await conn.fetchval(
            "INSERT INTO machine_starts (machine_id, customer_id, cycle, price_cents) VALUES ($1, $2, $3, $4) RETURNING id",
            machine_id, user["id"], cycle, prices[cycle],
        )
        # the relay publishes rows from this table, so a start is never lost after the debit
        await conn.execute(
            "INSERT INTO machine_command_outbox (machine_id, payload) VALUES ($1, $2)",
            machine_id, json.dumps({"cmd": "start", "cycle": cycle, "start_id": start_id}),
        )
    log.info("req %s: customer %s started %s on machine %s", request["request_id"], user["id"], cycle, machine_id)
    return web.json_response({"start_id": start_id, "charged_cents": prices[cycle], "balance_cents": balance})
