"""Emails farm invoices after a shearing visit is closed off."""
import logging
import smtplib
import ssl
from email.message import EmailMessage

from flask import Blueprint, current_app, g, jsonify, render_template

from shearing.auth import admin_required
from shearing.db import get_conn

logger = logging.getLogger(__name__)
bp = Blueprint("invoices", __name__, url_prefix="/invoices")

BATCH_LIMIT = 200


def _build_message(invoice: dict) -> EmailMessage:
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg["INVOICE_FROM"]
    msg["To"] = invoice["email"]
    msg["Subject"] = f"Invoice {invoice['number']} - shearing at {invoice['farm']}"
    msg.set_content(render_template("invoices/email.txt", invoice=invoice))
    msg.add_alternative(render_template("invoices/email.html", invoice=invoice), subtype="html")
    return msg


def send_outstanding_invoices(contractor_id: int) -> int:
    cfg = current_app.config
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            """SELECT i.id, i.number, i.total_cents, i.due_date, f.name AS farm, f.email
                 FROM invoices i JOIN farms f ON f.id = i.farm_id
                WHERE f.contractor_id = %s AND i.status = 'ready' AND i.sent_at IS NULL
                ORDER BY i.id
                LIMIT %s""",
            (contractor_id, BATCH_LIMIT),
        )
        columns = [c.name for c in cur.description]
        invoices = [dict(zip(columns, row)) for row in cur.fetchall()]
        if not invoices:
            return 0

        smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"])  # expect: REL001, RES001
        smtp.starttls(context=ssl.create_default_context())
        smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
        for invoice in invoices:
            smtp.send_message(_build_message(invoice))  # expect: REL004
            logger.info("invoice %s emailed to farm %s", invoice["number"], invoice["farm"])
        smtp.quit()

        cur.execute(
            "UPDATE invoices SET sent_at = now(), status = 'sent' WHERE id = ANY(%s)",
            ([inv["id"] for inv in invoices],),
        )
    return len(invoices)


@bp.post("/send")
@admin_required
def send_invoices():
    """'Send all ready invoices' button on the office dashboard."""
    contractor_id = g.user["contractor_id"]
    try:
        sent = send_outstanding_invoices(contractor_id)
    except (smtplib.SMTPException, OSError):
        logger.exception("invoice run failed for contractor %s", contractor_id)
        return jsonify(status="queued", sent=0), 202  # expect: ERR002
    return jsonify(status="sent", sent=sent)
