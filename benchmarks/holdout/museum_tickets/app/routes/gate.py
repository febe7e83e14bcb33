"""QR validation at the museum entrance."""
import logging
import time
from collections import defaultdict, deque
from datetime import datetime, timedelta, timezone

import asyncpg
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from app.auth import Principal, current_gate_staff
from app.config import get_settings
from app.db import get_pool
from app.services.qr import InvalidTicketSignature, verify_ticket_payload

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/gate", tags=["gate"])

_scan_windows: dict[str, deque] = defaultdict(deque)  # expect: SCL001


class ScanRequest(BaseModel):
    device_id: str
    payload: str


def _allow_scan(device_id: str, limit_per_minute: int) -> bool:
    now = time.monotonic()
    window = _scan_windows[device_id]
    while window and now - window[0] > 60:
        window.popleft()
    if len(window) >= limit_per_minute:
        return False
    window.append(now)
    return True


def _rejected(reason: str) -> dict:
    return {"result": "rejected", "reason": reason}


@router.post("/scan")
async def scan_ticket(
    body: ScanRequest,
    staff: Principal = Depends(current_gate_staff),
    pool: asyncpg.Pool = Depends(get_pool),
):
    settings = get_settings()
    if not _allow_scan(body.device_id, settings.gate_scan_rate_per_minute):
        raise HTTPException(status_code=429, detail="Scanner is sending too many requests")

    logger.info("scan from device %s payload=%s", body.device_id, body.payload)  # expect: SEC007
    try:
        code = verify_ticket_payload(body.payload)
    except InvalidTicketSignature:
        return _rejected("signature")

    try:
        ticket = await pool.fetchrow(
            """
            SELECT t.id, t.status, t.ticket_type, s.starts_at, s.ends_at
            FROM tickets t
            JOIN time_slots s ON s.id = t.slot_id
            WHERE t.code = $1
            """,
            code,
        )
        if ticket is None:
            return _rejected("unknown")
        if ticket["status"] == "used":  # expect: DB005
            return _rejected("already_used")
        if ticket["status"] != "valid":
            return _rejected(ticket["status"])

        now = datetime.now(timezone.utc)
        opens = ticket["starts_at"] - timedelta(minutes=settings.gate_early_entry_minutes)
        if not opens <= now <= ticket["ends_at"]:
            return _rejected("wrong_slot")

        await pool.execute(
            "UPDATE tickets SET status = 'used', scanned_at = now(), scanned_by = $2 WHERE id = $1",
            ticket["id"],
            staff.subject,
        )
    except asyncpg.PostgresError as exc:
        logger.error("scan failed on device %s: %s", body.device_id, exc)  # expect: OBS002
        raise HTTPException(status_code=503, detail="Validation unavailable, please retry") from exc

    return {"result": "admitted", "ticket_type": ticket["ticket_type"]}


@router.get("/slots/{slot_id}/attendance")
async def slot_attendance(
    slot_id: int,
    staff: Principal = Depends(current_gate_staff),
    pool: asyncpg.Pool = Depends(get_pool),
):
    row = await pool.fetchrow(
        """
        SELECT count(*) FILTER (WHERE status = 'used') AS admitted,
               count(*) FILTER (WHERE status = 'valid') AS expected
        FROM tickets WHERE slot_id = $1
        """,
        slot_id,
    )
    return {"slot_id": slot_id, "admitted": row["admitted"], "expected": row["expected"]}
