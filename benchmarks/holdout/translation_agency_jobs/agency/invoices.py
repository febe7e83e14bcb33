"""Client invoices for delivered jobs (finance back office, v1)."""
from __future__ import annotations

import logging
import os
from datetime import date
from decimal import Decimal

from flask import Blueprint, Response, g, jsonify
from jinja2 import Environment, FileSystemLoader

from . import db
from .web import json_error, login_required

bp = Blueprint("invoices", __name__, url_prefix="/api/invoices")
log = logging.getLogger(__name__)

TEMPLATE_DIR = os.path.join(os.path.dirname(__file__), "..", "templates")
VAT_RATE = Decimal("0.21")
templates = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=False)  # expect: SEC016


def next_invoice_number(conn, year: int) -> int:
    row = conn.execute(
        "SELECT coalesce(max(number), 0) + 1 AS next FROM invoices WHERE year = %s", (year,)
    ).fetchone()
    return row["next"]


@bp.post("/clients/<int:client_id>")
@login_required("finance")
def issue_invoice(client_id: int):
    year = date.today().year
    with db.transaction() as conn:
        client = conn.execute(
            "SELECT id, company_name, billing_address, vat_number, invoice_note FROM clients WHERE id = %s",
            (client_id,),
        ).fetchone()
        if client is None:
            return json_error(404, "client not found")
        jobs = conn.execute(
            "SELECT id, quote_id, delivered_at FROM jobs "
            "WHERE client_id = %s AND status = 'delivered' AND invoice_id IS NULL ORDER BY delivered_at",
            (client_id,),
        ).fetchall()
        if not jobs:
            return json_error(409, "nothing to invoice")
        lines = []
        for job in jobs:
            quote = conn.execute(  # expect: DB001
                "SELECT word_count, rate_eur, amount_eur FROM quotes WHERE id = %s", (job["quote_id"],)
            ).fetchone()
            lines.append({"job_id": job["id"], "delivered": job["delivered_at"].date(), **quote})
        net = sum(Decimal(line["amount_eur"]) for line in lines)
        number = next_invoice_number(conn, year)
        invoice = conn.execute(  # expect: DB005
            "INSERT INTO invoices (client_id, year, number, net_eur, vat_eur, issued_by) "
            "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            (client_id, year, number, net, (net * VAT_RATE).quantize(Decimal("0.01")), g.user_id),
        ).fetchone()
        html = templates.get_template("invoice.html").render(
            client=client, lines=lines, number=f"{year}-{number:05d}", net=net, vat_rate=VAT_RATE
        )
        conn.execute(
            "UPDATE jobs SET invoice_id = %s WHERE id = ANY(%s)", (invoice["id"], [j["id"] for j in jobs])
        )
        conn.execute("UPDATE invoices SET html = %s WHERE id = %s", (html, invoice["id"]))
    log.info("invoice %s-%05d issued to client=%s by user=%s", year, number, client_id, g.user_id)
    return jsonify({"invoice_id": invoice["id"], "number": f"{year}-{number:05d}", "net_eur": str(net)}), 201


@bp.get("/<int:invoice_id>.html")
@login_required("client", "finance")
def invoice_html(invoice_id: int):
    if g.role == "client":
        row = db.fetch_one("SELECT html FROM invoices WHERE id = %s AND client_id = %s", (invoice_id, g.client_id))
    else:
        row = db.fetch_one("SELECT html FROM invoices WHERE id = %s", (invoice_id,))
    if row is None:
        return json_error(404, "invoice not found")
    return Response(row["html"], mimetype="text/html")
