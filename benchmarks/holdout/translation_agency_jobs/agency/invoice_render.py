"""Invoices v2: sequence-backed numbers, autoescaped HTML, PDF through LibreOffice."""
from __future__ import annotations

import io
import logging
import os
import subprocess
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from flask import Blueprint, g, jsonify, send_file
from jinja2 import Environment, FileSystemLoader, select_autoescape

from . import db
from .web import json_error, login_required

bp = Blueprint("invoice_render", __name__, url_prefix="/api/v2/invoices")
log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
VAT_RATE = Decimal("0.21")
templates = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(["html", "xml"]),  # ok: SEC016
)


@bp.post("/clients/<int:client_id>")
@login_required("finance")
def issue(client_id: int):
    with db.transaction() as conn:
        client = conn.execute(
            "SELECT id, company_name, billing_address, vat_number, invoice_note FROM clients WHERE id = %s",
            (client_id,),
        ).fetchone()
        if client is None:
            return json_error(404, "client not found")
        lines = conn.execute(
            "SELECT j.id AS job_id, j.delivered_at::date AS delivered, q.word_count, q.rate_eur, q.amount_eur "
            "FROM jobs j JOIN quotes q ON q.id = j.quote_id "
            "WHERE j.client_id = %s AND j.status = 'delivered' AND j.invoice_id IS NULL "
            "ORDER BY j.delivered_at FOR UPDATE OF j",  # ok: DB001
            (client_id,),
        ).fetchall()
        if not lines:
            return json_error(409, "nothing to invoice")
        net = sum(Decimal(line["amount_eur"]) for line in lines)
        invoice = conn.execute(
            "INSERT INTO invoices (client_id, year, number, net_eur, vat_eur, issued_by) "
            "VALUES (%s, %s, nextval('invoice_number_seq'), %s, %s, %s) RETURNING id, year, number",  # ok: DB005
            (client_id, date.today().year, net, (net * VAT_RATE).quantize(Decimal("0.01")), g.user_id),
        ).fetchone()
        label = f"{invoice['year']}-{invoice['number']:05d}"
        html = templates.get_template("invoice.html").render(
            client=client, lines=lines, number=label, net=net, vat_rate=VAT_RATE
        )
        conn.execute("UPDATE jobs SET invoice_id = %s WHERE id = ANY(%s)", (invoice["id"], [l["job_id"] for l in lines]))
        conn.execute("UPDATE invoices SET html = %s WHERE id = %s", (html, invoice["id"]))
    log.info("invoice %s issued to client=%s by user=%s", label, client_id, g.user_id)
    return jsonify({"invoice_id": invoice["id"], "number": label, "net_eur": str(net)}), 201


@bp.get("/<int:invoice_id>.pdf")
@login_required("client", "finance")
def invoice_pdf(invoice_id: int):
    if g.role == "client":
        row = db.fetch_one("SELECT html, year, number FROM invoices WHERE id = %s AND client_id = %s", (invoice_id, g.client_id))
    else:
        row = db.fetch_one("SELECT html, year, number FROM invoices WHERE id = %s", (invoice_id,))
    if row is None or not row["html"]:
        return json_error(404, "invoice not found")
    with tempfile.TemporaryDirectory(prefix="invoice-") as workdir:
        src = Path(workdir) / "invoice.html"
        src.write_text(row["html"], encoding="utf-8")  # ok: SCL002
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", workdir, str(src)],  # ok: SEC002
            check=True,
            capture_output=True,
            timeout=60,
            env={**os.environ, "HOME": workdir},
        )
        pdf = io.BytesIO((Path(workdir) / "invoice.pdf").read_bytes())
    return send_file(pdf, mimetype="application/pdf", as_attachment=True,
                     download_name=f"invoice-{row['year']}-{row['number']:05d}.pdf")
