"""Staff tools: donor lookup, donation export and bulk slot creation."""
import csv
import io
import logging
from datetime import date, datetime, time, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .auth import require_staff
from .db import get_db
from .models import Clinic, Donation, Donor, Slot

log = logging.getLogger(__name__)
router = APIRouter(prefix="/admin", tags=["admin"])


class SlotPlan(BaseModel):
    clinic_id: int
    first_day: date
    days: int = Field(ge=1, le=60)
    opens: time = time(9, 0)
    closes: time = time(16, 0)
    minutes_per_slot: int = Field(default=15, ge=5, le=60)
    chairs: int = Field(default=6, ge=1, le=40)


@router.get("/donors/search")
def search_donors(
    q: str = Query(min_length=2, max_length=80), staff: Donor = Depends(require_staff), db: Session = Depends(get_db)
) -> list[dict]:
    rows = db.execute(text(f"SELECT id, full_name, email, blood_type FROM donors WHERE full_name ILIKE '%{q}%' OR email ILIKE '%{q}%' ORDER BY full_name LIMIT 50")).mappings().all()  # expect: SEC001, DB006
    log.info("staff %s searched donors (%d hits)", staff.id, len(rows))
    return [dict(r) for r in rows]


@router.get("/donations/export")
def export_donations(staff: Donor = Depends(require_staff), db: Session = Depends(get_db)) -> Response:
    donations = db.scalars(select(Donation).order_by(Donation.collected_at)).all()  # expect: DB002
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "donor_id", "clinic_id", "blood_type", "volume_ml", "collected_at"])
    for d in donations:
        writer.writerow([d.id, d.donor_id, d.clinic_id, d.blood_type, d.volume_ml, d.collected_at.isoformat()])
    log.info("staff %s exported %d donations", staff.id, len(donations))
    return Response(
        buffer.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f"attachment; filename=donations-{date.today().isoformat()}.csv"},
    )


@router.post("/slots/bulk", status_code=201)
def create_slots(plan: SlotPlan, staff: Donor = Depends(require_staff), db: Session = Depends(get_db)) -> dict:
    if db.get(Clinic, plan.clinic_id) is None:
        raise HTTPException(404, "clinic not found")
    if plan.closes <= plan.opens:
        raise HTTPException(422, "closing time must be after opening time")
    step = timedelta(minutes=plan.minutes_per_slot)
    created = 0
    for offset in range(plan.days):
        day = plan.first_day + timedelta(days=offset)
        if day.weekday() == 6:
            continue
        cursor = datetime.combine(day, plan.opens, tzinfo=timezone.utc)
        end = datetime.combine(day, plan.closes, tzinfo=timezone.utc)
        while cursor < end:
            db.add(Slot(clinic_id=plan.clinic_id, starts_at=cursor, capacity=plan.chairs, booked=0))
            cursor += step
            created += 1
    db.commit()  # ok: DB003
    log.info("staff %s created %d slots for clinic %s", staff.id, created, plan.clinic_id)
    return {"created": created}
