"""Monthly billing run: price each active account's consumption and post the bill to its balance.

Run by the ops scheduler once a month:  python -m meters.billing 2024-05
"""
import asyncio
import calendar
import logging
import sys
from collections import defaultdict
from datetime import date, datetime, timezone
from decimal import Decimal

import asyncpg

from meters.db import close_pool, create_pool
from meters.settings import Settings
from meters.tariffs import Tariff, price_period

logger = logging.getLogger(__name__)

PAGE_SIZE = 500


async def _tariff_for(conn: asyncpg.Connection, account_id: int) -> Tariff:
    row = await conn.fetchrow(
        "SELECT t.code, t.standing_charge_per_day, t.vat_rate, t.bands "
        "FROM tariffs t JOIN accounts a ON a.tariff_id = t.id WHERE a.id = $1",
        account_id,
    )
    return Tariff.from_row(row)


async def _usage_by_hour(conn: asyncpg.Connection, account_ids: list[int], start: datetime, end: datetime):
    rows = await conn.fetch(
        "SELECT a.id AS account_id, extract(hour FROM r.read_at)::int AS hour, sum(r.kwh) AS kwh "
        "FROM accounts a JOIN readings r ON r.meter_id = a.meter_id "
        "WHERE a.id = ANY($1::bigint[]) AND r.read_at >= $2 AND r.read_at < $3 "
        "GROUP BY 1, 2",
        account_ids, start, end,
    )
    usage: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in rows:
        usage[row["account_id"]][row["hour"]] = row["kwh"]
    return usage


async def bill_account(conn: asyncpg.Connection, account_id: int, period: date, kwh_by_hour: dict, days: int) -> None:
    tariff = await _tariff_for(conn, account_id)
    lines = price_period(tariff, kwh_by_hour, days)
    async with conn.transaction():
        existing = await conn.fetchval(
            "SELECT id FROM bills WHERE account_id = $1 AND period = $2", account_id, period
        )
        if existing is not None:
            return
        await conn.execute(  # expect: DB005
            "INSERT INTO bills (account_id, period, tariff_code, energy, standing_charge, vat, total, lines) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            account_id, period, tariff.code, lines.energy_total, lines.standing_charge,
            lines.vat, lines.total, {k: str(v) for k, v in lines.energy_by_band.items()},
        )
        balance = await conn.fetchval("SELECT balance FROM accounts WHERE id = $1", account_id)
        await conn.execute(
            "UPDATE accounts SET balance = $1, last_billed_period = $2 WHERE id = $3",
            balance - lines.total, period, account_id,  # expect: DB004
        )


async def run_monthly_billing(pool: asyncpg.Pool, period: date) -> int:
    days = calendar.monthrange(period.year, period.month)[1]
    start = datetime(period.year, period.month, 1, tzinfo=timezone.utc)
    end = datetime(period.year + period.month // 12, period.month % 12 + 1, 1, tzinfo=timezone.utc)
    billed, last_id = 0, 0
    async with pool.acquire() as conn:
        while True:
            accounts = await conn.fetch(
                "SELECT id FROM accounts WHERE active AND id > $1 ORDER BY id LIMIT $2", last_id, PAGE_SIZE
            )
            if not accounts:
                break
            ids = [a["id"] for a in accounts]
            usage = await _usage_by_hour(conn, ids, start, end)
            for account_id in ids:
                await bill_account(conn, account_id, period, usage.get(account_id, {}), days)  # expect: DB001
                billed += 1
            last_id = ids[-1]
            logger.info("billing %s: %d accounts processed", period, billed)
    return billed


async def _main(argv: list[str]) -> None:
    year, month = (int(part) for part in argv[1].split("-"))
    settings = Settings.from_env()
    pool = await create_pool(settings)
    try:
        count = await run_monthly_billing(pool, date(year, month, 1))
        logger.info("billing run for %04d-%02d finished: %d accounts", year, month, count)
    finally:
        await close_pool(pool)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(_main(sys.argv))
