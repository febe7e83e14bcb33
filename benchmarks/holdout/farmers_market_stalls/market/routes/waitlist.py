import logging
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel

from market.db import Database, get_db
from market.routes.stalls import week_start
from market.security import Principal, require_manager, require_vendor

log = logging.getLogger(__name__)
router = APIRouter(prefix="/waitlist", tags=["waitlist"])

SORTABLE = ("position", "joined_at", "vendor_name")


class JoinWaitlist(BaseModel):
    market_id: int
    week: date
    wants_power: bool = False


@router.post("", status_code=201)
def join_waitlist(body: JoinWaitlist, vendor: Principal = Depends(require_vendor),
                  db: Database = Depends(get_db)):
    start = week_start(body.week)
    already = db.fetch_one(
        "SELECT id, position FROM waitlist "
        "WHERE market_id = %s AND week_start = %s AND vendor_id = %s AND status = 'waiting'",
        (body.market_id, start, vendor.vendor_id),
    )
    if already:
        return {"entry_id": already["id"], "position": already["position"]}

    last = db.fetch_one(
        "SELECT COALESCE(MAX(position), 0) AS pos FROM waitlist "
        "WHERE market_id = %s AND week_start = %s",
        (body.market_id, start),
    )
    position = last["pos"] + 1
    row = db.fetch_one(  # expect: DB004, DB005
        "INSERT INTO waitlist (market_id, vendor_id, week_start, position, wants_power, status) "
        "VALUES (%s, %s, %s, %s, %s, 'waiting') RETURNING id",
        (body.market_id, vendor.vendor_id, start, position, body.wants_power),
    )
    log.info("vendor %s joined waitlist for market %s week %s at %s",
             vendor.vendor_id, body.market_id, start, position)
    return {"entry_id": row["id"], "position": position}


@router.get("")
def list_waitlist(week: date, manager: Principal = Depends(require_manager),
                  db: Database = Depends(get_db),
                  sort: str = Query("position"), direction: str = Query("asc"),
                  limit: int = Query(50, le=200)):
    if sort not in SORTABLE:
        sort = "position"
    rows = db.fetch_all(
        "SELECT w.id, w.position, w.joined_at, w.wants_power, v.name AS vendor_name "
        "FROM waitlist w JOIN vendors v ON v.id = w.vendor_id "
        "WHERE w.market_id = %s AND w.week_start = %s AND w.status = 'waiting' "
        f"ORDER BY {sort} {direction} LIMIT %s",  # expect: SEC001
        (manager.market_id, week_start(week), limit),
    )
    return {"week_start": week_start(week).isoformat(), "entries": rows}


@router.delete("/{entry_id}", status_code=204)
def leave_waitlist(entry_id: int, vendor: Principal = Depends(require_vendor),
                   db: Database = Depends(get_db)):
    removed = db.execute("UPDATE waitlist SET status = 'left' WHERE id = %s", (entry_id,))  # expect: SEC018
    if not removed:
        raise HTTPException(404, "waitlist entry not found")
    log.info("waitlist entry %s left by vendor %s", entry_id, vendor.vendor_id)


@router.get("/mine")
def my_entries(vendor: Principal = Depends(require_vendor), db: Database = Depends(get_db)):
    rows = db.fetch_all(
        "SELECT id, market_id, week_start, position, status FROM waitlist "
        "WHERE vendor_id = %s AND week_start >= %s ORDER BY week_start LIMIT 20",
        (vendor.vendor_id, week_start(date.today())),
    )
    return {"entries": rows}
