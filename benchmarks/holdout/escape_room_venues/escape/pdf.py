"""Waiver PDFs rendered by wkhtmltopdf, stored in Postgres, mailed through the outbox."""
import logging
import subprocess
import tempfile
from pathlib import Path

from flask import Blueprint, Response, current_app, g, jsonify, render_template

from escape.auth import staff_required
from escape.db import get_cursor

logger = logging.getLogger("escape.pdf")
bp = Blueprint("waiver_pdf", __name__, url_prefix="/manage")


class PdfRenderError(Exception):
    pass


def render_pdf(html: str) -> bytes:
    """Render HTML to PDF in a private temp dir that is removed before returning."""
    cfg = current_app.config
    with tempfile.TemporaryDirectory(prefix="waiver-") as tmp:  # ok: SCL002
        src = Path(tmp) / "waiver.html"
        out = Path(tmp) / "waiver.pdf"
        src.write_text(html, encoding="utf-8")
        try:
            subprocess.run(  # ok: SEC002
                [cfg["WKHTMLTOPDF"], "--quiet", "--disable-local-file-access", str(src), str(out)],
                check=True,
                capture_output=True,
                timeout=cfg["PDF_TIMEOUT_SECONDS"],
            )
        except subprocess.CalledProcessError as exc:
            logger.error("wkhtmltopdf failed: %s", exc.stderr.decode(errors="replace")[:500])
            raise PdfRenderError("could not render waiver") from exc
        except subprocess.TimeoutExpired as exc:
            raise PdfRenderError("waiver rendering timed out") from exc
        return out.read_bytes()


def store_signed_waiver(cur, booking_id: int, player: str, email: str, signed_at) -> int:
    """Insert the waiver and its e-mail in the caller's transaction."""
    html = render_template("waiver.html", player=player, booking_id=booking_id, signed_at=signed_at)
    pdf = render_pdf(html)
    cur.execute(
        "INSERT INTO waivers (booking_id, player_name, player_email, signed_at, pdf) "
        "VALUES (%s, %s, %s, %s, %s) RETURNING id",
        (booking_id, player, email, signed_at, pdf),
    )
    waiver_id = cur.fetchone()["id"]
    if email:
        cur.execute(  # ok: REL005, REL004
            "INSERT INTO outbox (topic, payload) VALUES ('waiver.signed', json_build_object('waiver_id', %s, 'to', %s))",
            (waiver_id, email),
        )
    return waiver_id


@bp.get("/waivers/<int:waiver_id>.pdf")
@staff_required("gm")
def download_waiver(waiver_id: int):
    with get_cursor() as cur:
        cur.execute(  # ok: SEC018, SEC015
            "SELECT w.pdf, w.player_name FROM waivers w JOIN bookings b ON b.id = w.booking_id "
            "JOIN slots s ON s.id = b.slot_id JOIN rooms r ON r.id = s.room_id "
            "WHERE w.id = %s AND r.venue_id = %s",
            (waiver_id, int(g.staff["venue"])),
        )
        row = cur.fetchone()
    if row is None:
        return jsonify(error="Not Found", detail="No such waiver."), 404
    return Response(
        bytes(row["pdf"]),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="waiver-{waiver_id}.pdf"'},
    )
