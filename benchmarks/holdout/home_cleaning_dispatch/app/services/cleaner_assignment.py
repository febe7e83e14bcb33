"""Assign the nearest free cleaner in the zone to a booking that has none."""
import asyncio
import hashlib
import logging
import math

import aiohttp
from redis.exceptions import RedisError
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import redis_client, settings
from app.models import Booking, Cleaner, Slot

logger = logging.getLogger(__name__)

GEOCODE_TIMEOUT = aiohttp.ClientTimeout(total=8, connect=3)
GEOCODE_TTL_SECONDS = 7 * 24 * 3600
MAX_CANDIDATES = 50
CLAIM_ATTEMPTS = 3


async def geocode(http: aiohttp.ClientSession, address: str) -> tuple[float, float] | None:
    key = "geo:" + hashlib.sha1(address.strip().lower().encode()).hexdigest()  # ok: SEC009
    try:
        cached = await redis_client.get(key)
    except RedisError:
        logger.warning("geocode cache read failed", exc_info=True)
        cached = None
    if cached:
        lat, lng = cached.split(",")
        return float(lat), float(lng)
    try:
        async with http.get(settings.geocoder_url, params={"q": address, "limit": 1}, timeout=GEOCODE_TIMEOUT) as resp:
            resp.raise_for_status()
            results = await resp.json()
    except (aiohttp.ClientError, asyncio.TimeoutError):
        logger.warning("geocoder unavailable, assigning without distance ranking", exc_info=True)
        return None
    if not results:
        return None
    lat, lng = float(results[0]["lat"]), float(results[0]["lon"])
    try:
        await redis_client.set(key, f"{lat},{lng}", ex=GEOCODE_TTL_SECONDS)
    except RedisError:
        logger.warning("geocode cache write failed", exc_info=True)
    return lat, lng


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


async def assign_cleaner(session: AsyncSession, http: aiohttp.ClientSession, booking_id: int) -> int | None:
    booking = await session.get(Booking, booking_id)
    if booking is None or booking.cleaner_id is not None or booking.status != "confirmed":
        return booking.cleaner_id if booking else None
    slot = await session.get(Slot, booking.slot_id)
    location = await geocode(http, booking.address)

    busy = (
        select(Booking.cleaner_id)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(Slot.starts_at == slot.starts_at, Booking.status != "cancelled", Booking.cleaner_id.is_not(None))
    )
    candidates = (
        await session.scalars(
            select(Cleaner)
            .where(Cleaner.zone == slot.zone, Cleaner.active.is_(True), Cleaner.id.not_in(busy))
            .limit(MAX_CANDIDATES)
        )
    ).all()
    if not candidates:
        logger.warning("no free cleaner in zone %s for booking %s", slot.zone, booking_id)
        return None
    if location is not None:
        candidates.sort(key=lambda c: distance_km(location, (c.home_lat, c.home_lng)))

    for cleaner in candidates[:CLAIM_ATTEMPTS]:
        outcome = await _try_claim(session, booking_id, cleaner.id, slot)
        if outcome == "assigned":
            logger.info("booking %s assigned to cleaner %s", booking_id, cleaner.id)
            return cleaner.id
        if outcome == "already_assigned":
            return None
    logger.warning("all nearby cleaners became busy for booking %s", booking_id)
    return None


async def _try_claim(session: AsyncSession, booking_id: int, cleaner_id: int, slot: Slot) -> str:
    """Lock the cleaner row so two bookings at the same time cannot both take them."""
    await session.execute(select(Cleaner.id).where(Cleaner.id == cleaner_id).with_for_update())
    clash = await session.scalar(
        select(Booking.id)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(Booking.cleaner_id == cleaner_id, Slot.starts_at == slot.starts_at, Booking.status != "cancelled")
        .limit(1)
    )
    outcome = "busy"
    if clash is None:
        result = await session.execute(
            update(Booking)
            .where(Booking.id == booking_id, Booking.cleaner_id.is_(None))
            .values(cleaner_id=cleaner_id)  # ok: DB005
        )
        outcome = "assigned" if result.rowcount == 1 else "already_assigned"
    await session.commit()
    return outcome
