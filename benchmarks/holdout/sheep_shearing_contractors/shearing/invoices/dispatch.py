"""Invoice emails (v2): claim one invoice, send it, record it, then the next.

Each invoice is claimed with FOR UPDATE SKIP LOCKED and marked sent in its own
short transaction right after the relay accepts it, so a failure part-way
leaves an exact record of what went out and two office users pressing the
button at once never email the same farm twice.
"""
import logging
import smtplib
import ssl
from email.utils import make_msgid

from flask import Blueprint, current_app, g, jsonify

from shearing.auth import admin_required
from shearing.db import get_cursor
from shearing.invoices.mailer import BATCH_LIMIT, _build_message

logger = logging.getLogger(__name__)
bp = Blueprint("invoices_v2", __name__, url_prefix="/v2/invoices")

SMTP_TIMEOUT_S = 20
MAX_ATTEMPTS = 5

CLAIM_SQL = """
    UPDATE invoices SET status = 'sending', attempts = attempts + 1
     WHERE id = (
           SELECT i.id FROM invoices i JOIN farms f ON f.id = i.farm_id
            WHERE f.contractor_id = %s AND i.status = 'ready' AND i.attempts < %s
            ORDER BY i.id
            FOR UPDATE OF i SKIP LOCKED
            LIMIT 1)
    RETURNING id, number, total_cents, due_date,
              (SELECT name FROM farms WHERE farms.id = invoices.farm_id) AS farm,
              (SELECT email FROM farms WHERE farms.id = invoices.farm_id) AS email
"""


def _claim_next(contractor_id: int) -> dict | None:
    with get_cursor() as cur:
        cur.execute(CLAIM_SQL, (contractor_id, MAX_ATTEMPTS))  # ok: DB005
        return cur.fetchone()


def _finish(invoice_id: int, sent: bool) -> None:
    with get_cursor() as cur:
        if sent:
            cur.execute("UPDATE invoices SET status = 'sent', sent_at = now() WHERE id = %s", (invoice_id,))
        else:
            cur.execute("UPDATE invoices SET status = 'ready' WHERE id = %s", (invoice_id,))


def dispatch_ready_invoices(contractor_id: int) -> dict:
    cfg = current_app.config
    sent, failed = 0, 0
    with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=SMTP_TIMEOUT_S) as smtp:  # ok: REL001, RES001
        smtp.starttls(context=ssl.create_default_context())
        smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
        for _ in range(BATCH_LIMIT):
            invoice = _claim_next(contractor_id)
            if invoice is None:
                break
            msg = _build_message(invoice)
            msg["Message-ID"] = make_msgid(idstring=f"invoice-{invoice['id']}", domain="tallyboard.example.nz")
            try:
                smtp.send_message(msg)  # ok: REL004
            except smtplib.SMTPRecipientsRefused:
                logger.warning("farm address refused for invoice %s", invoice["number"], exc_info=True)
                _finish(invoice["id"], sent=False)
                failed += 1
                continue
            except (smtplib.SMTPException, OSError):
                _finish(invoice["id"], sent=False)
                raise
            _finish(invoice["id"], sent=True)
            sent += 1
    return {"sent": sent, "failed": failed}


@bp.post("/send")
@admin_required
def send_invoices():
    contractor_id = g.user["contractor_id"]
    try:
        result = dispatch_ready_invoices(contractor_id)
    except (smtplib.SMTPException, OSError):
        logger.exception("invoice dispatch failed for contractor %s", contractor_id)
        return jsonify(error="The mail relay is unavailable; unsent invoices stay ready."), 503
    logger.info("contractor %s: %d invoices sent, %d refused", contractor_id, result["sent"], result["failed"])
    return jsonify(result)
