"""Daily passenger manifests (weight sheet) for the dock office."""
import csv
import logging
import os
from datetime import date, datetime, time, timedelta, timezone

from flask import Blueprint, current_app, jsonify, request, send_file

from .auth import role_required
from .models import Booking, Flight

log = logging.getLogger(__name__)
bp = Blueprint("manifests", __name__, url_prefix="/ops/manifests")

HEADER = ["flight", "tail", "departs_utc", "booking", "line", "name", "weight_kg"]


def passenger_rows(flight):
    """Manifest lines for one flight: each passenger, then the party's baggage."""
    bookings = (Booking.query
                .filter_by(flight_id=flight.id, status="confirmed")
                .order_by(Booking.id)
                .all())
    departs = flight.departs_at.strftime("%H:%M")
    rows = []
    for booking in bookings:
        for n, passenger in enumerate(booking.passengers, start=1):
            rows.append([flight.code, flight.tail_number, departs, booking.id, n,
                         passenger["name"], passenger["weight_kg"]])
        rows.append([flight.code, flight.tail_number, departs, booking.id, "bag",
                     "baggage", booking.baggage_kg])
    return rows


@bp.post("/<day>")
@role_required("ops")
def build_manifest(day):
    try:
        day = date.fromisoformat(day)
    except ValueError:
        return jsonify(error="day must be YYYY-MM-DD"), 400
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    flights = (Flight.query
               .filter(Flight.departs_at >= start,
                       Flight.departs_at < start + timedelta(days=1),
                       Flight.status == "scheduled")
               .order_by(Flight.departs_at)
               .all())

    filename = f"manifest-{day.isoformat()}.csv"
    path = os.path.join(current_app.config["MANIFEST_DIR"], filename)
    with open(path, "w", newline="") as fh:  # expect: SCL002
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for flight in flights:
            writer.writerows(passenger_rows(flight))  # expect: DB001
    log.info("manifest %s built with %s flights", filename, len(flights))
    return jsonify(file=filename, flights=len(flights)), 201


@bp.get("/download")
@role_required("ops")
def download_manifest():
    name = request.args.get("name", "")
    if not name.endswith(".csv"):
        return jsonify(error="name must be a manifest .csv file"), 400
    path = os.path.join(current_app.config["MANIFEST_DIR"], name)
    if not os.path.exists(path):
        return jsonify(error="manifest not built yet"), 404
    return send_file(path, mimetype="text/csv", as_attachment=True)  # expect: SEC015


@bp.get("/<day>/totals")
@role_required("ops")
def manifest_totals(day):
    try:
        day = date.fromisoformat(day)
    except ValueError:
        return jsonify(error="day must be YYYY-MM-DD"), 400
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    flights = (Flight.query
               .filter(Flight.departs_at >= start, Flight.departs_at < start + timedelta(days=1))
               .order_by(Flight.departs_at)
               .all())
    return jsonify(day=day.isoformat(), flights=[
        {"flight": f.code, "seats": f"{f.seats_booked}/{f.seats_total}",
         "payload_kg": f"{f.booked_payload_kg}/{f.max_payload_kg}", "status": f.status}
        for f in flights
    ])
