"""Departure boards for port screens and the booking site's "next sailings" panel."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from ferry.db import get_session, redis_client
from ferry.models import DeckBooking, Route, Sailing

logger = logging.getLogger("ferry.departures")
router = APIRouter(prefix="/departures", tags=["departures"])

ACTIVE = ("held", "confirmed")
BOARD_CACHE_SECONDS = 30


class DepartureOut(BaseModel):
    sailing_id: int
    route: str
    destination: str
    departs_at: datetime
    status: str
    car_space_left_m: Decimal


@router.get("/{port}", response_model=list[DepartureOut])
async def departure_board(
    port: str,
    hours: int = Query(24, ge=1, le=72),
    limit: int = Query(30, ge=1, le=100),
    session: AsyncSession = Depends(get_session),
) -> list[DepartureOut]:
    cache_key = f"board:{port.lower()}:{hours}:{limit}"
    try:
        cached = await redis_client.get(cache_key)
    except RedisError:
        logger.warning("departure board cache unavailable for %s", port)
        cached = None
    if cached is not None:
        return [DepartureOut.model_validate_json(item) for item in cached.split("\n") if item]

    now = datetime.now(timezone.utc)
    window_end = now + timedelta(hours=hours)
    booked = (
        select(DeckBooking.sailing_id, func.sum(DeckBooking.lane_metres).label("used"))
        .join(Sailing, Sailing.id == DeckBooking.sailing_id)
        .where(Sailing.departs_at >= now, Sailing.departs_at < window_end)
        .where(DeckBooking.deck == "car", DeckBooking.status.in_(ACTIVE))
        .group_by(DeckBooking.sailing_id)
        .subquery()
    )
    stmt = (
        select(Sailing, func.coalesce(booked.c.used, 0))
        .join(Route, Route.id == Sailing.route_id)
        .outerjoin(booked, booked.c.sailing_id == Sailing.id)
        .options(joinedload(Sailing.route))
        .where(Route.origin_port == port)
        .where(Sailing.departs_at >= now, Sailing.departs_at < window_end)  # ok: DB006
        .order_by(Sailing.departs_at)
        .limit(limit)
    )
    rows = (await session.execute(stmt)).all()  # ok: DB002
    board = [
        DepartureOut(
            sailing_id=sailing.id,
            route=sailing.route.code,  # ok: DB001
            destination=sailing.route.destination_port,
            departs_at=sailing.departs_at,
            status=sailing.status,
            car_space_left_m=sailing.car_deck_capacity_m - used,
        )
        for sailing, used in rows
    ]
    try:
        await redis_client.set(
            cache_key, "\n".join(item.model_dump_json() for item in board), ex=BOARD_CACHE_SECONDS
        )
    except RedisError:
        logger.warning("could not cache departure board for %s", port)
    return board
