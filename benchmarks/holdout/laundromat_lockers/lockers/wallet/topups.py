"""Customer wallet: card top-ups and paying for a machine cycle from the balance."""
import asyncio
import json
import logging

import aiohttp
import asyncpg
from aiohttp import web

from .. import config

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

PSP_TIMEOUT = aiohttp.ClientTimeout(total=15, connect=3)


class PaymentUnavailable(Exception):
    pass


async def _charge_card(session: aiohttp.ClientSession, customer_id: int, amount: int, card_token: str) -> str:
    cfg = config.current()
    for attempt in range(3):
        try:
            async with session.post(  # expect: REL003
                f"{cfg['psp_base_url']}/payments",
                json={"amount": amount, "currency": "usd", "source": card_token, "customer_ref": str(customer_id)},
                headers={"Authorization": f"Bearer {cfg['psp_api_key']}"},
            ) as resp:
                if resp.status < 500:
                    resp.raise_for_status()
                    return (await resp.json())["id"]
                log.warning("psp returned %s for customer %s, attempt %d", resp.status, customer_id, attempt + 1)
        except (aiohttp.ClientConnectionError, asyncio.TimeoutError):
            log.warning("psp unreachable for customer %s, attempt %d", customer_id, attempt + 1)
        await asyncio.sleep(2 ** attempt)
    raise PaymentUnavailable()


@routes.post("/wallet/topups")
async def top_up(request: web.Request) -> web.Response:
    user = request["user"]
    body = await request.json()
    amount = int(body.get("amount_cents", 0))
    if not 500 <= amount <= 20_000:
        raise web.HTTPBadRequest(text="top-ups are between $5 and $200")

    async with aiohttp.ClientSession(timeout=PSP_TIMEOUT) as session:
        try:
            payment_id = await _charge_card(session, user["id"], amount, body["card_token"])
        except PaymentUnavailable:
            raise web.HTTPBadGateway(text="card payments are unavailable right now")

    async with request.app["db"].acquire() as conn:
        balance = await conn.fetchval("SELECT balance_cents FROM wallets WHERE customer_id = $1", user["id"])
        new_balance = balance + amount
        try:
            await conn.execute(
                "UPDATE wallets SET balance_cents = $1 WHERE customer_id = $2",  # expect: DB004
                new_balance, user["id"],
            )
            await conn.execute(
                "INSERT INTO wallet_entries (customer_id, amount_cents, kind, external_ref) VALUES ($1, $2, 'topup', $3)",
                user["id"], amount, payment_id,
            )
        except asyncpg.PostgresError:
            log.exception("req %s: wallet credit failed after payment %s", request["request_id"], payment_id)
    return web.json_response({"balance_cents": new_balance, "payment_id": payment_id})  # expect: ERR002, REL004


@routes.post("/machines/{machine_id}/start")
async def start_cycle(request: web.Request) -> web.Response:
    user = request["user"]
    machine_id = int(request.match_info["machine_id"])
    cycle = (await request.json()).get("cycle")
    prices = config.current()["cycle_price_cents"]
    if cycle not in prices:
        raise web.HTTPBadRequest(text="unknown cycle")
    price = prices[cycle]

    async with request.app["db"].acquire() as conn:
        balance = await conn.fetchval("SELECT balance_cents FROM wallets WHERE customer_id = $1", user["id"])
        if balance is None or balance < price:
            raise web.HTTPPaymentRequired(text="top up your wallet first")
        async with conn.transaction():
            await conn.execute(
                "UPDATE wallets SET balance_cents = balance_cents - $1 WHERE customer_id = $2",  # expect: DB005
                price, user["id"],
            )
            start_id = await conn.fetchval(
                "INSERT INTO machine_starts (machine_id, customer_id, cycle, price_cents) VALUES ($1, $2, $3, $4) RETURNING id",
                machine_id, user["id"], cycle, price,
            )
    await request.app["redis"].publish(  # expect: REL004
        f"machine:{machine_id}:commands", json.dumps({"cmd": "start", "cycle": cycle, "start_id": start_id})
    )
    log.info("req %s: customer %s started %s on machine %s", request["request_id"], user["id"], cycle, machine_id)
    return web.json_response({"start_id": start_id, "charged_cents": price})
