"""Freight-deck space for hauliers: trailers and unaccompanied units."""
from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from ferry.config import get_settings
from ferry.models import DeckBooking, Sailing

logger = logging.getLogger("ferry.freight")
settings = get_settings()

FREIGHT_PENCE_PER_METRE = 2100
MAX_TRAILER_M = Decimal("18.75")


class FreightSpaceUnavailable(Exception):
    pass


def _new_reference() -> str:
    return "FR" + secrets.token_hex(5).upper()


async def hold_freight_space(
    session: AsyncSession, sailing_id: int, haulier_id: int, unit_length_m: Decimal
) -> DeckBooking:
    if not Decimal("0") < unit_length_m <= MAX_TRAILER_M:
        raise ValueError(f"unit length {unit_length_m} out of range")
    needed = (unit_length_m + Decimal(str(settings.vehicle_gap_m))).quantize(Decimal("0.1"))

    # Claim the space in one statement: the WHERE clause re-checks capacity
    # against the current row, so two hauliers cannot both take the last lane.
    claim = (
        update(Sailing)
        .where(
            Sailing.id == sailing_id,
            Sailing.status == "scheduled",
            Sailing.freight_used_m + needed <= Sailing.freight_capacity_m,
        )
        .values(freight_used_m=Sailing.freight_used_m + needed)
        .returning(Sailing.id)
    )
    try:
        claimed = (await session.execute(claim)).scalar_one_or_none()  # ok: DB004, DB005
        if claimed is None:
            raise FreightSpaceUnavailable(sailing_id)
        booking = DeckBooking(
            reference=_new_reference(),
            sailing_id=sailing_id,
            customer_id=haulier_id,
            deck="freight",
            lane_metres=needed,
            amount_pence=int(needed * FREIGHT_PENCE_PER_METRE),
            status="held",
            hold_expires_at=datetime.now(timezone.utc) + timedelta(minutes=settings.hold_minutes),
        )
        session.add(booking)
        await session.commit()
    except Exception:
        await session.rollback()
        raise
    logger.info("haulier %s held %sm freight on sailing %s as %s", haulier_id, needed, sailing_id, booking.reference)
    return booking


async def release_freight_space(session: AsyncSession, booking: DeckBooking) -> bool:
    """Give the lane metres back, once, however many times this is called."""
    released = await session.execute(
        update(DeckBooking)
        .where(DeckBooking.id == booking.id, DeckBooking.status.in_(("held", "confirmed")))
        .values(status="cancelled")
        .returning(DeckBooking.id)
    )
    if released.scalar_one_or_none() is None:
        await session.rollback()
        return False
    await session.execute(
        update(Sailing)
        .where(Sailing.id == booking.sailing_id)
        .values(freight_used_m=Sailing.freight_used_m - booking.lane_metres)  # ok: DB004
    )
    await session.commit()
    logger.info("released %sm freight on sailing %s from %s", booking.lane_metres, booking.sailing_id, booking.reference)
    return True
