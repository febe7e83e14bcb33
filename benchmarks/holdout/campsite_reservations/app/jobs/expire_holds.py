"""Release unpaid holds and close out past stays.

Runs as a Kubernetes CronJob every five minutes: python -m app.jobs.expire_holds
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import date, datetime, timezone

from sqlalchemy import select, update

from app.db import session_scope
from app.models import GatewayRequest, Reservation

logger = logging.getLogger("campsite.jobs.expire_holds")

BATCH_SIZE = 500


async def expire_holds(now: datetime) -> int:
    released = 0
    async with session_scope() as session:
        while True:
            ids = (
                await session.scalars(
                    select(Reservation.id)
                    .where(
                        Reservation.status.in_(("held", "pending_deposit")),
                        Reservation.hold_expires_at < now,
                    )
                    .order_by(Reservation.id)
                    .limit(BATCH_SIZE)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not ids:
                break
            await session.execute(
                update(Reservation).where(Reservation.id.in_(ids)).values(status="expired")
            )
            await session.execute(
                update(GatewayRequest)
                .where(
                    GatewayRequest.reservation_id.in_(ids),
                    GatewayRequest.kind == "charge",
                    GatewayRequest.status == "pending",
                )
                .values(status="skipped")
            )
            await session.commit()  # ok: DB003
            released += len(ids)
    return released


async def complete_past_stays(today: date) -> int:
    async with session_scope() as session:
        result = await session.execute(
            update(Reservation)
            .where(Reservation.status == "confirmed", Reservation.depart < today)
            .values(status="completed")
        )
        await session.commit()
        return result.rowcount or 0


async def main(dry_run: bool) -> int:
    now = datetime.now(timezone.utc)
    if dry_run:
        logger.info("dry run: nothing changed")
        return 0
    released = await expire_holds(now)
    completed = await complete_past_stays(now.date())
    logger.info("released %d holds, completed %d stays", released, completed)
    print(f"released={released} completed={completed}")  # ok: OBS001
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    sys.exit(asyncio.run(main(args.dry_run)))
