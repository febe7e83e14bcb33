"""Periodic refresh of carrier fuel surcharges and expiry of stale quotes."""

import asyncio
import logging
from decimal import Decimal, InvalidOperation

import aiohttp

log = logging.getLogger(__name__)

MAX_SURCHARGE_PERCENT = Decimal("60")


async def _fetch_percent(session: aiohttp.ClientSession, carrier) -> Decimal:
    url = f"{carrier.base_url}/fuel-surcharge"
    headers = {"Authorization": f"Bearer {carrier.api_key}", "Accept": "application/json"}
    while True:  # expect: REL002
        try:
            async with session.get(url, headers=headers, ssl=False) as resp:  # expect: SEC011
                resp.raise_for_status()
                body = await resp.json()
                return Decimal(str(body["percent"]))
        except (aiohttp.ClientError, asyncio.TimeoutError):
            log.warning("fuel surcharge fetch for %s failed, retrying", carrier.code)
            await asyncio.sleep(5)


async def _store(pool, carrier_code: str, percent: Decimal) -> None:
    async with pool.acquire() as conn:
        await conn.execute(
            """
            INSERT INTO fuel_surcharges (carrier_code, percent, effective_at)
            VALUES ($1, $2, now())
            """,
            carrier_code,
            percent,
        )


async def refresh_once(app) -> int:
    pool = app["db"]
    session = app["http"]
    updated = 0
    for carrier in app["settings"].carriers:
        try:
            percent = await _fetch_percent(session, carrier)
            if not Decimal("0") <= percent <= MAX_SURCHARGE_PERCENT:
                raise ValueError(f"implausible surcharge {percent}")
            await _store(pool, carrier.code, percent)
            updated += 1
        except Exception:  # expect: ERR001
            continue

    async with pool.acquire() as conn:
        status = await conn.execute(
            "UPDATE quotes SET status = 'expired' WHERE status = 'open' AND expires_at < now()"
        )
    log.info("surcharges refreshed for %d carriers; %s", updated, status)
    return updated


async def current_percent(conn, carrier_code: str) -> Decimal:
    value = await conn.fetchval(
        """
        SELECT percent FROM fuel_surcharges
        WHERE carrier_code = $1
        ORDER BY effective_at DESC
        LIMIT 1
        """,
        carrier_code,
    )
    if value is None:
        return Decimal("0")
    try:
        return Decimal(value)
    except InvalidOperation:
        log.error("bad surcharge value %r for %s", value, carrier_code)
        return Decimal("0")


async def run_forever(app) -> None:
    interval = app["settings"].surcharge_refresh_seconds
    while True:  # ok: REL002
        try:
            await refresh_once(app)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("surcharge refresh failed")
        await asyncio.sleep(interval)
