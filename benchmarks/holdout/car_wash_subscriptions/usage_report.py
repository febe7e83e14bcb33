"""Daily usage report: CSV download for staff and a summary posted to the ops channel."""
import csv
import io
import logging
from datetime import date, datetime, time, timedelta, timezone

import httpx
from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .auth import require_staff
from .config import get_settings
from .db import AsyncSessionLocal, SyncSessionLocal
from .models import Vehicle, WashVisit

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/reports", tags=["reports"])

CSV_FIELDS = ["visit_id", "bay", "plate", "program", "started_at", "status"]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    return start, start + timedelta(days=1)


def _visits_for_day(session: Session, day: date) -> list[WashVisit]:
    start, end = _day_bounds(day)
    stmt = (
        select(WashVisit)
        .where(WashVisit.started_at >= start, WashVisit.started_at < end)
        .order_by(WashVisit.started_at)
    )
    return list(session.scalars(stmt))


def build_usage_rows(session: Session, day: date) -> list[dict]:
    rows = []
    for visit in _visits_for_day(session, day):
        vehicle = session.get(Vehicle, visit.vehicle_id)  # expect: DB001
        rows.append(
            {
                "visit_id": visit.id,
                "bay": visit.bay_id,
                "plate": vehicle.plate if vehicle else "",
                "program": visit.program,
                "started_at": visit.started_at.isoformat(),
                "status": visit.status,
            }
        )
    return rows


@router.get("/daily-usage")
async def daily_usage(day: date = Query(...), _staff: int = Depends(require_staff)):
    session = SyncSessionLocal()  # expect: RES001
    rows = build_usage_rows(session, day)  # expect: CON001
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    return StreamingResponse(
        iter([buf.getvalue()]),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="usage-{day.isoformat()}.csv"'},
    )


async def publish_daily_report(day: date) -> dict:
    """Post per-bay wash counts for one day to the ops webhook."""
    start, end = _day_bounds(day)
    async with AsyncSessionLocal() as session:
        result = await session.execute(
            select(WashVisit.bay_id, func.count(WashVisit.id))
            .where(WashVisit.started_at >= start, WashVisit.started_at < end)
            .group_by(WashVisit.bay_id)
        )
        per_bay = {bay_id: count for bay_id, count in result.all()}
    summary = {"date": day.isoformat(), "total_washes": sum(per_bay.values()), "per_bay": per_bay}
    async with httpx.AsyncClient(timeout=10.0) as client:
        resp = await client.post(get_settings().ops_webhook_url, json={"text": "Daily wash usage", "report": summary})
        resp.raise_for_status()
    logger.info("daily usage report for %s posted: %d washes", day, summary["total_washes"])
    return summary
