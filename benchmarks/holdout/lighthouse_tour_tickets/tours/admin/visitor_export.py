"""Admin CSV export of visitors for a date range.

Used by the harbour master (head counts on the causeway) and for the annual
visitor survey mailing.
"""
import csv
import io
import logging
import os
from datetime import date, timedelta

from flask import Blueprint, current_app, jsonify, request, send_from_directory, url_for
from flask_login import current_user, login_required

from ..auth import staff_required
from ..models import Booking, TourSlot, Visitor

log = logging.getLogger(__name__)
bp = Blueprint("visitor_export", __name__, url_prefix="/admin/exports")

HEADER = ["booking", "tour", "starts_at", "name", "email", "phone", "accessibility"]


def _visitor_rows(booking: Booking) -> list[list[str]]:
    visitors = Visitor.query.filter_by(booking_id=booking.id).order_by(Visitor.id).all()
    return [
        [
            booking.reference,
            booking.slot.tour_code,
            booking.slot.starts_at.isoformat(),
            visitor.full_name,
            visitor.email or "",
            visitor.phone or "",
            visitor.accessibility_notes or "",
        ]
        for visitor in visitors
    ]


@bp.get("/visitors")
@login_required
@staff_required
def export_visitors():
    try:
        start = date.fromisoformat(request.args["from"])
        end = date.fromisoformat(request.args["to"])
    except (KeyError, ValueError):
        return jsonify(error="from and to are required (YYYY-MM-DD)"), 400
    search = (request.args.get("q") or "").strip()

    query = Booking.query.join(TourSlot).filter(
        TourSlot.starts_at >= start,
        TourSlot.starts_at < end + timedelta(days=1),
        Booking.status == "paid",
    )
    if search:
        query = query.join(Visitor).filter(Visitor.email.ilike(f"%{search}%"))  # expect: DB006
    bookings = query.order_by(TourSlot.starts_at, Booking.id).all()  # expect: DB002, RES003

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    for booking in bookings:  # expect: DB001
        writer.writerows(_visitor_rows(booking))

    filename = f"visitors-{start:%Y%m%d}-{end:%Y%m%d}-{current_user.id}.csv"
    os.makedirs(current_app.config["EXPORT_DIR"], exist_ok=True)
    with open(os.path.join(current_app.config["EXPORT_DIR"], filename), "w", newline="") as fh:  # expect: SCL002
        fh.write(buf.getvalue())

    log.info("visitor export %s written by staff %s (%d bookings)", filename,
             current_user.id, len(bookings))
    return jsonify(download_url=url_for("visitor_export.fetch_export", filename=filename))


@bp.get("/files/<path:filename>")
@login_required
@staff_required
def fetch_export(filename: str):
    return send_from_directory(current_app.config["EXPORT_DIR"], filename,
                               mimetype="text/csv", as_attachment=True)
