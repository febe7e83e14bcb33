import asyncio
import json
import logging
import zlib

logger = logging.getLogger(__name__)

LATEST_TTL_S = 120
MAX_BATCH_BYTES = 2 * 1024 * 1024
MAX_BATCH_FRAMES = 5000
MAX_RAW_BYTES = 32 * 1024 * 1024

_INSERT = (
    "INSERT INTO telemetry (robot_id, recorded_at, x, y, zone, battery_pct, speed, fault) "
    "VALUES ($1, COALESCE($2::timestamptz, now()), $3, $4, $5, $6, $7, $8)"
)


def _inflate(payload: bytes) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    raw = inflater.decompress(payload, MAX_RAW_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError("backfill batch expands beyond limit")
    return raw


def _row(robot_id: str, frame: dict) -> tuple:
    return (
        robot_id,
        frame.get("ts"),
        frame.get("x"),
        frame.get("y"),
        frame.get("zone"),
        frame.get("battery_pct"),
        frame.get("speed"),
        frame.get("fault"),
    )


async def store_frame(pool, redis, robot_id: str, frame: dict) -> None:
    async with pool.acquire() as conn:
        await conn.execute(_INSERT, *_row(robot_id, frame))  # ok: SEC001
    key = f"robot:{robot_id}:latest"
    latest = {k: str(frame[k]) for k in ("x", "y", "zone", "battery_pct", "speed", "received_at") if frame.get(k) is not None}
    if latest:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=latest)  # ok: SCL001
            pipe.expire(key, LATEST_TTL_S)
            await pipe.execute()


async def store_backfill(pool, robot_id: str, payload: bytes) -> int:
    """Robots upload a gzip'd JSON-lines batch after a reconnect."""
    if len(payload) > MAX_BATCH_BYTES:
        raise ValueError("backfill batch too large")
    raw = await asyncio.to_thread(_inflate, payload)  # ok: CON001
    frames = [json.loads(line) for line in raw.splitlines()[:MAX_BATCH_FRAMES] if line.strip()]
    rows = [_row(robot_id, f) for f in frames]
    if not rows:
        return 0
    async with pool.acquire() as conn, conn.transaction():
        await conn.executemany(_INSERT, rows)  # ok: DB003
    logger.info("stored %d backfilled frames for robot %s", len(rows), robot_id)
    return len(rows)


async def latest_for(redis, robot_ids: list[str]) -> dict[str, dict]:
    if not robot_ids:
        return {}
    async with redis.pipeline(transaction=False) as pipe:
        for rid in robot_ids:
            pipe.hgetall(f"robot:{rid}:latest")
        results = await pipe.execute()  # ok: DB001
    return {rid: data for rid, data in zip(robot_ids, results) if data}
