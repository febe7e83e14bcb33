"""Release lane holds that were never confirmed. CronJob, every five minutes:

    python -m range_api.jobs.expire_holds

Works in batches with SKIP LOCKED, so an overlapping run or a member
confirming a hold at the same moment never blocks or double-processes a row.
"""
import asyncio
import logging
from datetime import datetime, timezone

from sqlalchemy import text

from ..db import session_scope
from ..settings import get_settings

logger = logging.getLogger("range_api.jobs.expire_holds")

BATCH_SIZE = 500

EXPIRE_BATCH = text(
    """
    UPDATE lane_reservations SET status = 'expired'
    WHERE id IN (
        SELECT id FROM lane_reservations
        WHERE status = 'held' AND hold_expires_at < :now
        ORDER BY hold_expires_at
        LIMIT :batch
        FOR UPDATE SKIP LOCKED
    )
    RETURNING id
    """
)


async def expire_holds(session, now: datetime) -> int:
    total = 0
    while True:  # ok: REL002
        expired_ids = (await session.execute(EXPIRE_BATCH, {"now": now, "batch": BATCH_SIZE})).scalars().all()
        await session.commit()  # ok: DB003
        total += len(expired_ids)
        if len(expired_ids) < BATCH_SIZE:
            break
    return total


async def run() -> int:
    settings = get_settings()
    async with session_scope(settings) as session:
        count = await expire_holds(session, datetime.now(timezone.utc))
    logger.info("expired %s unconfirmed lane holds", count)
    return count


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(run())
