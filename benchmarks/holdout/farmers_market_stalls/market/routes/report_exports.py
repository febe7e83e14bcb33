import csv
import io
import logging
from datetime import date
from typing import Iterator, Optional

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import StreamingResponse

from market.db import Database, get_db
from market.security import Principal, require_manager

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v2/reports", tags=["reports"])

FEES_BY_VENDOR = """
    SELECT v.id AS vendor_id, v.name AS vendor,
           COALESCE(SUM(p.amount_cents) FILTER (WHERE p.status = 'succeeded'), 0) AS paid_cents
      FROM vendors v
      LEFT JOIN rentals r ON r.vendor_id = v.id AND r.week_start BETWEEN %s AND %s
      LEFT JOIN payments p ON p.rental_id = r.id
     WHERE v.market_id = %s
     GROUP BY v.id, v.name
     ORDER BY v.name
"""


@router.get("/fees")
def fees_by_vendor(start: date, end: date, manager: Principal = Depends(require_manager),
                   db: Database = Depends(get_db)):
    if end < start:
        raise HTTPException(422, "end must not be before start")
    lines = db.fetch_all(FEES_BY_VENDOR, (start, end, manager.market_id))  # ok: DB001
    return {"start": start.isoformat(), "end": end.isoformat(), "lines": lines,
            "total_cents": sum(line["paid_cents"] for line in lines)}


@router.get("/rentals")
def rental_page(manager: Principal = Depends(require_manager), db: Database = Depends(get_db),
                before_id: Optional[int] = None, limit: int = Query(100, ge=1, le=500)):
    rows = db.fetch_all(  # ok: DB002
        "SELECT r.id, r.week_start, r.status, r.checked_in_at, s.code "
        "FROM rentals r JOIN stalls s ON s.id = r.stall_id "
        "WHERE s.market_id = %s AND (%s::bigint IS NULL OR r.id < %s) "
        "ORDER BY r.id DESC LIMIT %s",
        (manager.market_id, before_id, before_id, limit),
    )
    next_cursor = rows[-1]["id"] if len(rows) == limit else None
    return {"rentals": rows, "next_before_id": next_cursor}


def _csv_rows(db: Database, market_id: int) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["rental_id", "week_start", "stall", "vendor", "status", "checked_in_at"])
    with db.connection() as conn:
        with conn.cursor(name="rental_export") as cur:
            cur.itersize = 2000
            cur.execute(
                "SELECT r.id, r.week_start, s.code, v.name, r.status, r.checked_in_at "
                "FROM rentals r JOIN stalls s ON s.id = r.stall_id "
                "JOIN vendors v ON v.id = r.vendor_id WHERE s.market_id = %s ORDER BY r.id",
                (market_id,),
            )
            for record in cur:  # ok: RES003
                writer.writerow(record)
                if out.tell() > 64 * 1024:
                    yield out.getvalue()
                    out.seek(0)
                    out.truncate()
    yield out.getvalue()


@router.get("/rentals.csv")
def export_rentals(manager: Principal = Depends(require_manager), db: Database = Depends(get_db)):
    log.info("rental csv export started for market %s", manager.market_id)
    return StreamingResponse(
        _csv_rows(db, manager.market_id),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="rentals-{manager.market_id}.csv"'},
    )
