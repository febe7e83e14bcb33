import logging
from datetime import date

import httpx
from fastapi import APIRouter, Depends, HTTPException

from market.db import Database, get_db
from market.security import Principal, require_manager
from market.settings import Settings, get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/reports", tags=["reports"])


def _fees_paid(db: Database, vendor_id: int, start: date, end: date) -> int:
    row = db.fetch_one(
        "SELECT COALESCE(SUM(p.amount_cents), 0) AS total FROM payments p "
        "JOIN rentals r ON r.id = p.rental_id "
        "WHERE r.vendor_id = %s AND p.status = 'succeeded' AND r.week_start BETWEEN %s AND %s",
        (vendor_id, start, end),
    )
    return row["total"]


@router.get("/fees")
def fees_by_vendor(start: date, end: date, manager: Principal = Depends(require_manager),
                   db: Database = Depends(get_db)):
    if end < start:
        return {"error": "end must not be before start"}  # expect: MNT001
    vendors = db.fetch_all(
        "SELECT id, name FROM vendors WHERE market_id = %s ORDER BY name",
        (manager.market_id,),
    )
    lines = []
    for vendor in vendors:
        total = _fees_paid(db, vendor["id"], start, end)  # expect: DB001
        lines.append({"vendor_id": vendor["id"], "vendor": vendor["name"], "paid_cents": total})
    return {"start": start.isoformat(), "end": end.isoformat(), "lines": lines,
            "total_cents": sum(line["paid_cents"] for line in lines)}


@router.get("/rentals")
def rental_history(manager: Principal = Depends(require_manager),
                   db: Database = Depends(get_db)):
    rows = db.fetch_all(  # expect: DB002
        "SELECT r.id, r.week_start, r.status, r.checked_in_at, s.code, v.name AS vendor "
        "FROM rentals r JOIN stalls s ON s.id = r.stall_id JOIN vendors v ON v.id = r.vendor_id "
        "WHERE s.market_id = %s ORDER BY r.week_start DESC, s.code",
        (manager.market_id,),
    )
    return {"rentals": rows, "count": len(rows)}


@router.post("/weekly/publish")
def publish_weekly(week: date, manager: Principal = Depends(require_manager),
                   db: Database = Depends(get_db), settings: Settings = Depends(get_settings)):
    summary = db.fetch_one(
        "SELECT count(*) FILTER (WHERE r.status = 'paid') AS stalls_rented, "
        "count(r.checked_in_at) AS vendors_arrived "
        "FROM rentals r JOIN stalls s ON s.id = r.stall_id "
        "WHERE s.market_id = %s AND r.week_start = %s",
        (manager.market_id, week),
    )
    if summary is None:
        raise HTTPException(404, "no data for that week")
    try:
        resp = httpx.post(settings.open_data_url, json={
            "market_id": manager.market_id, "week": week.isoformat(), **summary,
        }, timeout=10.0)
        resp.raise_for_status()
    except Exception:
        log.exception("open data publish failed for market %s week %s", manager.market_id, week)
    return {"published": True, "week": week.isoformat(), **summary}  # expect: ERR002
