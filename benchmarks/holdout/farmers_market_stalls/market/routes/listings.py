import asyncio
import logging
import subprocess
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, UploadFile

from market.db import Database, get_db
from market.security import Principal, require_vendor
from market.settings import Settings, get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/listings", tags=["listings"])

UNITS = {"lb", "kg", "each", "bunch", "dozen", "pint", "quart"}


@router.post("", status_code=201)
async def create_listing(
    title: str = Form(..., max_length=120),
    price_cents: int = Form(..., gt=0),
    unit: str = Form("each"),
    photo: UploadFile = File(...),
    vendor: Principal = Depends(require_vendor),
    db: Database = Depends(get_db),
    settings: Settings = Depends(get_settings),
):
    if unit not in UNITS:
        raise HTTPException(422, f"unit must be one of {sorted(UNITS)}")

    data = await photo.read()  # expect: SEC019
    vendor_dir = Path(settings.media_dir) / "listings" / str(vendor.vendor_id)
    vendor_dir.mkdir(parents=True, exist_ok=True)
    original = vendor_dir / photo.filename  # expect: SEC015
    original.write_bytes(data)  # expect: SCL002
    thumb = vendor_dir / f"thumb_{photo.filename}"
    subprocess.run(f"convert '{original}' -auto-orient -resize 480x480 '{thumb}'",  # expect: SEC002, CON001
                   shell=True, check=True)

    row = await asyncio.to_thread(
        db.fetch_one,
        "INSERT INTO listings (vendor_id, title, price_cents, unit, photo_path, thumb_path) "
        "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
        (vendor.vendor_id, title.strip(), price_cents, unit, str(original), str(thumb)),
    )
    log.info("listing %s created by vendor %s", row["id"], vendor.vendor_id)
    return {"id": row["id"], "title": title, "price_cents": price_cents, "unit": unit}


@router.get("/search")
async def search_listings(q: str = Query(..., min_length=2), market_id: int = Query(...),
                          db: Database = Depends(get_db)):
    rows = await asyncio.to_thread(  # expect: DB006
        db.fetch_all,
        "SELECT l.id, l.title, l.price_cents, l.unit, v.name AS vendor "
        "FROM listings l JOIN vendors v ON v.id = l.vendor_id "
        "WHERE v.market_id = %s AND l.title ILIKE %s AND l.active "
        "ORDER BY l.title LIMIT 50",
        (market_id, f"%{q}%"),
    )
    return {"results": rows}


@router.delete("/{listing_id}", status_code=204)
async def retire_listing(listing_id: int, vendor: Principal = Depends(require_vendor),
                         db: Database = Depends(get_db)):
    changed = await asyncio.to_thread(
        db.execute,
        "UPDATE listings SET active = false WHERE id = %s AND vendor_id = %s",
        (listing_id, vendor.vendor_id),
    )
    if not changed:
        raise HTTPException(404, "listing not found")
