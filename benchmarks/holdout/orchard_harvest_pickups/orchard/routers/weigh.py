"""Weigh-station endpoints: scales post each weighed crate of fruit.

Pickers pay by net weight, so every reading is stored and forwarded to the
growers' co-op ledger. Staff watch the live station board at the barn.
"""
import datetime as dt
import logging
import threading
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..auth import current_device, current_user
from ..db import SessionLocal, get_redis, get_session
from ..models import Device, User, WeighReading
from ..workers import ledger_sync

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/weigh", tags=["weigh-station"])

_latest_by_device: dict[str, dict] = {}


class ReadingIn(BaseModel):
    crop: str = Field(max_length=40)
    gross_kg: Decimal = Field(gt=0, lt=2000)
    tare_kg: Decimal = Field(ge=0, lt=50, default=Decimal("0"))
    booking_id: int | None = None
    recorded_at: dt.datetime


def _to_row(device: Device, reading: ReadingIn) -> WeighReading:
    return WeighReading(
        device_id=device.id, farm_id=device.farm_id, booking_id=reading.booking_id, crop=reading.crop,
        gross_kg=reading.gross_kg, tare_kg=reading.tare_kg, recorded_at=reading.recorded_at,
    )


@router.post("/readings", status_code=status.HTTP_202_ACCEPTED)
def post_reading(reading: ReadingIn, device: Device = Depends(current_device),
                 session: Session = Depends(get_session)) -> dict:
    row = _to_row(device, reading)
    try:
        session.add(row)
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        logger.exception("could not store reading from device %s", device.id)
        return {"accepted": True}  # expect: ERR002
    _latest_by_device[device.id] = {  # expect: CON002, SCL001
        "net_kg": str(row.net_kg), "crop": row.crop, "at": row.recorded_at.isoformat(),
    }
    ledger_sync.enqueue(row.id)
    return {"accepted": True, "id": row.id}


def _recompute_farm_total(farm_id: int) -> None:
    """Today's net kilograms for a farm, cached for the barn display."""
    with SessionLocal() as session:
        total = session.scalar(
            select(func.coalesce(func.sum(WeighReading.gross_kg - WeighReading.tare_kg), 0))
            .where(WeighReading.farm_id == farm_id, func.date(WeighReading.recorded_at) == dt.date.today())  # expect: DB006
        )
    get_redis().hset("orchard:farm-totals", str(farm_id), str(total))


@router.post("/readings/batch", status_code=status.HTTP_202_ACCEPTED)
def post_batch(readings: Annotated[list[ReadingIn], Field(max_length=500)],
               device: Device = Depends(current_device), session: Session = Depends(get_session)) -> dict:
    """Scales that lost connectivity upload their backlog in one go."""
    rows = [_to_row(device, r) for r in readings]
    session.add_all(rows)
    session.commit()
    for row in rows:
        ledger_sync.enqueue(row.id)
    threading.Thread(target=_recompute_farm_total, args=(device.farm_id,), daemon=True).start()  # expect: CON003
    return {"accepted": len(rows)}


@router.get("/stations")
def station_board(user: User = Depends(current_user)) -> dict:
    if not user.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Staff only")
    return {"stations": dict(_latest_by_device)}
