"""Streaming sales export and paginated tap statistics."""
import csv
import io
import logging
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from taproom.auth import require_staff
from taproom.db import raw_connection

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v2/reports", tags=["reports"])

VENUE_TZ = ZoneInfo("America/Denver")
EXPORT_SQL = """
SELECT l.tab_id, t.patron_id, b.name, l.size, l.price_cents, l.poured_at
  FROM tab_lines l
  JOIN tabs t ON t.id = l.tab_id
  JOIN beers b ON b.id = l.beer_id
 WHERE l.poured_at >= %(start)s AND l.poured_at < %(end)s
 ORDER BY l.poured_at
"""
TOP_BEERS_SQL = """
SELECT b.id, b.name, count(*) AS pours, sum(l.price_cents) AS revenue_cents
  FROM tab_lines l JOIN beers b ON b.id = l.beer_id
 WHERE l.poured_at >= %(start)s AND l.poured_at < %(end)s
 GROUP BY b.id, b.name
 ORDER BY pours DESC, b.id
 LIMIT %(limit)s OFFSET %(offset)s
"""


def _business_day(day: date) -> dict:
    start = datetime.combine(day, time(hour=6), tzinfo=VENUE_TZ)
    return {"start": start, "end": start + timedelta(days=1)}


def _csv_rows(day: date) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["tab_id", "patron_id", "beer", "size", "price_cents", "poured_at"])
    with raw_connection() as conn:
        with conn.cursor(name="sales_export") as cur:
            cur.itersize = 2000
            cur.execute(EXPORT_SQL, _business_day(day))
            for row in cur:
                writer.writerow(row.values())
                if buffer.tell() > 64_000:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
    yield buffer.getvalue()


@router.get("/sales.csv")
def export_sales(day: date, staff: dict = Depends(require_staff)) -> StreamingResponse:
    log.info("sales export for %s requested by %s", day, staff["sub"])
    return StreamingResponse(
        _csv_rows(day),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="sales-{day.isoformat()}.csv"'},
    )


@router.get("/top-beers")
def top_beers(day: date, page: int = Query(1, ge=1), per_page: int = Query(25, ge=1, le=100),
              staff: dict = Depends(require_staff)) -> dict:
    params = {**_business_day(day), "limit": per_page, "offset": (page - 1) * per_page}
    with raw_connection() as conn:
        rows = conn.execute(TOP_BEERS_SQL, params).fetchall()
    return {"day": day.isoformat(), "page": page, "per_page": per_page, "results": rows}
