"""Connection pool and small query helpers shared by the handlers."""

import datetime as dt
import hashlib
import logging
from typing import Iterable, Optional

import asyncpg

log = logging.getLogger(__name__)

_CARRIER_COLUMNS = "id, code, name, service_level"


async def create_pool(settings) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn=settings.database_dsn,
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        command_timeout=settings.db_command_timeout,
        timeout=10,
        max_inactive_connection_lifetime=300,
    )
    log.info("database pool ready (min=%s max=%s)", settings.db_pool_min, settings.db_pool_max)
    return pool


async def fetch_carrier(conn: asyncpg.Connection, carrier_id: int) -> Optional[asyncpg.Record]:
    return await conn.fetchrow(
        f"SELECT {_CARRIER_COLUMNS} FROM carriers WHERE id = $1",
        carrier_id,
    )


async def fetch_carriers(conn: asyncpg.Connection, carrier_ids: Iterable[int]) -> dict:
    ids = sorted(set(carrier_ids))
    if not ids:
        return {}
    rows = await conn.fetch(
        f"SELECT {_CARRIER_COLUMNS} FROM carriers WHERE id = ANY($1::int[])",  # ok: SEC001
        ids,
    )
    return {row["id"]: row for row in rows}


async def carrier_ids_by_code(conn: asyncpg.Connection) -> dict:
    rows = await conn.fetch("SELECT id, code FROM carriers WHERE active")
    return {row["code"]: row["id"] for row in rows}


def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()  # ok: SEC009


async def customer_for_api_key(conn: asyncpg.Connection, raw_key: str) -> Optional[asyncpg.Record]:
    return await conn.fetchrow(
        "SELECT id, name, plan FROM customers WHERE api_key_hash = $1 AND disabled_at IS NULL",
        hash_api_key(raw_key),
    )


async def insert_quote(
    conn: asyncpg.Connection,
    *,
    customer_id: int,
    carrier_id: int,
    origin: dict,
    destination: dict,
    weight_kg: float,
    price_cents: int,
    currency: str,
    expires_at: dt.datetime,
) -> int:
    return await conn.fetchval(
        """
        INSERT INTO quotes (customer_id, carrier_id, origin_country, origin_postcode,
                            dest_country, dest_postcode, weight_kg, price_cents,
                            currency, status, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10)
        RETURNING id
        """,
        customer_id,
        carrier_id,
        origin["country"],
        origin["postcode"],
        destination["country"],
        destination["postcode"],
        weight_kg,
        price_cents,
        currency,
        expires_at,
    )
