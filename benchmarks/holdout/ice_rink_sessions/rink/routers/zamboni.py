"""Ice maintenance log: the driver records each resurface from the Zamboni bay tablet."""
import logging
import os
from datetime import datetime, timezone
from decimal import Decimal

from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile, status
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rink.auth import require_staff
from rink.clients.zamboni_vendor import fetch_machine_status
from rink.db import get_session
from rink.models import Customer, ZamboniLog
from rink.settings import get_settings

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/zamboni", tags=["ice maintenance"])

MACHINES = {"z1": "Zamboni 552AC", "z2": "Olympia Millennium E"}


class LogOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    machine: str
    resurfaced_at: datetime
    ice_temp_c: Decimal
    notes: str
    photo_path: str | None


@router.post("/logs", response_model=LogOut, status_code=status.HTTP_201_CREATED)
async def record_resurface(
    machine: str = Form(...),
    ice_temp_c: Decimal = Form(..., ge=-12, le=0),
    notes: str = Form(default="", max_length=2000),
    photo: UploadFile | None = File(default=None),
    staff: Customer = Depends(require_staff),
    db: AsyncSession = Depends(get_session),
):
    if machine not in MACHINES:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "unknown machine")

    photo_path = None
    if photo is not None:
        data = await photo.read()  # expect: SEC019, RES003
        photo_path = os.path.join(get_settings().photo_dir, photo.filename)
        with open(photo_path, "wb") as fh:  # expect: SEC015, CON001
            fh.write(data)

    entry = ZamboniLog(
        machine=machine,
        operator_id=staff.id,
        resurfaced_at=datetime.now(timezone.utc),
        ice_temp_c=ice_temp_c,
        notes=notes,
        photo_path=photo_path,
    )
    db.add(entry)
    await db.commit()
    logger.info("resurface logged on %s by operator %s", machine, staff.id)
    return entry


@router.get("/logs", response_model=list[LogOut])
async def list_logs(
    machine: str | None = None,
    staff: Customer = Depends(require_staff),
    db: AsyncSession = Depends(get_session),
):
    stmt = select(ZamboniLog).order_by(ZamboniLog.resurfaced_at.desc())
    if machine:
        stmt = stmt.where(ZamboniLog.machine == machine)
    return (await db.scalars(stmt)).all()  # expect: DB002


@router.get("/machines/{machine}/status")
async def machine_status(machine: str, staff: Customer = Depends(require_staff)):
    if machine not in MACHINES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown machine")
    status_doc = await fetch_machine_status(machine)
    return {
        "machine": MACHINES[machine],
        "engine_hours": status_doc.get("engine_hours"),
        "blade_hours": status_doc.get("blade_hours"),
        "battery_pct": status_doc.get("battery_pct"),
    }
