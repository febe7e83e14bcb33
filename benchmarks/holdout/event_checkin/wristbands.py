"""Wristband labels for VIP and staff tiers, printed on the gate label printers."""
from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

import httpx
from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy.ext.asyncio import AsyncSession

from models import Gate, Ticket, get_session
from security import Scanner, current_scanner
from settings import get_settings

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/wristbands", tags=["wristbands"])

_WRISTBAND_TIERS = {"vip", "staff", "press"}
_http = httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0))


def _label_zpl(ticket: Ticket) -> str:
    name = "".join(ch for ch in ticket.holder_name if ch.isprintable())[:40]
    return (
        "^XA^CF0,40"
        f"^FO30,30^FD{name.replace('^', ' ').replace('~', ' ')}^FS"
        f"^FO30,90^FD{ticket.tier.upper()}^FS"
        f"^FO30,140^BQN,2,6^FDQA,{ticket.code}^FS"
        "^XZ"
    )


def _write_label(zpl: str, directory: Path) -> Path:
    path = directory / "label.zpl"
    path.write_text(zpl, encoding="ascii", errors="replace")
    return path


async def _print_label(path: Path, printer: str) -> None:
    proc = await asyncio.create_subprocess_exec(  # ok: CON001, SEC002
        "lp", "-d", printer, "-o", "raw", str(path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, stderr = await asyncio.wait_for(proc.communicate(), get_settings().badge_print_timeout_s)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        raise HTTPException(status.HTTP_504_GATEWAY_TIMEOUT, "label printer timed out")
    if proc.returncode != 0:
        logger.error("lp failed printer=%s rc=%s stderr=%s", printer, proc.returncode, stderr[:200])
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, "label printer rejected the job")


async def _notify_ops(ticket: Ticket, printer: str) -> None:
    try:
        await _http.post(
            "http://ops-notifier.checkin.svc.cluster.local/wristbands",
            json={"ticket_id": ticket.id, "tier": ticket.tier, "printer": printer},
        )
    except httpx.HTTPError:
        logger.warning("ops notification failed ticket=%s", ticket.id, exc_info=True)


@router.post("/{ticket_id}", status_code=status.HTTP_202_ACCEPTED)
async def print_wristband(
    ticket_id: int,
    scanner: Scanner = Depends(current_scanner),
    session: AsyncSession = Depends(get_session),
) -> dict:
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None or ticket.event_id != scanner.event_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "ticket not found")
    if ticket.tier not in _WRISTBAND_TIERS:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "tier does not get a wristband")
    gate = await session.get(Gate, scanner.gate_id)
    if gate is None or not gate.printer_name:
        raise HTTPException(status.HTTP_409_CONFLICT, "no label printer at this gate")

    with tempfile.TemporaryDirectory(prefix="wristband-") as tmp:
        path = await asyncio.to_thread(_write_label, _label_zpl(ticket), Path(tmp))  # ok: CON001
        await _print_label(path, gate.printer_name)

    await _notify_ops(ticket, gate.printer_name)
    logger.info("wristband printed ticket=%s gate=%s", ticket.id, gate.id)
    return {"ticket_id": ticket.id, "printer": gate.printer_name, "status": "sent"}
