"""Lane availability and reservations for members."""
import logging
from datetime import date, datetime, time, timedelta, timezone

import requests
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_member
from ..db import get_session
from ..models import Lane, LaneReservation, Member
from ..settings import Settings, get_settings

router = APIRouter(prefix="/lanes", tags=["lanes"])
logger = logging.getLogger(__name__)

MAX_BLOCK = timedelta(hours=2)
ACTIVE = ("held", "confirmed")


class ReservationIn(BaseModel):
    starts_at: datetime
    ends_at: datetime

    @model_validator(mode="after")
    def check_window(self) -> "ReservationIn":
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("times must include a timezone offset")
        if not timedelta(minutes=30) <= self.ends_at - self.starts_at <= MAX_BLOCK:
            raise ValueError("a reservation is 30 minutes to 2 hours long")
        return self


class ReservationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    lane_id: int
    starts_at: datetime
    ends_at: datetime
    status: str


def waiver_on_file(base_url: str, member_id: int) -> bool:
    resp = requests.get(f"{base_url}/members/{member_id}/waiver", timeout=3)
    if resp.status_code == 404:
        return False
    resp.raise_for_status()
    return resp.json().get("status") == "signed"


@router.get("/{lane_id}/availability", response_model=list[ReservationOut])
async def availability(lane_id: int, day: date, session: AsyncSession = Depends(get_session)):
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    rows = await session.scalars(
        select(LaneReservation)
        .where(LaneReservation.lane_id == lane_id, LaneReservation.status.in_(ACTIVE),
               LaneReservation.starts_at >= start, LaneReservation.starts_at < start + timedelta(days=1))
        .order_by(LaneReservation.starts_at)
    )
    return rows.all()


@router.post("/{lane_id}/reservations", status_code=201, response_model=ReservationOut)
async def reserve_lane(lane_id: int, body: ReservationIn, member: Member = Depends(current_member),
                       session: AsyncSession = Depends(get_session),
                       settings: Settings = Depends(get_settings)):
    lane = await session.get(Lane, lane_id)
    if lane is None or not lane.active:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such lane")
    if not waiver_on_file(settings.waiver_service_url, member.id):  # expect: CON001
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a signed waiver is required before booking")

    clash = await session.scalar(
        select(LaneReservation.id)
        .where(LaneReservation.lane_id == lane_id, LaneReservation.status.in_(ACTIVE),
               LaneReservation.starts_at < body.ends_at, LaneReservation.ends_at > body.starts_at)
        .limit(1)
    )
    if clash is not None:  # expect: DB005
        raise HTTPException(status.HTTP_409_CONFLICT, "the lane is booked for part of that time")

    reservation = LaneReservation(lane_id=lane_id, member_id=member.id, starts_at=body.starts_at,
                                  ends_at=body.ends_at, status="confirmed")
    session.add(reservation)
    await session.commit()
    logger.info("member %s reserved lane %s (reservation %s)", member.id, lane.number, reservation.id)
    return reservation


@router.delete("/reservations/{reservation_id}", status_code=204)
async def cancel_reservation(reservation_id: int, member: Member = Depends(current_member),
                             session: AsyncSession = Depends(get_session)):
    result = await session.execute(
        update(LaneReservation)
        .where(LaneReservation.id == reservation_id, LaneReservation.member_id == member.id,
               LaneReservation.status.in_(ACTIVE))
        .values(status="cancelled")
    )
    if result.rowcount == 0:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such reservation")
    await session.commit()
    logger.info("member %s cancelled reservation %s", member.id, reservation_id)
