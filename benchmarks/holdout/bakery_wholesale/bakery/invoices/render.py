"""Invoice PDFs: download for customers, e-mail and the accounts archive."""
import base64
import logging
import os
import subprocess

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    render_template_string,
    send_file,
    send_from_directory,
)
from flask_login import current_user, login_required

from bakery.app import celery_app, db
from bakery.models import Invoice
from bakery.tasks import send_email

invoices_bp = Blueprint("invoices", __name__, url_prefix="/invoices")
logger = logging.getLogger(__name__)


def _invoice_html(invoice: Invoice) -> str:
    body = render_template(  # ok: SEC016
        "invoice.html", invoice=invoice, order=invoice.order, customer=invoice.customer
    )
    footer = render_template_string(invoice.customer.invoice_footer or "")  # expect: SEC016
    return body.replace("<!--FOOTER-->", footer)


def _archive_path(invoice: Invoice) -> str:
    return os.path.join(current_app.config["INVOICE_ARCHIVE_DIR"], f"{invoice.number}.pdf")


def render_invoice_pdf(invoice: Invoice) -> str:
    html = _invoice_html(invoice)
    title = f"Invoice {invoice.number} - {invoice.customer.business_name}"
    command = f"wkhtmltopdf --quiet --page-size A4 --title '{title}' - -"
    result = subprocess.run(command, shell=True, input=html.encode("utf-8"), capture_output=True, check=True, timeout=60)  # expect: SEC002
    path = _archive_path(invoice)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:  # expect: SCL002
        fh.write(result.stdout)
    logger.info("invoice pdf rendered invoice=%s bytes=%d", invoice.number, len(result.stdout))
    return path


@invoices_bp.get("/<number>.pdf")
@login_required
def download_invoice(number: str):
    invoice = Invoice.query.filter_by(number=number).first_or_404()  # expect: SEC018
    path = _archive_path(invoice)
    if not os.path.exists(path):
        path = render_invoice_pdf(invoice)
    return send_file(path, mimetype="application/pdf", download_name=f"{invoice.number}.pdf")


@invoices_bp.get("/archive/<path:filename>")
@login_required
def archived_file(filename: str):
    if current_user.role != "admin":
        abort(403)
    return send_from_directory(current_app.config["INVOICE_ARCHIVE_DIR"], filename)  # ok: SEC015


@invoices_bp.post("/<int:invoice_id>/email")
@login_required
def email_invoice_now(invoice_id: int):
    if current_user.role != "admin":
        abort(403)
    email_invoice.delay(invoice_id)
    return {"status": "queued"}, 202


@celery_app.task
def email_invoice(invoice_id: int) -> None:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        logger.warning("email requested for missing invoice id=%s", invoice_id)
        return
    path = render_invoice_pdf(invoice)
    with open(path, "rb") as fh:
        pdf_bytes = fh.read()
    send_email.delay(
        invoice.customer.billing_email,
        f"Crumb & Co invoice {invoice.number}",
        "Please find your invoice attached. Payment is collected on the due date.",
        attachment_name=f"{invoice.number}.pdf",
        attachment_b64=base64.b64encode(pdf_bytes).decode("ascii"),
    )
