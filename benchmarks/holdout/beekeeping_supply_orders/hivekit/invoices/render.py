"""Invoice PDFs: rendering, plus the staff generate/reprint endpoints."""
import io
import logging
import os
from pathlib import Path

from flask import Blueprint, abort, g, jsonify, send_file
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen import canvas

from ..auth import login_required, staff_required
from ..db import pool

log = logging.getLogger(__name__)
invoices_bp = Blueprint("invoices", __name__)

INVOICE_DIR = Path(os.environ.get("HIVEKIT_INVOICE_DIR", "/srv/hivekit/invoices"))


def render_invoice_pdf(order: dict, lines: list[dict]) -> bytes:
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=LETTER)
    pdf.setTitle(f"Invoice INV-{order['id']:06d}")
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(72, 740, "HiveKit Supply Co.")
    pdf.setFont("Helvetica", 10)
    pdf.drawString(72, 722, f"Invoice INV-{order['id']:06d}    {order['placed_at']:%B %d, %Y}")
    y = 690
    for line in lines:
        pdf.drawString(72, y, f"{line['quantity']} x {line['name']}")
        pdf.drawRightString(540, y, f"${line['quantity'] * line['unit_price_cents'] / 100:,.2f}")
        y -= 16
        if y < 90:
            pdf.showPage()
            pdf.setFont("Helvetica", 10)
            y = 740
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawRightString(540, y - 12, f"Total ${order['total_cents'] / 100:,.2f}")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def load_invoice_data(order_id: int) -> tuple[dict, list[dict]] | None:
    with pool.connection() as conn:
        order = conn.execute(
            "SELECT id, customer_id, placed_at, total_cents FROM orders WHERE id = %s",
            (order_id,),
        ).fetchone()
        if order is None:
            return None
        lines = conn.execute(
            "SELECT k.name, l.quantity, l.unit_price_cents FROM order_lines l "
            "JOIN hive_kits k ON k.id = l.kit_id WHERE l.order_id = %s ORDER BY l.id",
            (order_id,),
        ).fetchall()
    return order, lines


@invoices_bp.post("/api/admin/orders/<int:order_id>/invoice")
@staff_required
def generate_invoice(order_id: int):
    data = load_invoice_data(order_id)
    if data is None:
        abort(404, description="No such order.")
    order, lines = data
    INVOICE_DIR.mkdir(parents=True, exist_ok=True)
    filename = f"INV-{order_id:06d}.pdf"
    (INVOICE_DIR / filename).write_bytes(render_invoice_pdf(order, lines))  # expect: SCL002
    with pool.connection() as conn:
        conn.execute("UPDATE orders SET invoice_file = %s WHERE id = %s", (filename, order_id))
    log.info("staff %s generated invoice %s", g.customer_id, filename)
    return jsonify(invoice=filename), 201


@invoices_bp.get("/api/invoices/<path:filename>")
@login_required
def download_invoice(filename: str):
    log.info("customer %s downloading invoice %s", g.customer_id, filename)
    return send_file(os.path.join(INVOICE_DIR, filename), mimetype="application/pdf")  # expect: SEC015, SEC018
