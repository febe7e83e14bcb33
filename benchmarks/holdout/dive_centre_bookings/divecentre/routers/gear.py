"""Rental gear: size guide, availability for a trip and renting items onto a booking."""

from __future__ import annotations

import logging
from enum import Enum

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from divecentre.auth import current_diver
from divecentre.db import get_db
from divecentre.models import Booking, Diver, GearItem, GearRental
from divecentre.services.booking_service import GearUnavailable, assign_gear

logger = logging.getLogger(__name__)
router = APIRouter(tags=["gear"])


class GearKind(str, Enum):
    wetsuit = "wetsuit"
    bcd = "bcd"
    fins = "fins"
    regulator = "regulator"
    mask = "mask"


SIZE_GUIDE: dict[str, tuple[str, ...]] = {  # ok: CON002
    "wetsuit": ("XS", "S", "M", "L", "XL", "XXL"),
    "bcd": ("XS", "S", "M", "L", "XL"),
    "fins": ("36", "38", "40", "42", "44", "46"),
    "regulator": ("ONE",),
    "mask": ("ONE",),
}


class RentalIn(BaseModel):
    kind: GearKind
    size: str


@router.get("/gear/sizes")
def size_guide() -> dict:
    return {"sizes": {kind: list(sizes) for kind, sizes in SIZE_GUIDE.items()}}


@router.get("/gear/available")
def available_gear(
    trip_id: int,
    kind: GearKind,
    size: str | None = None,
    limit: int = Query(default=50, ge=1, le=200),
    db: Session = Depends(get_db),
) -> list[dict]:
    taken = select(GearRental.gear_item_id).where(GearRental.trip_id == trip_id)
    stmt = select(GearItem).where(
        GearItem.kind == kind.value, GearItem.in_service.is_(True), GearItem.id.not_in(taken)
    )
    if size:
        stmt = stmt.where(GearItem.size == size)
    items = db.scalars(stmt.order_by(GearItem.size, GearItem.id).limit(limit)).all()
    return [{"id": item.id, "kind": item.kind, "size": item.size} for item in items]


@router.post("/bookings/{booking_id}/gear", status_code=status.HTTP_201_CREATED)
def rent_gear(booking_id: int, body: RentalIn, diver: Diver = Depends(current_diver),
              db: Session = Depends(get_db)) -> dict:
    booking = db.get(Booking, booking_id)
    if booking is None or booking.diver_id != diver.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "booking not found")
    if body.size not in SIZE_GUIDE[body.kind.value]:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "unknown size for that gear")
    try:
        rental = assign_gear(db, booking, body.kind.value, body.size)
        db.commit()
    except GearUnavailable as exc:
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    except IntegrityError as exc:
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "that item was just rented, try again") from exc
    logger.info("gear item %s rented on booking %s", rental.gear_item_id, booking.id)
    return {"rental_id": rental.id, "gear_item_id": rental.gear_item_id}
