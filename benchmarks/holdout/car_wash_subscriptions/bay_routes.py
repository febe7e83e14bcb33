"""Endpoints called by wash-bay terminals when a subscribed car pulls in."""
import logging
import time
from datetime import datetime, timezone

import httpx
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from . import bay_controller_client, loyalty
from .auth import require_bay_device, require_staff
from .config import get_settings
from .db import get_session
from .models import Subscription, Vehicle, WashVisit

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/bays", tags=["bays"])
settings = get_settings()

_bay_sessions: dict[str, dict] = {}


class StartWashRequest(BaseModel):
    plate: str = Field(min_length=2, max_length=12)
    program: str = Field(default="standard", pattern=r"^[a-z_]{3,24}$")


@router.post("/{bay_id}/start")
async def start_wash(
    bay_id: str,
    body: StartWashRequest,
    _device: None = Depends(require_bay_device),
    session: AsyncSession = Depends(get_session),
):
    plate = body.plate.replace(" ", "").upper()
    vehicle = await session.scalar(
        select(Vehicle)
        .where(Vehicle.plate == plate)
        .options(selectinload(Vehicle.subscription).selectinload(Subscription.plan))
    )
    if vehicle is None or vehicle.subscription is None or vehicle.subscription.status != "active":
        raise HTTPException(status_code=403, detail="no active plan for this vehicle")

    sub = vehicle.subscription
    limit = sub.plan.washes_per_month
    if limit is not None and sub.washes_used >= limit:
        raise HTTPException(status_code=403, detail="monthly wash allowance used")
    sub.washes_used += 1  # expect: DB004
    visit = WashVisit(
        vehicle_id=vehicle.id,
        bay_id=bay_id,
        program=body.program,
        status="started",
        started_at=datetime.now(timezone.utc),
    )
    session.add(visit)
    await session.commit()

    await bay_controller_client.start_program(bay_id, body.program, visit.id)  # todo-expect: REL004
    _bay_sessions[bay_id] = {"visit_id": visit.id, "plate": plate, "started": time.time()}  # expect: SCL001
    logger.info("visit %s started on bay %s for vehicle %s", visit.id, bay_id, vehicle.id)
    return {"visit_id": visit.id, "status": "started"}


@router.post("/{bay_id}/finish")
async def finish_wash(
    bay_id: str,
    _device: None = Depends(require_bay_device),
    session: AsyncSession = Depends(get_session),
):
    active = _bay_sessions.pop(bay_id, None)
    if active is None:
        raise HTTPException(status_code=404, detail="no wash in progress on this bay")
    visit = await session.get(WashVisit, active["visit_id"])
    visit.status = "finished"
    visit.finished_at = datetime.now(timezone.utc)
    await loyalty.award_wash_points(session, visit)
    await session.commit()
    logger.info("visit %s finished on bay %s", visit.id, bay_id)
    return {"visit_id": visit.id, "status": "finished"}


@router.get("/{bay_id}/status")
async def bay_status(bay_id: str, _staff: int = Depends(require_staff)):
    async with httpx.AsyncClient(base_url=settings.bay_controller_url, timeout=None) as client:  # expect: REL001
        resp = await client.get(f"/bays/{bay_id}/status")
    resp.raise_for_status()
    return {"bay_id": bay_id, "controller": resp.json(), "active": _bay_sessions.get(bay_id)}
