"""Admin: fleet engine hours summary and a streamed maintenance export."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sailschool.auth import require_staff
from sailschool.database import SessionLocal, get_session
from sailschool.models import Boat, Instructor, MaintenanceLog

router = APIRouter(prefix="/admin/fleet", tags=["admin"])

EXPORT_HEADER = ["logged_at", "boat", "sail_number", "instructor", "engine_hours", "summary"]


@router.get("/engine-hours")
def engine_hours_summary(_staff: dict = Depends(require_staff), session: Session = Depends(get_session)):
    rows = session.execute(
        select(
            Boat.id,
            Boat.name,
            Boat.sail_number,
            Boat.engine_hours,
            func.count(MaintenanceLog.id).label("entries"),
            func.max(MaintenanceLog.logged_at).label("last_logged"),
        )
        .outerjoin(MaintenanceLog, MaintenanceLog.boat_id == Boat.id)
        .where(Boat.in_service.is_(True))
        .group_by(Boat.id)
        .order_by(Boat.name)
    ).all()  # ok: DB002
    return [
        {"boat_id": r.id, "name": r.name, "sail_number": r.sail_number, "engine_hours": r.engine_hours,
         "entries": r.entries, "last_logged": r.last_logged}
        for r in rows
    ]


def _export_rows(start: date, end: date) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf)

    def flush() -> str:
        chunk = buf.getvalue()
        buf.seek(0)
        buf.truncate(0)
        return chunk

    writer.writerow(EXPORT_HEADER)
    yield flush()
    lower = datetime.combine(start, time.min, tzinfo=timezone.utc)
    upper = datetime.combine(end + timedelta(days=1), time.min, tzinfo=timezone.utc)
    stmt = (
        select(MaintenanceLog.logged_at, Boat.name, Boat.sail_number, Instructor.full_name,
               MaintenanceLog.engine_hours, MaintenanceLog.summary)
        .join(Boat, Boat.id == MaintenanceLog.boat_id)
        .join(Instructor, Instructor.id == MaintenanceLog.instructor_id)
        .where(MaintenanceLog.logged_at >= lower, MaintenanceLog.logged_at < upper)
        .order_by(MaintenanceLog.logged_at)
        .execution_options(yield_per=500)
    )
    with SessionLocal() as session:
        for row in session.execute(stmt):  # ok: RES003
            writer.writerow([row[0].isoformat(), *row[1:]])
            yield flush()


@router.get("/maintenance.csv")
def maintenance_export(
    start: date,
    end: date | None = None,
    _staff: dict = Depends(require_staff),
):
    end = end or date.today()
    if end < start or (end - start).days > 366:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "range must be 0 to 366 days")
    return StreamingResponse(
        _export_rows(start, end),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="maintenance-{start}-{end}.csv"'},
    )
