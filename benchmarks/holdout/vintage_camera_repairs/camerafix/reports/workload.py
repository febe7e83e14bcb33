"""Technician workload report: open tickets per technician with parts on hold."""
import logging
from datetime import date, timedelta
from functools import lru_cache

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import get_db
from ..models import Part, PartReservation, Ticket, User
from ..security import require_role

router = APIRouter(prefix="/reports", tags=["reports"])
logger = logging.getLogger(__name__)

OPEN_STATUSES = ("diagnosing", "quoted", "approved", "paid", "in_repair")
MAX_RANGE_DAYS = 92


@lru_cache(maxsize=None)  # expect: RES002
def _working_days(start: date, end: date) -> int:
    days = 0
    current = start
    while current <= end:
        if current.weekday() < 5:
            days += 1
        current += timedelta(days=1)
    return days


def _parts_on_hold(db: Session, ticket_id: int) -> list[dict]:
    rows = db.execute(
        select(Part.sku, Part.name, PartReservation.quantity)
        .join(Part, Part.id == PartReservation.part_id)
        .where(PartReservation.ticket_id == ticket_id, PartReservation.status == "held")
    ).all()
    return [{"sku": sku, "name": name, "quantity": qty} for sku, name, qty in rows]


def _ticket_line(db: Session, ticket: Ticket, today: date) -> dict:
    return {
        "ticket_id": ticket.id,
        "camera": f"{ticket.camera_make} {ticket.camera_model}",
        "status": ticket.status,
        "age_days": (today - ticket.created_at.date()).days,
        "parts_on_hold": _parts_on_hold(db, ticket.id),
    }


@router.get("/technician-workload")
def technician_workload(
    start: date = Query(...),
    end: date = Query(...),
    _admin: User = Depends(require_role("admin")),
    db: Session = Depends(get_db),
):
    if end < start or (end - start).days > MAX_RANGE_DAYS:
        raise HTTPException(status_code=422, detail=f"range must be 0-{MAX_RANGE_DAYS} days")

    technicians = {
        t.id: t
        for t in db.scalars(select(User).where(User.role == "technician", User.active.is_(True)))
    }
    closed = dict(
        db.execute(
            select(Ticket.technician_id, func.count())
            .where(Ticket.closed_at >= start, Ticket.closed_at < end + timedelta(days=1))
            .group_by(Ticket.technician_id)
        ).all()
    )
    open_tickets = db.scalars(
        select(Ticket)
        .where(Ticket.technician_id.in_(technicians), Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.technician_id, Ticket.created_at)
    ).all()

    today = date.today()
    report = {
        tech_id: {"technician": t.full_name, "closed": closed.get(tech_id, 0), "open": []}
        for tech_id, t in technicians.items()
    }
    for ticket in open_tickets:  # expect: DB001
        report[ticket.technician_id]["open"].append(_ticket_line(db, ticket, today))

    days = _working_days(start, end)
    for entry in report.values():
        entry["closed_per_working_day"] = round(entry["closed"] / days, 2) if days else 0.0
    return {"start": start, "end": end, "working_days": days, "technicians": list(report.values())}
