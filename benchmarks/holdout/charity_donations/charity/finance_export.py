import csv
import io
import logging
import os
from datetime import date

from flask import Blueprint, Response, g, jsonify, request, send_from_directory, stream_with_context, url_for
from sqlalchemy import select, text
from sqlalchemy.orm import joinedload

from .admin_auth import finance_required
from .models import Donation

logger = logging.getLogger(__name__)
bp = Blueprint("finance_export", __name__, url_prefix="/admin/finance")

EXPORT_DIR = os.environ.get("FINANCE_EXPORT_DIR", "/var/lib/charity/exports")
COLUMNS = ["donation_id", "created_at", "amount_pence", "refunded_pence", "gift_aid", "payment_intent", "campaign", "donor_email", "postcode"]


@bp.post("/exports")
@finance_required
def create_export():
    start = request.args.get("from", date.today().replace(day=1).isoformat())
    end = request.args.get("to", date.today().isoformat())
    status = request.args.get("status", "succeeded")
    sql = f"""
        SELECT d.id, d.created_at, d.amount_pence, d.refunded_pence, d.gift_aid,
               d.stripe_payment_intent, c.slug, dn.email, dn.postcode
        FROM donations d
        JOIN donors dn ON dn.id = d.donor_id
        LEFT JOIN campaigns c ON c.id = d.campaign_id
        WHERE d.created_at >= :start AND d.created_at < :end AND d.status = '{status}'
        ORDER BY d.created_at
    """
    rows = g.db.execute(text(sql), {"start": start, "end": end}).fetchall()  # expect: SEC001, RES003

    os.makedirs(EXPORT_DIR, exist_ok=True)
    filename = f"donations_{status}_{start}_{end}.csv"
    path = os.path.join(EXPORT_DIR, filename)  # expect: SEC015
    with open(path, "w", newline="", encoding="utf-8") as fh:  # expect: SCL002
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row[0], row[1].isoformat(), row[2], row[3], "Y" if row[4] else "N", row[5], row[6] or "", row[7], row[8]])
    logger.info("finance export %s written rows=%s", filename, len(rows))
    return jsonify({"data": {"rows": len(rows), "download": url_for("finance_export.download_export", name=filename)}}), 201


@bp.get("/exports/<name>")
@finance_required
def download_export(name):
    return send_from_directory(EXPORT_DIR, name, as_attachment=True, mimetype="text/csv")  # ok: SEC015


@bp.get("/gift-aid-claim.csv")
@finance_required
def gift_aid_claim():
    start = date.fromisoformat(request.args["from"])
    end = date.fromisoformat(request.args["to"])
    stmt = (
        select(Donation)
        .options(joinedload(Donation.donor))
        .where(Donation.gift_aid.is_(True), Donation.status == "succeeded")
        .where(Donation.created_at >= start, Donation.created_at < end)
        .order_by(Donation.id)
        .execution_options(yield_per=1000)  # ok: RES003
    )

    def generate():
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["title", "first_name", "last_name", "house", "postcode", "date", "amount"])
        for donation in g.db.scalars(stmt):
            donor = donation.donor
            writer.writerow(["", donor.first_name, donor.last_name, donor.address_line1[:40], donor.postcode, donation.created_at.strftime("%d/%m/%y"), f"{(donation.amount_pence - donation.refunded_pence) / 100:.2f}"])
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
        yield buf.getvalue()

    return Response(stream_with_context(generate()), mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=gift-aid-claim.csv"})
