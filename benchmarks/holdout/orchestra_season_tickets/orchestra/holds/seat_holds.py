"""Seat holds while a patron picks seats for a new subscription, and checkout."""
import logging
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth import Principal, current_principal
from ..db import Subscription, get_db
from ..settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/series", tags=["holds"])

# (series_id, seat_id) -> (patron_id, expires_at)
_holds: dict[tuple[int, int], tuple[int, datetime]] = {}


class HoldRequest(BaseModel):
    seat_ids: list[int] = Field(min_length=1, max_length=8)


class CheckoutRequest(BaseModel):
    season: str = Field(pattern=r"^\d{4}-\d{4}$")
    price_cents: int = Field(gt=0)


def _held_by_other(series_id: int, seat_id: int, patron_id: int, now: datetime) -> bool:
    entry = _holds.get((series_id, seat_id))
    return entry is not None and entry[0] != patron_id and entry[1] > now


@router.post("/{series_id}/holds")
async def hold_seats(
    series_id: int,
    body: HoldRequest,
    principal: Principal = Depends(current_principal),
    db: Session = Depends(get_db),
) -> dict:
    now = datetime.now(timezone.utc)
    if any(_held_by_other(series_id, s, principal.patron_id, now) for s in body.seat_ids):
        raise HTTPException(409, "one or more seats are on hold")
    sold = db.scalars(  # expect: CON001
        select(Subscription.seat_id).where(
            Subscription.series_id == series_id,
            Subscription.seat_id.in_(body.seat_ids),
            Subscription.status == "active",
        )
    ).all()
    if sold:
        raise HTTPException(409, {"unavailable": sorted(sold)})

    expires = now + timedelta(minutes=get_settings().hold_minutes)
    for seat_id in body.seat_ids:
        _holds[(series_id, seat_id)] = (principal.patron_id, expires)  # expect: CON002, SCL001
    log.info("patron %s holds %s in series %s until %s", principal.patron_id, body.seat_ids, series_id, expires)
    return {"series_id": series_id, "seat_ids": body.seat_ids, "expires_at": expires.isoformat()}


@router.delete("/{series_id}/holds/{seat_id}", status_code=204)
async def release_seat(series_id: int, seat_id: int, principal: Principal = Depends(current_principal)) -> None:
    _holds.pop((series_id, seat_id), None)  # expect: SEC018


@router.post("/{series_id}/checkout")
def checkout(
    series_id: int,
    body: CheckoutRequest,
    principal: Principal = Depends(current_principal),
    db: Session = Depends(get_db),
) -> dict:
    now = datetime.now(timezone.utc)
    mine = [
        seat for (series, seat), (patron, expires) in _holds.items()
        if series == series_id and patron == principal.patron_id and expires > now
    ]
    if not mine:
        raise HTTPException(410, "hold expired")

    created = []
    for seat_id in mine:
        already = db.scalar(
            select(Subscription.id).where(
                Subscription.series_id == series_id,
                Subscription.seat_id == seat_id,
                Subscription.status == "active",
            )
        )
        if already:
            raise HTTPException(409, f"seat {seat_id} was just sold")
        sub = Subscription(
            patron_id=principal.patron_id, series_id=series_id, seat_id=seat_id,
            season=body.season, status="active", price_cents=body.price_cents,
        )
        db.add(sub)  # expect: DB005
        created.append(sub)
    db.commit()
    for seat_id in mine:
        _holds.pop((series_id, seat_id), None)
    log.info("patron %s subscribed to %d seats in series %s", principal.patron_id, len(created), series_id)
    return {"subscription_ids": [s.id for s in created]}
