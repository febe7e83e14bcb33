"""Revenue report and CSV export for the bookkeeper."""
import csv
import io
import logging
from collections.abc import AsyncIterator
from datetime import date, timedelta

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import StreamingResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from rink.auth import require_staff
from rink.db import SessionLocal, get_session
from rink.models import Customer

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/reports/revenue", tags=["reports"])

SORTABLE = {
    "day": "day",
    "revenue": "revenue_cents DESC",
    "tickets": "tickets_sold DESC",
}

DAILY_SQL = """
    SELECT d.day,
           COALESCE(SUM(t.quantity), 0) AS tickets_sold,
           COALESCE(SUM(t.quantity * s.price_cents), 0) AS revenue_cents
      FROM generate_series(CAST(:start AS date), CAST(:end AS date), interval '1 day') AS d(day)
      LEFT JOIN skating_sessions s
             ON s.starts_at >= d.day AND s.starts_at < d.day + interval '1 day'
      LEFT JOIN tickets t ON t.session_id = s.id AND t.status = 'paid'
     GROUP BY d.day
"""


def _check_range(start: date, end: date) -> None:
    if end < start or (end - start).days > 366:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "range must be 0 to 366 days")


@router.get("")
async def daily_revenue(
    start: date,
    end: date,
    sort: str = Query(default="day", pattern="^(day|revenue|tickets)$"),
    staff: Customer = Depends(require_staff),
    db: AsyncSession = Depends(get_session),
):
    _check_range(start, end)
    sql = text(DAILY_SQL + " ORDER BY " + SORTABLE[sort])  # ok: SEC001
    rows = (await db.execute(sql, {"start": start, "end": end})).mappings().all()  # ok: DB002
    return {"days": [dict(r) for r in rows]}


async def _csv_rows(start: date, end: date) -> AsyncIterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["ticket_id", "session", "starts_at", "quantity", "amount_cents", "payment_ref"])
    async with SessionLocal() as db:
        result = await db.stream(
            text(
                "SELECT t.id, s.title, s.starts_at, t.quantity, t.quantity * s.price_cents, t.payment_ref"
                "  FROM tickets t JOIN skating_sessions s ON s.id = t.session_id"
                " WHERE t.status = 'paid' AND s.starts_at >= :start AND s.starts_at < :end_exclusive"
                " ORDER BY t.id"
            ).execution_options(yield_per=1000),
            {"start": start, "end_exclusive": end + timedelta(days=1)},
        )
        async for row in result:  # ok: RES003
            writer.writerow(row)
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()


@router.get("/tickets.csv")
async def export_tickets(start: date, end: date, staff: Customer = Depends(require_staff)):
    _check_range(start, end)
    logger.info("ticket export %s..%s requested by staff %s", start, end, staff.id)
    return StreamingResponse(
        _csv_rows(start, end),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="tickets-{start}-{end}.csv"'},
    )
