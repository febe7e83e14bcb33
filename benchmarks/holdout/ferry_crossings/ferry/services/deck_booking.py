"""Car-deck space: holding lane metres on a sailing for a customer's vehicle."""
from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from ferry.config import get_settings
from ferry.models import DeckBooking, Sailing, Vehicle

logger = logging.getLogger("ferry.deck")
settings = get_settings()

# Fares per metre of lane by vehicle kind, in pence.
PENCE_PER_METRE = {"car": 1150, "van": 1400, "motorhome": 1600, "trailer": 1250}


class SailingUnavailable(Exception):
    pass


class DeckFull(Exception):
    pass


def _lane_metres(vehicle: Vehicle) -> Decimal:
    return (vehicle.length_m + Decimal(str(settings.vehicle_gap_m))).quantize(Decimal("0.1"))


def _fare_pence(vehicle: Vehicle, metres: Decimal) -> int:
    return int(metres * PENCE_PER_METRE.get(vehicle.kind, PENCE_PER_METRE["van"]))


def _new_reference() -> str:
    return "FX" + secrets.token_hex(5).upper()


async def hold_car_space(
    session: AsyncSession, sailing_id: int, customer_id: int, vehicle: Vehicle
) -> DeckBooking:
    sailing = await session.get(Sailing, sailing_id)
    if sailing is None or sailing.status != "scheduled":
        raise SailingUnavailable(sailing_id)
    needed = _lane_metres(vehicle)
    free = sailing.car_deck_capacity_m - sailing.car_deck_used_m
    if needed > free:
        raise DeckFull(sailing_id)

    booking = DeckBooking(
        reference=_new_reference(),
        sailing_id=sailing.id,
        customer_id=customer_id,
        vehicle_id=vehicle.id,
        deck="car",
        lane_metres=needed,
        amount_pence=_fare_pence(vehicle, needed),
        status="held",
        hold_expires_at=datetime.now(timezone.utc) + timedelta(minutes=settings.hold_minutes),
    )
    session.add(booking)
    sailing.car_deck_used_m = sailing.car_deck_used_m + needed  # expect: DB004, DB005
    await session.commit()
    logger.info("held %sm on sailing %s for booking %s", needed, sailing.id, booking.reference)
    return booking


async def release_car_space(session: AsyncSession, booking: DeckBooking) -> None:
    sailing = await session.get(Sailing, booking.sailing_id)
    sailing.car_deck_used_m -= booking.lane_metres  # expect: DB004
    booking.status = "cancelled"
    await session.commit()
    logger.info("released %sm on sailing %s from booking %s", booking.lane_metres, sailing.id, booking.reference)


async def change_vehicle(session: AsyncSession, booking: DeckBooking, vehicle: Vehicle) -> DeckBooking:
    sailing = await session.get(Sailing, booking.sailing_id)
    needed = _lane_metres(vehicle)
    delta = needed - booking.lane_metres
    if delta > sailing.car_deck_capacity_m - sailing.car_deck_used_m:
        raise DeckFull(sailing.id)
    sailing.car_deck_used_m += delta  # expect: DB004, DB005
    booking.vehicle_id = vehicle.id
    booking.lane_metres = needed
    booking.amount_pence = _fare_pence(vehicle, needed)
    await session.commit()
    return booking
