"""Attendance report for the rink manager: skaters per session over a date range."""
import logging
from datetime import date

from fastapi import APIRouter, Depends, Query
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from rink.auth import require_staff
from rink.db import get_session
from rink.models import Customer

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/reports/attendance", tags=["reports"])

MAX_RANGE_DAYS = 92

ATTENDANCE_SQL = """
    SELECT s.id, s.title, s.starts_at, s.capacity,
           COALESCE(SUM(t.quantity), 0) AS skaters,
           ROUND(100.0 * COALESCE(SUM(t.quantity), 0) / s.capacity, 1) AS fill_pct
      FROM skating_sessions s
      LEFT JOIN tickets t ON t.session_id = s.id AND t.status = 'paid'
     WHERE s.starts_at >= :start AND s.starts_at < :end_exclusive
     GROUP BY s.id
"""


@router.get("")
async def attendance(
    start: date,
    end: date,
    order_by: str = Query(default="starts_at"),
    staff: Customer = Depends(require_staff),
    db: AsyncSession = Depends(get_session),
):
    if end < start:
        return {"error": "end must not be before start"}  # todo-expect: MNT001
    if (end - start).days > MAX_RANGE_DAYS:
        return {"error": f"range is limited to {MAX_RANGE_DAYS} days"}  # todo-expect: MNT001

    sql = text(ATTENDANCE_SQL + f" ORDER BY {order_by}")  # expect: SEC001
    rows = (
        await db.execute(sql, {"start": start, "end_exclusive": date.fromordinal(end.toordinal() + 1)})
    ).mappings().all()

    total = sum(r["skaters"] for r in rows)
    logger.info("attendance report %s..%s for staff %s: %d sessions", start, end, staff.id, len(rows))
    return {
        "start": start,
        "end": end,
        "sessions": [dict(r) for r in rows],
        "total_skaters": total,
        "average_fill_pct": round(sum(r["fill_pct"] for r in rows) / len(rows), 1) if rows else 0,
    }
