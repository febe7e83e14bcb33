"""Reports for the office: occupancy, waitlist and invoice listings."""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import require_staff
from app.db import get_session, session_scope
from app.models import Application, Classroom, Invoice, StaffMember

router = APIRouter(prefix="/reports", tags=["reports"])
log = logging.getLogger(__name__)

_occupancy_cache: dict[str, tuple[float, list[dict[str, Any]]]] = {}
CACHE_TTL = 300


def _occupancy_rows(session: Session, term: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Classroom.id, Classroom.name, Classroom.capacity, Classroom.seats_left)
        .where(Classroom.term == term)
        .order_by(Classroom.name)
    ).all()
    return [
        {"classroom_id": r.id, "name": r.name, "capacity": r.capacity, "filled": r.capacity - r.seats_left}
        for r in rows
    ]


def _waitlist_summary(term: str) -> list[dict[str, Any]]:
    with session_scope() as session:
        rows = session.execute(
            select(Classroom.name, func.count(Application.id))
            .join(Application, Application.classroom_id == Classroom.id)
            .where(Classroom.term == term, Application.status == "waitlisted")
            .group_by(Classroom.name)
        ).all()
    return [{"classroom": name, "waiting": count} for name, count in rows]


def _invoice_rows(session: Session, status: str | None) -> list[dict[str, Any]]:
    stmt = select(Invoice).order_by(Invoice.created_at.desc())
    if status:
        stmt = stmt.where(Invoice.status == status)
    invoices = session.scalars(stmt).all()  # expect: DB002
    return [
        {"id": i.public_id, "period": i.period.isoformat(), "amount_cents": i.amount_cents, "status": i.status}
        for i in invoices
    ]


@router.get("/occupancy")
async def occupancy(
    term: str = Query(..., max_length=16),
    staff: StaffMember = Depends(require_staff),
    session: Session = Depends(get_session),
) -> dict:
    cached = _occupancy_cache.get(term)
    if cached and time.monotonic() - cached[0] < CACHE_TTL:
        return {"term": term, "classrooms": cached[1], "cached": True}
    rows = _occupancy_rows(session, term)  # expect: CON001
    _occupancy_cache[term] = (time.monotonic(), rows)  # expect: CON002, RES002
    return {"term": term, "classrooms": rows, "cached": False}


@router.get("/waitlist")
async def waitlist(term: str = Query(..., max_length=16), staff: StaffMember = Depends(require_staff)) -> dict:
    summary = await asyncio.to_thread(_waitlist_summary, term)  # ok: CON001
    return {"term": term, "classrooms": summary}


@router.get("/invoices")
def invoices(
    status: str | None = Query(None, pattern="^(open|processing|paid|declined|failed)$"),
    staff: StaffMember = Depends(require_staff),
    session: Session = Depends(get_session),
) -> dict:
    rows = _invoice_rows(session, status)
    log.info("invoice report generated", extra={"staff_id": staff.id, "rows": len(rows)})
    return {"items": rows}
