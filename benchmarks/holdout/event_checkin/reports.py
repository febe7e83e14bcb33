"""Operations reports for the event team (sync database path)."""
from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator

from fastapi import APIRouter, Depends, Header, HTTPException, status
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from models import CheckIn, Event, Gate, SyncSessionLocal, Ticket
from security import decode_staff_token

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/reports", tags=["reports"])


def require_ops(authorization: str = Header(...)) -> dict:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    claims = decode_staff_token(token)
    if "ops" not in claims.get("roles", []):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "ops role required")
    return claims


def _ticket_summary(session: Session, ticket_id: int) -> dict:
    ticket = session.execute(select(Ticket).where(Ticket.id == ticket_id)).scalar_one()
    return {"holder": ticket.holder_name, "company": ticket.company, "tier": ticket.tier}


@router.get("/{event_id}/checkins")
def checkin_report(event_id: int, sort: str = "c.created_at", claims: dict = Depends(require_ops)) -> list[dict]:  # ok: CON001
    with SyncSessionLocal() as session:
        rows = session.execute(text(f"SELECT c.id, c.ticket_id, c.gate_id, c.scanned_by, c.created_at FROM checkins c JOIN tickets t ON t.id = c.ticket_id WHERE t.event_id = :eid ORDER BY {sort}"), {"eid": event_id}).fetchall()  # expect: SEC001, DB002
        report = []
        for row in rows:
            summary = _ticket_summary(session, row.ticket_id)  # expect: DB001
            report.append(
                {
                    "checkin_id": row.id,
                    "gate_id": row.gate_id,
                    "scanned_by": row.scanned_by,
                    "at": row.created_at.isoformat(),
                    **summary,
                }
            )
    logger.info("checkin report event=%s rows=%s user=%s", event_id, len(report), claims.get("sub"))
    return report


@router.post("/{event_id}/recount")
def recount_checked_in(event_id: int, claims: dict = Depends(require_ops)) -> dict:
    with SyncSessionLocal() as session:
        event = session.get(Event, event_id)
        if event is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown event")
        total = session.scalar(
            select(func.count(CheckIn.id)).join(Ticket, Ticket.id == CheckIn.ticket_id).where(Ticket.event_id == event_id)
        )
        previous = event.checked_in
        event.checked_in = total  # expect: DB004
        session.commit()
    logger.info("recount event=%s previous=%s now=%s user=%s", event_id, previous, total, claims.get("sub"))
    return {"event_id": event_id, "checked_in": total, "previous": previous}


@router.get("/{event_id}/gates")
def gate_summary(event_id: int, claims: dict = Depends(require_ops)) -> list[dict]:
    stmt = (
        select(Gate.id, Gate.name, func.count(CheckIn.id).label("scans"))
        .outerjoin(CheckIn, CheckIn.gate_id == Gate.id)
        .where(Gate.event_id == event_id)  # ok: SEC001
        .group_by(Gate.id, Gate.name)
        .order_by(Gate.name)
    )
    with SyncSessionLocal() as session:
        rows = session.execute(stmt).all()  # ok: DB002
    return [{"gate_id": r.id, "gate": r.name, "scans": r.scans} for r in rows]


def _csv_rows(event_id: int) -> Iterator[str]:
    stmt = (
        select(CheckIn.id, CheckIn.created_at, Gate.name, Ticket.holder_name, Ticket.tier)
        .join(Gate, Gate.id == CheckIn.gate_id)
        .join(Ticket, Ticket.id == CheckIn.ticket_id)
        .where(Ticket.event_id == event_id)
        .order_by(CheckIn.id)
        .execution_options(yield_per=1000)
    )
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["checkin_id", "at", "gate", "holder", "tier"])
    with SyncSessionLocal() as session:
        for row in session.execute(stmt):  # ok: DB002
            writer.writerow([row.id, row.created_at.isoformat(), row.name, row.holder_name, row.tier])
            if buf.tell() > 64_000:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
    yield buf.getvalue()


@router.get("/{event_id}/checkins.csv")
def checkin_csv(event_id: int, claims: dict = Depends(require_ops)) -> StreamingResponse:
    logger.info("checkin csv export event=%s user=%s", event_id, claims.get("sub"))
    return StreamingResponse(
        _csv_rows(event_id),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="checkins-{event_id}.csv"'},
    )
