"""Printable receipts handed over (or e-mailed) when a garment is collected."""
import logging
import os
from datetime import datetime

from flask import Blueprint, jsonify, render_template_string, send_file
from flask_login import current_user, login_required

from tailor.models import Order, db

bp = Blueprint("receipts", __name__)
log = logging.getLogger(__name__)

RECEIPT_DIR = os.environ.get("RECEIPT_DIR", "/var/lib/stitchworks/receipts")

RECEIPT_BODY = """
<table class="lines">
  <tr><th>Item</th><th>Work</th><th class="num">Price</th></tr>
  <tr><td>{{ order.garment }}</td><td>{{ order.work_description }}</td>
      <td class="num">&pound;{{ '%.2f' % order.quoted_total }}</td></tr>
</table>
<table class="payments">
  {% for p in payments %}
  <tr><td>{{ p.kind|title }}</td><td>{{ p.created_at.strftime('%d %b %Y') }}</td>
      <td class="num">&pound;{{ '%.2f' % (p.amount_cents / 100) }}</td></tr>
  {% endfor %}
</table>
<p class="footer">Issued {{ issued.strftime('%d %b %Y %H:%M') }} by {{ staff }}. Thank you!</p>
"""


def _header(order):
    note = f'<p class="note">{order.notes}</p>' if order.notes else ""
    return (
        f"<html><head><title>Receipt {order.ticket_no}</title></head><body>"
        f"<h1>Stitchworks Alterations</h1><h2>Ticket {order.ticket_no} &middot; {order.customer_name}</h2>"
        f"{note}"
    )


@bp.post("/orders/<int:order_id>/receipt")
@login_required
def issue_receipt(order_id):
    order = db.get_or_404(Order, order_id)
    if order.status != "collected":
        return jsonify(error="receipts are issued on collection"), 409
    succeeded = [p for p in order.payments if p.status == "succeeded"]
    html = render_template_string(  # expect: SEC016
        _header(order) + RECEIPT_BODY + "</body></html>",
        order=order,
        payments=succeeded,
        issued=datetime.utcnow(),
        staff=current_user.username,
    )
    os.makedirs(RECEIPT_DIR, exist_ok=True)
    filename = f"{order.ticket_no}-{datetime.utcnow():%Y%m%d%H%M%S}.html"
    with open(os.path.join(RECEIPT_DIR, filename), "w", encoding="utf-8") as fh:  # expect: SCL002
        fh.write(html)
    log.info("receipt %s issued for order %s", filename, order.id)
    return jsonify(receipt=filename, url=f"/receipts/{filename}"), 201


@bp.get("/receipts/<path:filename>")
@login_required
def download_receipt(filename):
    return send_file(os.path.join(RECEIPT_DIR, filename), mimetype="text/html")  # expect: SEC015
