"""Persistence for device telemetry (TimescaleDB hypertable `readings`)."""
import logging
from datetime import datetime, timedelta, timezone
from typing import Iterable

import asyncpg

logger = logging.getLogger(__name__)

MAX_RANGE = timedelta(days=31)
MAX_POINTS = 2000

_INSERT_READING = """
    INSERT INTO readings (device_id, ts, temp_c, humidity, setpoint_c, hvac_mode)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (device_id, ts) DO NOTHING
"""

_BUCKETS = {"5m": "5 minutes", "1h": "1 hour", "1d": "1 day"}


async def insert_readings(pool: asyncpg.Pool, device_id: str, readings: Iterable) -> int:
    rows = [
        (device_id, r.ts, r.temp_c, r.humidity, r.setpoint_c, r.hvac_mode)
        for r in readings
    ]
    if not rows:
        return 0
    async with pool.acquire() as conn:
        async with conn.transaction():
            await conn.executemany(_INSERT_READING, rows)
            await conn.execute(  # ok: DB004
                """
                UPDATE devices
                   SET last_seen_at = GREATEST(last_seen_at, $2),
                       readings_total = readings_total + $3
                 WHERE id = $1
                """,
                device_id,
                max(r[1] for r in rows),
                len(rows),
            )
    return len(rows)


async def readings_between(
    pool: asyncpg.Pool,
    device_id: str,
    start: datetime,
    end: datetime,
    bucket: str = "1h",
) -> list[dict]:
    if end <= start:
        raise ValueError("end must be after start")
    if end - start > MAX_RANGE:
        raise ValueError("range too large")
    interval = _BUCKETS.get(bucket)
    if interval is None:
        raise ValueError(f"unknown bucket {bucket!r}")
    query = f"""
        SELECT time_bucket('{interval}', ts) AS bucket,
               avg(temp_c) AS temp_c,
               avg(humidity) AS humidity,
               max(setpoint_c) AS setpoint_c
          FROM readings
         WHERE device_id = $1 AND ts >= $2 AND ts < $3
         GROUP BY bucket
         ORDER BY bucket
         LIMIT {MAX_POINTS}
    """
    rows = await pool.fetch(query, device_id, start, end)  # ok: SEC001
    return [dict(r) for r in rows]


async def purge_older_than(pool: asyncpg.Pool, days: int, batch: int = 10_000) -> int:
    cutoff = datetime.now(timezone.utc) - timedelta(days=days)
    removed = 0
    while True:
        status = await pool.execute(
            """
            DELETE FROM readings
             WHERE ctid IN (SELECT ctid FROM readings WHERE ts < $1 LIMIT $2)
            """,
            cutoff,
            batch,
        )
        deleted = int(status.split()[-1])
        removed += deleted
        if deleted < batch:
            break
    logger.info("purged %d readings older than %s", removed, cutoff.isoformat())
    return removed
