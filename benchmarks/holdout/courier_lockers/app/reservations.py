import logging
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Principal, require_customer
from app.db import Locker, Reservation, get_session

router = APIRouter()
logger = logging.getLogger(__name__)


class ReservationIn(BaseModel):
    site_id: int
    size: str = Field(pattern="^(S|M|L|XL)$")
    hours: int = Field(default=24, ge=1, le=72)


async def _locker_label(session: AsyncSession, locker_id: int) -> str | None:
    locker = await session.get(Locker, locker_id)
    return locker.label if locker else None


@router.post("", status_code=201)
async def create_reservation(
    body: ReservationIn,
    principal: Principal = Depends(require_customer),
    session: AsyncSession = Depends(get_session),
) -> dict:
    result = await session.execute(
        select(Locker)
        .where(Locker.site_id == body.site_id, Locker.size == body.size, Locker.status == "free")
        .limit(1)
    )
    locker = result.scalar_one_or_none()
    if locker is None:
        raise HTTPException(409, "no free locker of that size")

    locker.status = "reserved"  # expect: DB005
    now = datetime.now(timezone.utc)
    reservation = Reservation(
        locker_id=locker.id,
        customer_id=principal.sub,
        starts_at=now,
        ends_at=now + timedelta(hours=body.hours),
        status="active",
    )
    session.add(reservation)
    await session.commit()
    logger.info("reservation %s locker=%s customer=%s", reservation.id, locker.id, principal.sub)
    return {"id": reservation.id, "locker": locker.label, "ends_at": reservation.ends_at.isoformat()}


@router.get("")
async def list_reservations(
    limit: int = Query(default=20, le=100),
    offset: int = Query(default=0, ge=0),
    principal: Principal = Depends(require_customer),
    session: AsyncSession = Depends(get_session),
) -> dict:
    rows = (  # ok: DB002
        await session.execute(
            select(Reservation)
            .where(Reservation.customer_id == principal.sub)
            .order_by(Reservation.starts_at.desc())
            .limit(limit)
            .offset(offset)
        )
    ).scalars().all()
    items = []
    for r in rows:
        items.append(
            {
                "id": r.id,
                "locker": await _locker_label(session, r.locker_id),  # expect: DB001
                "starts_at": r.starts_at.isoformat(),
                "ends_at": r.ends_at.isoformat(),
                "status": r.status,
            }
        )
    return {"items": items, "limit": limit, "offset": offset}


@router.delete("/{reservation_id}")
async def cancel_reservation(
    reservation_id: int,
    principal: Principal = Depends(require_customer),
    session: AsyncSession = Depends(get_session),
) -> dict:
    reservation = await session.get(Reservation, reservation_id)
    if reservation is None or reservation.customer_id != principal.sub:  # ok: SEC018
        raise HTTPException(404, "reservation not found")
    if reservation.status != "active":
        raise HTTPException(409, "reservation is not active")
    reservation.status = "cancelled"
    locker = await session.get(Locker, reservation.locker_id)
    if locker is not None and locker.status == "reserved":
        locker.status = "free"
    await session.commit()
    return {"id": reservation.id, "status": reservation.status}
