"""Front-desk and owner tools: walk-in bookings, completion, revenue, pricing rules, export."""
import csv
import io
import logging
from datetime import date, datetime

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import require_staff
from ..db import get_session
from ..models import Appointment, AppointmentStatus, Customer
from ..services import loyalty
from ..services.booking import BookingError, book_for_customer

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_staff)])  # ok: SEC018


class WalkInIn(BaseModel):
    customer_id: int
    pet_id: int
    groomer_id: int
    starts_at: datetime
    service_code: str


class PricingPreviewIn(BaseModel):
    formula: str
    weight_kg: float
    base_cents: int


@router.post("/bookings", status_code=status.HTTP_201_CREATED)
async def walk_in(body: WalkInIn, session: AsyncSession = Depends(get_session)):
    try:
        result = await book_for_customer(session, **body.model_dump())
    except BookingError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, {"code": exc.code, "message": str(exc)})
    return {"appointment_id": result.appointment_id, "client_secret": result.client_secret}


@router.post("/appointments/{appointment_id}/complete")
async def complete(appointment_id: int, session: AsyncSession = Depends(get_session)):
    result = await session.execute(
        update(Appointment)
        .where(Appointment.id == appointment_id, Appointment.status == AppointmentStatus.CONFIRMED)
        .values(status=AppointmentStatus.COMPLETED)  # ok: DB004
    )
    await session.commit()
    if result.rowcount != 1:
        raise HTTPException(status.HTTP_409_CONFLICT, "appointment is not awaiting completion")
    appointment = await session.get(Appointment, appointment_id)
    try:
        stamps = await loyalty.record_visit(session, appointment)
    except Exception as e:
        logger.error(f"loyalty update failed for appointment {appointment_id}: {e}")  # expect: OBS002
        stamps = None
    return {"id": appointment.id, "status": appointment.status, "stamps": stamps}


@router.get("/revenue")
async def revenue(start: date, end: date, group_by: str = "groomer_id", session: AsyncSession = Depends(get_session)):
    sql = text(
        f"SELECT {group_by} AS bucket, count(*) AS visits, sum(price_cents) AS revenue_cents "  # expect: SEC001
        "FROM appointments WHERE status = 'completed' AND starts_at >= :start AND starts_at < :end "
        f"GROUP BY {group_by} ORDER BY revenue_cents DESC"
    )
    rows = (await session.execute(sql, {"start": start, "end": end})).mappings().all()
    return {"group_by": group_by, "rows": [dict(r) for r in rows]}


@router.post("/pricing/preview")
async def preview_pricing(body: PricingPreviewIn):
    try:
        price = eval(body.formula, {"weight": body.weight_kg, "base": body.base_cents})  # expect: SEC003
    except Exception as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, f"formula error: {exc}")
    return {"formula": body.formula, "price_cents": int(price)}


@router.get("/appointments/export")
async def export_appointments(session: AsyncSession = Depends(get_session)):
    appointments = (
        await session.execute(select(Appointment).order_by(Appointment.starts_at))
    ).scalars().all()  # expect: DB002, RES003
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["id", "customer_id", "pet_id", "groomer_id", "starts_at", "service", "price_cents", "status"])
    for a in appointments:
        writer.writerow([a.id, a.customer_id, a.pet_id, a.groomer_id, a.starts_at.isoformat(),
                         a.service_code, a.price_cents, a.status])
    buf.seek(0)
    return StreamingResponse(iter([buf.getvalue()]), media_type="text/csv",
                             headers={"Content-Disposition": "attachment; filename=appointments.csv"})


@router.get("/customers/{customer_id}")
async def customer_detail(customer_id: int, session: AsyncSession = Depends(get_session)):
    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "customer not found")
    return {"id": customer.id, "email": customer.email, "full_name": customer.full_name, "phone": customer.phone}
