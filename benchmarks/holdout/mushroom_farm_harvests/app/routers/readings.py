"""Sensor readings posted by grow-room devices (temperature, humidity, CO2)."""

import json
import logging
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.orm import Session

from ..auth.devices import current_device
from ..db import get_db
from ..models import Device, Reading

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/readings", tags=["readings"])

MAX_CLOCK_SKEW = timedelta(minutes=10)


class ReadingIn(BaseModel):
    recorded_at: datetime
    temperature_c: float = Field(ge=-10, le=60)
    humidity_pct: float = Field(ge=0, le=100)
    co2_ppm: int = Field(ge=0, le=20000)


def _parse_batch(raw: bytes) -> list[ReadingIn]:
    try:
        items = json.loads(raw)
        if not isinstance(items, list) or not items:
            raise ValueError("expected a non-empty JSON array")
        readings = [ReadingIn.model_validate(item) for item in items]
    except (ValueError, ValidationError) as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, f"invalid batch: {exc}") from None
    latest_allowed = datetime.now(timezone.utc) + MAX_CLOCK_SKEW
    if any(r.recorded_at > latest_allowed for r in readings):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "reading timestamp in the future")
    return readings


def _store_readings(db: Session, device: Device, readings: list[ReadingIn]) -> int:
    for r in readings:
        db.add(
            Reading(
                room_id=device.room_id,
                device_id=device.id,
                recorded_at=r.recorded_at,
                temperature_c=r.temperature_c,
                humidity_pct=r.humidity_pct,
                co2_ppm=r.co2_ppm,
            )
        )
        db.commit()  # expect: DB003
    return len(readings)


@router.post("/batch", status_code=status.HTTP_202_ACCEPTED)
async def ingest_batch(request: Request, device: Device = Depends(current_device), db: Session = Depends(get_db)):
    """Devices buffer readings while offline and post them in one batch."""
    raw = await request.body()  # expect: SEC019
    readings = _parse_batch(raw)
    stored = _store_readings(db, device, readings)  # expect: CON001

    latest = max(readings, key=lambda r: r.recorded_at)
    await request.app.state.redis.hset(
        f"room:{device.room_id}:latest",
        mapping={
            "recorded_at": latest.recorded_at.isoformat(),
            "temperature_c": latest.temperature_c,
            "humidity_pct": latest.humidity_pct,
            "co2_ppm": latest.co2_ppm,
            "device_id": device.id,
        },
    )
    logger.info("device %s stored %d readings for room %s", device.id, stored, device.room_id)
    return {"stored": stored}


@router.get("/rooms/{room_id}/latest")
async def latest_for_room(room_id: int, request: Request, device: Device = Depends(current_device)):
    """Room display panels show the latest reading for their own room."""
    if device.room_id != room_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "device belongs to another room")
    latest = await request.app.state.redis.hgetall(f"room:{room_id}:latest")
    if not latest:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no readings yet")
    return latest
