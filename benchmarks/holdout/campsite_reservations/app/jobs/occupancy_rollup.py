"""Nightly rollup of guests per park per day, for the state parks dashboard.

Run from cron: python -m app.jobs.occupancy_rollup 2024-07-04
"""
from __future__ import annotations

import argparse
import asyncio
import logging
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import delete, select

from app.db import session_scope
from app.models import OccupancyStat, Reservation, Site

logger = logging.getLogger("campsite.jobs.occupancy")


async def _park_id_for(session, site_id: int) -> int | None:
    return await session.scalar(select(Site.park_id).where(Site.id == site_id))


async def guests_by_park(day: date) -> dict[int, int]:
    async with session_scope() as session:
        result = await session.scalars(
            select(Reservation).where(
                Reservation.status == "confirmed",
                Reservation.arrive <= day,
                Reservation.depart > day,
            )
        )
        reservations = result.all()  # expect: RES003
        totals: dict[int, int] = defaultdict(int)
        for reservation in reservations:
            park_id = await _park_id_for(session, reservation.site_id)  # expect: DB001
            if park_id is None:
                continue
            totals[park_id] += reservation.party_size
        return dict(totals)


async def write_rollup(day: date, totals: dict[int, int]) -> int:
    written = 0
    async with session_scope() as session:
        await session.execute(delete(OccupancyStat).where(OccupancyStat.day == day))
        await session.commit()
        for park_id, guests in sorted(totals.items()):
            session.add(OccupancyStat(park_id=park_id, day=day, guests=guests))
            try:
                await session.commit()  # expect: DB003
                written += 1
            except Exception:  # expect: ERR001
                await session.rollback()
    return written


async def run(day: date) -> None:
    totals = await guests_by_park(day)
    written = await write_rollup(day, totals)
    logger.info("occupancy for %s: %d parks, %d guests", day, written, sum(totals.values()))


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "day",
        nargs="?",
        type=date.fromisoformat,
        default=date.today() - timedelta(days=1),
        help="day to roll up (default: yesterday)",
    )
    return parser.parse_args()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(run(_parse_args().day))
