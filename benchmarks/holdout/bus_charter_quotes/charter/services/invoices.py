"""Invoice issuing for accepted charters: number, PDF, copy to S3, staff download."""
import logging
import os
from datetime import date

import boto3
from botocore.config import Config as BotoConfig
from flask import Blueprint, abort, current_app, g, jsonify, send_file
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from charter.auth import staff_required
from charter.db import db

logger = logging.getLogger(__name__)
bp = Blueprint("invoices", __name__, url_prefix="/invoices")

_s3 = boto3.client(
    "s3",
    region_name=os.environ.get("AWS_REGION", "ca-central-1"),
    config=BotoConfig(connect_timeout=5, read_timeout=30, retries={"max_attempts": 4, "mode": "standard"}),
)


def _render_pdf(path: str, number: str, quote: dict) -> None:
    c = canvas.Canvas(path, pagesize=letter)
    c.setFont("Helvetica-Bold", 16)
    c.drawString(72, 720, f"Maple Coach Lines - Invoice {number}")
    c.setFont("Helvetica", 11)
    c.drawString(72, 690, f"Bill to: {quote['contact_email']}")
    c.drawString(72, 672, f"Trip date: {quote['trip_date']:%B %d, %Y}   Coaches: {quote['coaches']}")
    c.drawString(72, 654, f"Quote: Q-{quote['id']}")
    total = quote["total_cents"] / 100
    deposit = quote["deposit_cents"] / 100
    c.drawString(72, 620, f"Charter total:   ${total:,.2f}")
    c.drawString(72, 602, f"Deposit paid:    ${deposit:,.2f}")
    c.drawString(72, 584, f"Balance due:     ${total - deposit:,.2f}  (net 30)")
    c.showPage()
    c.save()  # expect: SCL002


@bp.post("/quotes/<int:quote_id>")
@staff_required
def issue_invoice(quote_id: int):
    cfg = current_app.config
    year = date.today().year
    with db.connection() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT q.id, q.contact_email, q.trip_date, q.coaches, q.total_cents,"
            "       q.total_cents * %s / 100 AS deposit_cents"
            "  FROM quotes q WHERE q.id = %s AND q.status = 'accepted'",
            (cfg["DEPOSIT_PERCENT"], quote_id),
        )
        quote = cur.fetchone()
        if quote is None:
            abort(404, "no accepted quote with that id")

        cur.execute("SELECT COALESCE(MAX(seq), 0) + 1 AS next_seq FROM invoices WHERE year = %s", (year,))  # expect: DB005
        seq = cur.fetchone()["next_seq"]
        number = f"MC-{year}-{seq:05d}"
        cur.execute(
            "INSERT INTO invoices (quote_id, year, seq, number, issued_by) VALUES (%s, %s, %s, %s, %s)"
            " RETURNING id",
            (quote_id, year, seq, number, g.staff["id"]),
        )
        invoice_id = cur.fetchone()["id"]

        os.makedirs(cfg["INVOICE_DIR"], exist_ok=True)
        path = os.path.join(cfg["INVOICE_DIR"], f"{number}.pdf")
        _render_pdf(path, number, quote)
        pdf = open(path, "rb")  # expect: RES001
        _s3.put_object(
            Bucket=cfg["INVOICE_BUCKET"],
            Key=f"invoices/{year}/{number}.pdf",
            Body=pdf,
            ContentType="application/pdf",
            ServerSideEncryption="AES256",
        )
    logger.info("invoice %s issued for quote Q-%s", number, quote_id)
    return jsonify(invoice_id=invoice_id, number=number), 201


@bp.get("/<int:invoice_id>/pdf")
@staff_required
def download(invoice_id: int):
    with db.cursor() as cur:
        cur.execute("SELECT number FROM invoices WHERE id = %s", (invoice_id,))
        row = cur.fetchone()
    if row is None:
        abort(404)
    path = os.path.join(current_app.config["INVOICE_DIR"], f"{row['number']}.pdf")  # ok: SEC015
    return send_file(path, mimetype="application/pdf", download_name=f"{row['number']}.pdf")
