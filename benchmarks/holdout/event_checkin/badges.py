"""Badge printing for checked-in attendees at the registration desk."""
from __future__ import annotations

import logging
import subprocess
import tempfile
from pathlib import Path

import requests
from fastapi import APIRouter, Depends, HTTPException, status
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession
from weasyprint import HTML

from models import Gate, Ticket, get_session
from security import Scanner, current_scanner
from settings import get_settings

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/badges", tags=["badges"])

_templates = Environment(
    loader=FileSystemLoader(get_settings().badge_template_dir),
    autoescape=select_autoescape(["html"]),
)


def _fetch_photo(url: str | None) -> bytes | None:
    if not url:
        return None
    resp = requests.get(url)  # expect: REL001
    if resp.status_code != 200:
        logger.warning("photo fetch failed status=%s", resp.status_code)
        return None
    return resp.content


def _render_badge(ticket: Ticket, photo: bytes | None, out_dir: Path) -> Path:
    html = _templates.get_template("badge.html").render(
        name=ticket.holder_name,
        company=ticket.company or "",
        tier=ticket.tier,
        has_photo=photo is not None,
    )
    if photo is not None:
        (out_dir / "photo.jpg").write_bytes(photo)
    pdf_path = out_dir / "badge.pdf"
    HTML(string=html, base_url=str(out_dir)).write_pdf(str(pdf_path))
    return pdf_path


def _send_to_printer(pdf_path: Path, printer: str, title: str) -> None:
    cmd = f"lp -d {printer} -t '{title}' -o media=Custom.4x3in {pdf_path}"
    subprocess.run(cmd, shell=True, check=True, timeout=get_settings().badge_print_timeout_s)  # expect: SEC002


@router.post("/{ticket_id}/print", status_code=status.HTTP_202_ACCEPTED)
async def print_badge(
    ticket_id: int,
    scanner: Scanner = Depends(current_scanner),
    session: AsyncSession = Depends(get_session),
) -> dict:
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None or ticket.event_id != scanner.event_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "ticket not found")
    gate = await session.get(Gate, scanner.gate_id)
    printer = (gate.printer_name if gate else None) or get_settings().badge_printer_queue

    photo = _fetch_photo(ticket.photo_url)  # expect: CON001
    with tempfile.TemporaryDirectory(prefix="badge-") as tmp:
        pdf_path = _render_badge(ticket, photo, Path(tmp))  # expect: CON001
        try:
            _send_to_printer(pdf_path, printer, ticket.holder_name)  # expect: CON001
        except subprocess.CalledProcessError as exc:
            logger.exception("badge print failed ticket=%s printer=%s", ticket.id, printer)
            raise HTTPException(status.HTTP_502_BAD_GATEWAY, "printer rejected the job") from exc

    logger.info("badge printed ticket=%s printer=%s operator=%s", ticket.id, printer, scanner.operator)
    return {"ticket_id": ticket.id, "printer": printer, "status": "sent"}
