"""Public trip calendar, sea conditions and the staff manifest."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from divecentre.auth import current_staff
from divecentre.clients.marine_forecast import forecast_client
from divecentre.db import get_db
from divecentre.models import Booking, Diver, Trip

router = APIRouter(prefix="/trips", tags=["trips"])


class TripOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    site_name: str
    departs_at: datetime
    slot: str
    min_cert_level: int
    price_cents: int
    seats_left: int


@router.get("", response_model=list[TripOut])
def list_trips(
    from_date: date | None = None,
    site: str | None = Query(default=None, max_length=60),
    page: int = Query(default=1, ge=1),
    per_page: int = Query(default=20, ge=1, le=100),
    db: Session = Depends(get_db),
):
    start = datetime.combine(from_date or date.today(), time.min, tzinfo=timezone.utc)
    stmt = select(Trip).where(Trip.status == "scheduled", Trip.departs_at >= start)
    if site:
        stmt = stmt.where(Trip.site_name.ilike(f"%{site}%"))  # expect: DB006
    stmt = stmt.order_by(Trip.departs_at).limit(per_page).offset((page - 1) * per_page)  # ok: DB002
    return db.scalars(stmt).all()


@router.get("/{trip_id}")
def get_trip(trip_id: int, db: Session = Depends(get_db)):
    trip = db.get(Trip, trip_id)
    if trip is None:
        return {"error": "trip not found"}  # expect: MNT001
    return TripOut.model_validate(trip)


@router.get("/{trip_id}/conditions")
def trip_conditions(trip_id: int, db: Session = Depends(get_db)) -> dict:
    trip = db.get(Trip, trip_id)
    if trip is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "trip not found")
    conditions = forecast_client().conditions(trip.site_lat, trip.site_lon, trip.departs_at)
    return {"trip_id": trip.id, **conditions.as_dict()}


@router.get("/{trip_id}/manifest")
def trip_manifest(trip_id: int, staff: Diver = Depends(current_staff), db: Session = Depends(get_db)) -> dict:
    bookings = db.scalars(
        select(Booking)
        .where(Booking.trip_id == trip_id, Booking.status == "confirmed")
        .options(selectinload(Booking.diver), selectinload(Booking.gear_rentals))  # ok: DB001
        .order_by(Booking.id)
    ).all()
    return {
        "trip_id": trip_id,
        "divers": [
            {
                "name": b.diver.full_name,
                "cert_level": b.diver.cert_level,
                "gear": [rental.gear_item_id for rental in b.gear_rentals],
            }
            for b in bookings
        ],
    }
