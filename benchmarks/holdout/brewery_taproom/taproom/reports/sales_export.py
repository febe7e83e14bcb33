"""End-of-day sales export for the bookkeeper."""
import csv
import logging
import os
from pathlib import Path

import psycopg
from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse

from taproom.auth import require_staff
from taproom.db import RAW_DSN

log = logging.getLogger(__name__)
router = APIRouter(prefix="/reports", tags=["reports"])

EXPORT_DIR = Path(os.environ.get("TAPROOM_EXPORT_DIR", "/var/lib/taproom/exports"))
COLUMNS = ["tab_id", "patron_id", "beer", "size", "price_cents", "poured_at"]


def _sales_query(day: str, beer: str | None) -> str:
    sql = (
        "SELECT l.tab_id, t.patron_id, b.name, l.size, l.price_cents, l.poured_at "
        "FROM tab_lines l JOIN tabs t ON t.id = l.tab_id JOIN beers b ON b.id = l.beer_id "
        f"WHERE l.poured_at::date = '{day}'"  # expect: DB006
    )
    if beer:
        sql += f" AND b.name ILIKE '%{beer}%'"
    return sql + " ORDER BY l.poured_at"


@router.get("/sales.csv")
def export_sales(day: str, beer: str | None = None, staff: dict = Depends(require_staff)):
    conn = psycopg.connect(RAW_DSN)  # expect: RES001
    cur = conn.cursor()
    cur.execute(_sales_query(day, beer))  # expect: SEC001
    rows = cur.fetchall()

    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    path = EXPORT_DIR / f"sales-{day}.csv"  # expect: SEC015
    with open(path, "w", newline="") as fh:  # expect: SCL002
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    conn.close()

    log.info("sales export for %s written by %s (%s rows)", day, staff["sub"], len(rows))
    return FileResponse(path, media_type="text/csv", filename=path.name)


@router.get("/sales/summary")
def daily_summary(day: str, staff: dict = Depends(require_staff)) -> dict:
    with psycopg.connect(RAW_DSN) as conn:
        row = conn.execute(
            "SELECT count(*), coalesce(sum(price_cents), 0) FROM tab_lines "
            "WHERE poured_at >= %s::date AND poured_at < %s::date + 1",
            (day, day),
        ).fetchone()
    return {"day": day, "pours": row[0], "revenue_cents": row[1]}
