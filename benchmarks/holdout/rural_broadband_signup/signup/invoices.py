"""Invoice list and PDF download in the customer portal (rendered with wkhtmltopdf)."""
import logging
import os
import shutil
import subprocess
import tempfile

from flask import Blueprint, Response, abort, jsonify, render_template, request
from flask_login import current_user, login_required

from signup.db import connection, fetch_page

log = logging.getLogger(__name__)
bp = Blueprint("invoices", __name__, url_prefix="/invoices")

WKHTMLTOPDF = os.environ.get("WKHTMLTOPDF_BIN", "/usr/bin/wkhtmltopdf")


@bp.get("/")
@login_required
def list_invoices():
    page = max(request.args.get("page", 1, type=int), 1)
    rows = fetch_page(
        "SELECT id, period, amount_pence, status FROM invoices WHERE customer_id = %s ORDER BY period DESC",
        (current_user.id,),
        limit=24,
        offset=(page - 1) * 24,
    )
    return jsonify(page=page, invoices=rows)


@bp.get("/<int:invoice_id>.pdf")
@login_required
def invoice_pdf(invoice_id: int):
    with connection() as conn:
        invoice = conn.execute(
            "SELECT i.id, i.period, i.amount_pence, i.status, i.issued_at, c.name, c.account_number, "
            "p.address_line, p.postcode FROM invoices i "
            "JOIN customers c ON c.id = i.customer_id JOIN premises p ON p.uprn = c.uprn "
            "WHERE i.id = %s AND i.customer_id = %s",
            (invoice_id, current_user.id),
        ).fetchone()
        if invoice is None:
            abort(404)
        lines = conn.execute(
            "SELECT description, amount_pence FROM invoice_lines WHERE invoice_id = %s ORDER BY id", (invoice_id,)
        ).fetchall()

    html = render_template("invoice.html", invoice=invoice, lines=lines)
    workdir = tempfile.mkdtemp(prefix="invoice-")  # expect: RES001
    html_path = os.path.join(workdir, "invoice.html")
    pdf_path = os.path.join(workdir, f"{invoice['name']} {invoice['period']}.pdf")
    with open(html_path, "w", encoding="utf-8") as fh:
        fh.write(html)

    subprocess.run(  # expect: SEC002
        f"{WKHTMLTOPDF} --quiet --page-size A4 {html_path} '{pdf_path}'",
        shell=True,
        check=True,
        timeout=60,
    )
    pdf = open(pdf_path, "rb").read()  # expect: RES001
    shutil.rmtree(workdir, ignore_errors=True)

    log.info("invoice %s PDF rendered for customer %s (%d bytes)", invoice_id, current_user.id, len(pdf))
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="wildmoor-{invoice["period"]}.pdf"'},
    )
