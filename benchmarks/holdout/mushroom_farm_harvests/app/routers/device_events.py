"""Discrete device events: door opened, misting cycle, sensor fault."""

import logging
from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.devices import current_device
from ..db import get_db, session_scope
from ..models import Device, DeviceEvent

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/device-events", tags=["device-events"])

MAX_BODY_BYTES = 64 * 1024
MAX_EVENTS = 200


class EventIn(BaseModel):
    kind: str = Field(pattern=r"^(door_open|door_close|misting|fan_fault|sensor_fault)$")
    occurred_at: datetime
    detail: str = Field(default="", max_length=500)


_events_adapter = TypeAdapter(list[EventIn])


def _store_events(device_id: int, events: list[EventIn]) -> int:
    with session_scope() as db:
        db.add_all([DeviceEvent(device_id=device_id, kind=e.kind, occurred_at=e.occurred_at, detail=e.detail) for e in events])
    return len(events)


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def post_events(request: Request, device: Device = Depends(current_device)):
    body = bytearray()
    async for chunk in request.stream():  # ok: SEC019
        body.extend(chunk)
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "event batch too large")
    try:
        events = _events_adapter.validate_json(bytes(body))
    except ValidationError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, exc.errors(include_url=False)) from None
    if not 0 < len(events) <= MAX_EVENTS:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, f"send 1-{MAX_EVENTS} events")

    stored = await run_in_threadpool(_store_events, device.id, events)  # ok: CON001
    logger.info("device %s stored %d events", device.id, stored)
    return {"stored": stored}


@router.get("/recent")
def recent_events(device: Device = Depends(current_device), db: Session = Depends(get_db), limit: int = 50):
    """Latest events for the calling device, newest first."""
    limit = max(1, min(limit, 200))
    rows = db.scalars(
        select(DeviceEvent)
        .where(DeviceEvent.device_id == device.id)
        .order_by(DeviceEvent.occurred_at.desc())
        .limit(limit)
    ).all()
    return [{"kind": e.kind, "occurred_at": e.occurred_at.isoformat(), "detail": e.detail} for e in rows]
