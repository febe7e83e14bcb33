import logging
import os
import threading
from pathlib import Path

import httpx
from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, UploadFile
from psycopg_pool import ConnectionPool

from .auth import Rider, current_rider, require_mechanic
from .db import get_pool

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/maintenance", tags=["maintenance"])

PHOTO_DIR = Path(os.environ.get("TICKET_PHOTO_DIR", "/var/lib/docks/ticket-photos"))
DEPOT_WEBHOOK_URL = os.environ.get("DEPOT_WEBHOOK_URL", "")
CATEGORIES = {"brakes", "chain", "tyre", "lights", "dock_fault", "battery", "other"}


def _notify_depot(ticket_id: int, bike_id: int | None, dock_id: int | None, category: str) -> None:
    if not DEPOT_WEBHOOK_URL:
        return
    try:
        httpx.post(DEPOT_WEBHOOK_URL, json={"ticket": ticket_id, "bike": bike_id, "dock": dock_id, "category": category}, timeout=5.0)
    except httpx.HTTPError:
        logger.exception("depot notification failed ticket=%s", ticket_id)


@router.post("/tickets", status_code=201)
def open_ticket(
    category: str = Form(...),
    description: str = Form(..., max_length=2000),
    bike_id: int | None = Form(None),
    dock_id: int | None = Form(None),
    photo: UploadFile | None = File(None),
    rider: Rider = Depends(current_rider),
    pool: ConnectionPool = Depends(get_pool),
):
    if category not in CATEGORIES:
        raise HTTPException(422, f"unknown category {category}")
    if bike_id is None and dock_id is None:
        raise HTTPException(422, "bike_id or dock_id is required")

    photo_path = None
    if photo is not None:
        data = photo.file.read()  # expect: SEC019
        PHOTO_DIR.mkdir(parents=True, exist_ok=True)
        photo_path = PHOTO_DIR / f"{bike_id or dock_id}_{photo.filename}"  # expect: SEC015
        photo_path.write_bytes(data)  # expect: SCL002

    with pool.connection() as conn:
        ticket_id = conn.execute(  # ok: SEC001
            "INSERT INTO maintenance_tickets (bike_id, dock_id, category, description, photo_path, reported_by, status)"
            " VALUES (%s, %s, %s, %s, %s, %s, 'open') RETURNING id",
            (bike_id, dock_id, category, description, str(photo_path) if photo_path else None, rider.id),
        ).fetchone()[0]
        if bike_id is not None and category in {"brakes", "chain", "tyre"}:
            conn.execute("UPDATE bikes SET status = 'maintenance' WHERE id = %s AND status = 'available'", (bike_id,))

    threading.Thread(target=_notify_depot, args=(ticket_id, bike_id, dock_id, category), daemon=True).start()  # expect: CON003, REL005
    logger.info("ticket opened id=%s category=%s bike=%s dock=%s rider=%s", ticket_id, category, bike_id, dock_id, rider.id)
    return {"id": ticket_id, "status": "open"}


@router.get("/tickets")
def list_tickets(
    status: str = Query("open", pattern="^(open|in_progress|closed)$"),
    sort: str = "created_at",
    limit: int = Query(50, ge=1, le=200),
    mechanic: Rider = Depends(require_mechanic),
    pool: ConnectionPool = Depends(get_pool),
):
    sql = (
        "SELECT id, bike_id, dock_id, category, description, status, created_at FROM maintenance_tickets"
        f" WHERE status = %s ORDER BY {sort} DESC LIMIT %s"
    )
    with pool.connection() as conn:
        rows = conn.execute(sql, (status, limit)).fetchall()  # expect: SEC001
    return [
        {"id": r[0], "bike_id": r[1], "dock_id": r[2], "category": r[3], "description": r[4], "status": r[5], "created_at": r[6].isoformat()}
        for r in rows
    ]


@router.post("/tickets/{ticket_id}/close")
def close_ticket(ticket_id: int, mechanic: Rider = Depends(require_mechanic), pool: ConnectionPool = Depends(get_pool)):
    with pool.connection() as conn:
        row = conn.execute(
            "UPDATE maintenance_tickets SET status = 'closed', closed_by = %s, closed_at = now()"
            " WHERE id = %s AND status <> 'closed' RETURNING bike_id",
            (mechanic.id, ticket_id),
        ).fetchone()
        if row is None:
            raise HTTPException(404, "ticket not found or already closed")
        if row[0] is not None:
            conn.execute("UPDATE bikes SET status = 'available' WHERE id = %s AND status = 'maintenance'", (row[0],))
    logger.info("ticket closed id=%s by=%s", ticket_id, mechanic.id)
    return {"id": ticket_id, "status": "closed"}
