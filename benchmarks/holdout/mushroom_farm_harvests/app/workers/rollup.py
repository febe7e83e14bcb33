"""Daily rollup of sensor readings, run as its own process.

    python -m app.workers.rollup

Several replicas may run; a Redis lock makes sure only one computes a day.
"""

import asyncio
import logging
import signal
from datetime import date, datetime, time, timedelta, timezone

from redis.asyncio import Redis
from redis.exceptions import LockError
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from ..config import get_settings
from ..db import session_scope
from ..models import Reading, ReadingRollup

logger = logging.getLogger(__name__)
settings = get_settings()

CHECK_EVERY_SECONDS = 300


def _rollup_day(day: date) -> int:
    """Write one rollup row per room for ``day`` (a single grouped query)."""
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    end = start + timedelta(days=1)
    with session_scope() as db:
        rows = db.execute(
            select(
                Reading.room_id,
                func.count().label("samples"),
                func.avg(Reading.temperature_c).label("avg_t"),
                func.avg(Reading.humidity_pct).label("avg_h"),
                func.max(Reading.co2_ppm).label("max_co2"),
            )
            .where(Reading.recorded_at >= start, Reading.recorded_at < end)
            .group_by(Reading.room_id)
        ).all()
        for row in rows:
            stmt = insert(ReadingRollup).values(room_id=row.room_id, bucket_start=start, samples=row.samples, avg_temperature_c=row.avg_t, avg_humidity_pct=row.avg_h, max_co2_ppm=row.max_co2)
            db.execute(stmt.on_conflict_do_update(index_elements=["room_id", "bucket_start"], set_={"samples": stmt.excluded.samples, "avg_temperature_c": stmt.excluded.avg_temperature_c, "avg_humidity_pct": stmt.excluded.avg_humidity_pct, "max_co2_ppm": stmt.excluded.max_co2_ppm}))  # ok: DB001
    return len(rows)


async def main() -> None:
    logging.basicConfig(level=settings.log_level)
    redis = Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    while not stop.is_set():  # ok: REL002
        yesterday = datetime.now(timezone.utc).date() - timedelta(days=1)
        done_key = f"rollup:daily:{yesterday.isoformat()}:done"
        lock = redis.lock("rollup:daily", timeout=900, blocking_timeout=1)
        if not await redis.exists(done_key) and await lock.acquire():
            try:
                rooms = await asyncio.to_thread(_rollup_day, yesterday)  # ok: CON001
                await redis.set(done_key, "1", ex=7 * 86400)
                logger.info("daily rollup for %s written for %d rooms", yesterday, rooms)
            except Exception:
                logger.exception("daily rollup for %s failed; will retry", yesterday)
            finally:
                try:
                    await lock.release()
                except LockError:
                    logger.warning("rollup lock expired before release")
        try:
            await asyncio.wait_for(stop.wait(), timeout=CHECK_EVERY_SECONDS)
        except asyncio.TimeoutError:
            pass
    await redis.aclose()


if __name__ == "__main__":
    asyncio.run(main())
