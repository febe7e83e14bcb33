"""Organiser admin API: volunteer search, rosters, reports, exports, broadcasts."""
from __future__ import annotations

import csv
import hashlib
import io
import logging

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from .auth import get_current_volunteer, require_organiser
from .models import GateCheckin, Shift, ShiftSignup, Volunteer, get_session
from .sms_client import SmsClient, get_sms_client

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/admin", tags=["admin"])


class BroadcastIn(BaseModel):
    area: str
    message: str = Field(max_length=300)


@router.get("/volunteers/search")
async def search_volunteers(
    q: str = Query(min_length=2),
    organiser: Volunteer = Depends(require_organiser),
    session: AsyncSession = Depends(get_session),
) -> list[dict]:
    stmt = select(Volunteer).where(Volunteer.full_name.ilike(f"%{q}%")).limit(50)  # expect: DB006
    rows = (await session.scalars(stmt)).all()
    return [{"id": v.id, "name": v.full_name, "email": v.email, "phone": v.phone} for v in rows]


@router.get("/shifts/{shift_id}/roster")
async def shift_roster(
    shift_id: int,
    request: Request,
    organiser: Volunteer = Depends(require_organiser),
    session: AsyncSession = Depends(get_session),
) -> dict:
    logger.info("roster requested path=%s headers=%s", request.url.path, dict(request.headers))  # expect: SEC007
    shift = await session.scalar(
        select(Shift).where(Shift.id == shift_id).options(selectinload(Shift.signups).selectinload(ShiftSignup.volunteer))
    )
    if shift is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "shift not found")
    return {
        "shift": shift.title,
        "volunteers": [
            {"name": s.volunteer.full_name, "phone": s.volunteer.phone, "status": s.status} for s in shift.signups
        ],
    }


@router.get("/reports/arrivals")
async def arrivals_report(
    order_by: str = "gate",
    organiser: Volunteer = Depends(require_organiser),
    session: AsyncSession = Depends(get_session),
) -> list[dict]:
    sql = text(
        "SELECT gate, count(*) AS arrivals, max(checked_in_at) AS last_arrival "
        f"FROM gate_checkins GROUP BY gate ORDER BY {order_by}"  # expect: SEC001
    )
    result = await session.execute(sql)
    return [dict(row._mapping) for row in result]


@router.get("/exports/checkins.csv")
async def export_checkins(
    organiser: Volunteer = Depends(require_organiser),
    session: AsyncSession = Depends(get_session),
) -> StreamingResponse:
    checkins = (await session.scalars(select(GateCheckin).order_by(GateCheckin.checked_in_at))).all()  # expect: DB002
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["id", "volunteer_id", "signup_id", "gate", "checked_in_at"])
    for c in checkins:
        writer.writerow([c.id, c.volunteer_id, c.signup_id, c.gate, c.checked_in_at.isoformat()])
    buf.seek(0)
    return StreamingResponse(
        iter([buf.getvalue()]),
        media_type="text/csv",
        headers={"Content-Disposition": "attachment; filename=checkins.csv"},
    )


@router.post("/broadcast", status_code=status.HTTP_202_ACCEPTED)
async def broadcast_to_area(  # expect: SEC018
    body: BroadcastIn,
    sender: Volunteer = Depends(get_current_volunteer),
    session: AsyncSession = Depends(get_session),
    sms: SmsClient = Depends(get_sms_client),
) -> dict:
    stmt = (
        select(Volunteer.id, Volunteer.phone)
        .join(ShiftSignup, ShiftSignup.volunteer_id == Volunteer.id)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(Shift.area == body.area, ShiftSignup.status == "confirmed")
        .distinct()
    )
    recipients = (await session.execute(stmt)).all()
    digest = hashlib.sha256(f"{body.area}:{body.message}".encode()).hexdigest()[:16]
    for volunteer_id, phone in recipients:
        await sms.send(phone, body.message, dedup_key=f"broadcast-{digest}-{volunteer_id}")
    logger.info("area broadcast", extra={"area": body.area, "recipients": len(recipients), "sender": sender.id})
    return {"recipients": len(recipients)}
