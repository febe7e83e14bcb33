import logging
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel

from market.db import Database, get_db
from market.routes.stalls import MAX_STALLS_PER_WEEK, week_start
from market.security import Principal, require_vendor

log = logging.getLogger(__name__)
router = APIRouter(prefix="/rentals", tags=["rentals"])


class RentalRequest(BaseModel):
    stall_id: int
    week: date


@router.post("", status_code=201)
def rent_stall(body: RentalRequest, vendor: Principal = Depends(require_vendor),
               db: Database = Depends(get_db)):
    start = week_start(body.week)
    with db.cursor() as cur:
        # Serialises concurrent rentals by the same vendor for the weekly limit.
        cur.execute("SELECT id FROM vendors WHERE id = %s FOR UPDATE", (vendor.vendor_id,))
        cur.execute(
            "SELECT count(*) AS n FROM rentals "
            "WHERE vendor_id = %s AND week_start = %s AND status <> 'cancelled'",
            (vendor.vendor_id, start),
        )
        if cur.fetchone()["n"] >= MAX_STALLS_PER_WEEK:
            raise HTTPException(409, f"vendors may rent at most {MAX_STALLS_PER_WEEK} stalls a week")
        cur.execute(  # ok: DB005
            "INSERT INTO rentals (stall_id, vendor_id, week_start, status) "
            "VALUES (%s, %s, %s, 'reserved') "
            "ON CONFLICT (stall_id, week_start) WHERE status <> 'cancelled' DO NOTHING "
            "RETURNING id",
            (body.stall_id, vendor.vendor_id, start),
        )
        row = cur.fetchone()
    if row is None:
        raise HTTPException(409, "stall already taken for that week")
    return {"rental_id": row["id"], "status": "reserved", "week_start": start.isoformat()}


@router.get("/mine")
def my_rentals(vendor: Principal = Depends(require_vendor), db: Database = Depends(get_db),
               limit: int = Query(20, ge=1, le=100), offset: int = Query(0, ge=0)):
    rows = db.fetch_all(  # ok: DB002
        "SELECT r.id, r.week_start, r.status, s.code, s.fee_cents "
        "FROM rentals r JOIN stalls s ON s.id = r.stall_id "
        "WHERE r.vendor_id = %s ORDER BY r.week_start DESC LIMIT %s OFFSET %s",
        (vendor.vendor_id, limit, offset),
    )
    return {"items": rows, "limit": limit, "offset": offset}


@router.post("/{rental_id}/cancel")
def cancel_rental(rental_id: int, vendor: Principal = Depends(require_vendor),
                  db: Database = Depends(get_db)):
    with db.cursor() as cur:
        cur.execute(  # ok: SEC018
            "UPDATE rentals SET status = 'cancelled' "
            "WHERE id = %s AND vendor_id = %s AND status IN ('held', 'reserved') "
            "RETURNING stall_id, week_start",
            (rental_id, vendor.vendor_id),
        )
        cancelled = cur.fetchone()
        if cancelled is None:
            raise HTTPException(404, "no cancellable rental with that id")
        cur.execute(
            "SELECT w.id, w.vendor_id FROM waitlist w JOIN stalls s ON s.market_id = w.market_id "
            "WHERE s.id = %s AND w.week_start = %s AND w.status = 'waiting' "
            "ORDER BY w.position LIMIT 1 FOR UPDATE OF w SKIP LOCKED",
            (cancelled["stall_id"], cancelled["week_start"]),
        )
        nxt = cur.fetchone()
        if nxt is not None:
            cur.execute("UPDATE waitlist SET status = 'offered' WHERE id = %s", (nxt["id"],))  # ok: DB005
            cur.execute(
                "INSERT INTO rentals (stall_id, vendor_id, week_start, status) "
                "VALUES (%s, %s, %s, 'held')",
                (cancelled["stall_id"], nxt["vendor_id"], cancelled["week_start"]),
            )
    log.info("rental %s cancelled by vendor %s; offered to %s", rental_id, vendor.vendor_id,
             nxt["vendor_id"] if nxt else None)
    return {"rental_id": rental_id, "status": "cancelled"}
