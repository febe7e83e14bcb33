import logging
from datetime import date

import jwt
from fastapi import APIRouter, Depends, Header, HTTPException
from pydantic import BaseModel

from market.db import Database, get_db
from market.routes.stalls import week_start
from market.security import Principal, require_manager

log = logging.getLogger(__name__)
router = APIRouter(prefix="/checkin", tags=["checkin"])


class ScanPayload(BaseModel):
    rental_id: int


def _kiosk_claims(token: str) -> dict:
    # Kiosk tokens are minted by the tablet provisioning service.
    claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
    if claims.get("role") != "kiosk" or "market_id" not in claims:
        raise HTTPException(403, "not a kiosk token")
    return claims


@router.post("/scan")
def scan_vendor(body: ScanPayload, x_kiosk_token: str = Header(...),
                db: Database = Depends(get_db)):
    kiosk = _kiosk_claims(x_kiosk_token)
    today = date.today()
    rental = db.fetch_one(
        "SELECT r.id, r.vendor_id, r.status, r.checked_in_at, s.code, s.market_id "
        "FROM rentals r JOIN stalls s ON s.id = r.stall_id "
        "WHERE r.id = %s AND r.week_start = %s",
        (body.rental_id, week_start(today)),
    )
    if rental is None or rental["market_id"] != kiosk["market_id"]:
        raise HTTPException(404, "no rental for this market this week")
    if rental["status"] != "paid":
        raise HTTPException(402, "stall fee not paid")
    if rental["checked_in_at"] is not None:
        raise HTTPException(409, "already checked in")

    db.execute("UPDATE rentals SET checked_in_at = now() WHERE id = %s", (rental["id"],))  # expect: DB005

    day = db.fetch_one(
        "SELECT id, arrivals FROM market_days WHERE market_id = %s AND day = %s",
        (rental["market_id"], today),
    )
    if day is None:
        raise HTTPException(409, "market is not open today")
    arrivals = day["arrivals"] + 1
    db.execute("UPDATE market_days SET arrivals = %s WHERE id = %s", (arrivals, day["id"]))  # expect: DB004
    log.info("vendor %s checked in at stall %s (kiosk %s)", rental["vendor_id"], rental["code"],
             kiosk.get("sub"))
    return {"stall": rental["code"], "arrivals": arrivals}


@router.get("/missing")
def not_arrived(manager: Principal = Depends(require_manager), db: Database = Depends(get_db)):
    rows = db.fetch_all(
        "SELECT r.id AS rental_id, s.code, v.name, v.phone FROM rentals r "
        "JOIN stalls s ON s.id = r.stall_id JOIN vendors v ON v.id = r.vendor_id "
        "WHERE s.market_id = %s AND r.week_start = %s AND r.status = 'paid' "
        "AND r.checked_in_at IS NULL ORDER BY s.code",
        (manager.market_id, week_start(date.today())),
    )
    return {"missing": rows, "count": len(rows)}
