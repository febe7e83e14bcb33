"""Casting certificates for church records, issued by foundry staff."""

import logging
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from foundry.db import connection
from foundry.jobs.reminders import send_mail
from foundry.jobs.tasks import get_queue

bp = Blueprint("certificates", __name__, url_prefix="/admin/certificates")
logger = logging.getLogger(__name__)


def _staff_only() -> None:
    if not current_user.is_staff:
        abort(403, description="foundry staff only")


def _render_certificate(path: Path, bell: dict) -> None:
    width, height = landscape(A4)
    pdf = canvas.Canvas(str(path), pagesize=(width, height))
    pdf.setFont("Times-Bold", 28)
    pdf.drawCentredString(width / 2, height - 40 * mm, "Certificate of Casting")
    pdf.setFont("Times-Roman", 14)
    lines = [
        f"The bell {bell['bell_name']} ({bell['note']}, {bell['weight_kg']} kg)",
        f"was cast for {bell['parish']} on {bell['cast_on']:%d %B %Y}.",
        f"Inscription: {bell['inscription']}",
    ]
    for i, line in enumerate(lines):
        pdf.drawCentredString(width / 2, height - (70 + 12 * i) * mm, line)
    pdf.drawString(25 * mm, 25 * mm, f"Issued {date.today():%d %B %Y}")
    pdf.showPage()
    pdf.save()


@bp.get("/")
@login_required
def list_certificates():
    _staff_only()
    sort = request.args.get("sort", "cast_on")
    direction = "DESC" if request.args.get("desc") == "1" else "ASC"
    with connection() as conn:
        rows = conn.execute(
            f"SELECT id, bell_id, bell_name, parish, cast_on FROM casting_certificates ORDER BY {sort} {direction} LIMIT 100"  # expect: SEC001
        ).fetchall()
    return jsonify({"certificates": rows})


@bp.post("/<int:bell_id>")
@login_required
def issue_certificate(bell_id: int):
    _staff_only()
    with connection() as conn:
        bell = conn.execute(
            "SELECT b.id, b.name AS bell_name, b.note, b.weight_kg, b.inscription, b.cast_on, "
            "c.display_name AS parish, c.email FROM order_bells b JOIN orders o ON o.id = b.order_id "
            "JOIN customers c ON c.id = o.customer_id WHERE b.id = %s AND b.cast_on IS NOT NULL",
            (bell_id,),
        ).fetchone()
        if bell is None:
            abort(404, description="no cast bell with that id")
        conn.execute(
            "INSERT INTO casting_certificates (bell_id, bell_name, parish, cast_on) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (bell_id) DO NOTHING",
            (bell_id, bell["bell_name"], bell["parish"], bell["cast_on"]),
        )

    out_dir = Path(current_app.config["REPORT_DIR"]) / "certificates"
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf_path = out_dir / f"certificate-{bell_id}.pdf"
    _render_certificate(pdf_path, bell)  # expect: SCL002
    get_queue("mail").enqueue(email_certificate, bell["email"], str(pdf_path), bell["bell_name"])
    logger.info("certificate issued", extra={"bell_id": bell_id, "staff_id": current_user.id})
    return jsonify({"bell_id": bell_id, "status": "queued"}), 202


def email_certificate(to: str, pdf_path: str, bell_name: str) -> None:
    """RQ job: send the certificate PDF to the parish."""
    data = Path(pdf_path).read_bytes()
    send_mail(
        to,
        f"Casting certificate for {bell_name}",
        "Please find attached the casting certificate for your new bell.",
        attachment=(Path(pdf_path).name, data),
    )
