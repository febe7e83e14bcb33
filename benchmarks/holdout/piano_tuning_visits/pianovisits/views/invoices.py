"""Invoice PDFs: rendering by the office, download and signed copies by customers."""

import logging

import boto3
from flask import Blueprint, abort, current_app, jsonify, redirect, request, session
from werkzeug.utils import secure_filename

from ..auth import admin_required, customer_required
from ..db import connection
from ..services.invoice_pdf import presigned_invoice_url, render_and_upload

log = logging.getLogger(__name__)
bp = Blueprint("invoices", __name__, url_prefix="/invoices")

_s3 = boto3.client("s3")


def _invoice_with_lines(conn, invoice_id: int) -> tuple[dict, list[dict]]:
    invoice = conn.execute(
        "SELECT i.id, i.number, i.customer_id, c.full_name AS customer_name,"
        " c.address AS customer_address, v.access_notes AS customer_notes,"
        " p.make AS piano_make, p.model AS piano_model"
        " FROM invoices i JOIN visits v ON v.id = i.visit_id"
        " JOIN customers c ON c.id = i.customer_id JOIN pianos p ON p.id = v.piano_id"
        " WHERE i.id = %s",
        (invoice_id,),
    ).fetchone()
    if invoice is None:
        abort(404)
    lines = conn.execute(
        "SELECT description, qty, amount_cents FROM invoice_lines WHERE invoice_id = %s ORDER BY id",
        (invoice_id,),
    ).fetchall()
    return invoice, lines


@bp.post("/<int:invoice_id>/render")
@admin_required
def render(invoice_id: int):
    with connection() as conn:
        invoice, lines = _invoice_with_lines(conn, invoice_id)
    key = render_and_upload(invoice, lines)
    with connection() as conn:
        conn.execute(
            "UPDATE invoices SET pdf_key = %s, status = 'issued', issued_at = now() WHERE id = %s",
            (key, invoice_id),
        )
    print("rendered invoice", invoice_id, key)  # expect: OBS001
    return jsonify(id=invoice_id, pdf_key=key)


@bp.get("/<int:invoice_id>/pdf")
@customer_required
def download(invoice_id: int):
    with connection() as conn:
        row = conn.execute(
            "SELECT pdf_key FROM invoices WHERE id = %s AND customer_id = %s AND pdf_key IS NOT NULL",
            (invoice_id, session["account_id"]),
        ).fetchone()
    if row is None:
        abort(404)
    return redirect(presigned_invoice_url(row["pdf_key"]), code=302)


@bp.post("/<int:invoice_id>/signed-copy")
@customer_required
def upload_signed_copy(invoice_id: int):
    """Customers who pay by bank transfer upload the countersigned invoice."""
    with connection() as conn:
        row = conn.execute(
            "SELECT id FROM invoices WHERE id = %s AND customer_id = %s",
            (invoice_id, session["account_id"]),
        ).fetchone()
    if row is None:
        abort(404)

    upload = request.files.get("scan")
    if upload is None or not upload.filename:
        abort(400, description="scan file is required")
    data = upload.read()  # expect: SEC019
    key = f"signed/{invoice_id}/{secure_filename(upload.filename)}"
    _s3.put_object(
        Bucket=current_app.config["SIGNED_COPY_BUCKET"],
        Key=key,
        Body=data,
        ContentType=upload.mimetype,
        ServerSideEncryption="AES256",
    )
    with connection() as conn:
        conn.execute(
            "UPDATE invoices SET signed_copy_key = %s WHERE id = %s", (key, invoice_id)
        )
    log.info("signed copy for invoice %s stored (%d bytes)", invoice_id, len(data))
    return jsonify(id=invoice_id, signed_copy_key=key), 201
