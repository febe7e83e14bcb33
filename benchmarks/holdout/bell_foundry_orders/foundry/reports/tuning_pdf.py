"""Tuning-report PDFs: the partials measured on the tuning machine, rendered with reportlab."""

import io
import logging
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from rq import get_current_job

from foundry.db import worker_connection
from foundry.logging_setup import bind_job_id

logger = logging.getLogger(__name__)

PARTIALS = ("hum", "prime", "tierce", "quint", "nominal")
CENTS_TOLERANCE = 4


def render_tuning_report(bell: dict, measurements: dict[str, dict]) -> bytes:
    """Build the report in memory and return the PDF bytes."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            title=f"Tuning report {bell['reference']}")
    styles = getSampleStyleSheet()
    story = [
        Paragraph(escape(f"Tuning report: {bell['note']} bell for {bell['customer_name']}"), styles["Title"]),
        Paragraph(escape(f"Inscription: {bell['inscription']}"), styles["Normal"]),
        Spacer(1, 6 * mm),
    ]
    rows = [["Partial", "Target (Hz)", "Measured (Hz)", "Deviation (cents)", ""]]
    for partial in PARTIALS:
        m = measurements.get(partial)
        if m is None:
            continue
        flag = "ok" if abs(m["cents"]) <= CENTS_TOLERANCE else "retune"
        rows.append([partial, f"{m['target_hz']:.2f}", f"{m['measured_hz']:.2f}", f"{m['cents']:+.1f}", flag])
    table = Table(rows, colWidths=[30 * mm, 30 * mm, 34 * mm, 36 * mm, 20 * mm])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e2d0")),
        ("ALIGN", (1, 1), (-2, -1), "RIGHT"),
    ]))
    story.append(table)
    doc.build(story)
    return buf.getvalue()


def generate_for_bell(bell_id: int) -> int:
    """RQ job: render the report for a tuned bell and store it with the order."""
    job = get_current_job()
    bind_job_id(job.id if job else "adhoc")
    with worker_connection() as conn:
        bell = conn.execute(
            "SELECT b.id, b.note, b.inscription, o.id AS order_id, o.reference, c.display_name AS customer_name "
            "FROM order_bells b JOIN orders o ON o.id = b.order_id JOIN customers c ON c.id = o.customer_id "
            "WHERE b.id = %s",
            (bell_id,),
        ).fetchone()
        rows = conn.execute(
            "SELECT partial, target_hz, measured_hz, cents FROM tuning_measurements WHERE bell_id = %s",
            (bell_id,),
        ).fetchall()
    pdf = render_tuning_report(bell, {r["partial"]: r for r in rows})
    with worker_connection() as conn:
        report = conn.execute(
            "INSERT INTO tuning_reports (order_id, bell_id, pdf_bytes) VALUES (%s, %s, %s) "
            "ON CONFLICT (bell_id) DO UPDATE SET pdf_bytes = EXCLUDED.pdf_bytes, generated_at = now() "
            "RETURNING id",  # ok: SCL002
            (bell["order_id"], bell_id, pdf),
        ).fetchone()
    logger.info("tuning report stored", extra={"bell_id": bell_id, "bytes": len(pdf)})
    return report["id"]
