"""Port-side manifests, the vehicle lookup used at check-in, and the season summary."""
import csv
import io
from datetime import date

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import extract, select

from ferry import api_error, db
from ferry.auth import staff_required
from ferry.models import Booking, Sailing, Vehicle

bp = Blueprint("manifest", __name__, url_prefix="/api/ops")

MANIFEST_STATUSES = ("confirmed", "boarded")
CSV_FIELDS = ("reference", "lead_passenger", "passengers", "status", "registration", "length_m")


def _vehicle_summary(booking):
    vehicle = db.session.scalar(select(Vehicle).where(Vehicle.booking_id == booking.id))
    if vehicle is None:
        return None
    return {
        "registration": vehicle.registration,
        "kind": vehicle.kind,
        "length_m": float(vehicle.length_m),
        "height_m": float(vehicle.height_m),
    }


def _manifest_rows(sailing_id):
    bookings = db.session.scalars(
        select(Booking)
        .where(Booking.sailing_id == sailing_id, Booking.status.in_(MANIFEST_STATUSES))
        .order_by(Booking.id)
    ).all()
    rows = []
    for booking in bookings:  # expect: DB001
        rows.append({
            "reference": booking.reference,
            "lead_passenger": booking.user.full_name,
            "passengers": booking.passengers,
            "status": booking.status,
            "vehicle": _vehicle_summary(booking),
        })
    return rows


@bp.get("/sailings/<int:sailing_id>/manifest")
@staff_required
def manifest(sailing_id):
    sailing = db.get_or_404(Sailing, sailing_id)
    rows = _manifest_rows(sailing.id)
    return jsonify(
        sailing={"id": sailing.id, "departs_at": sailing.departs_at.isoformat(), "vessel": sailing.vessel_name},
        total_passengers=sum(r["passengers"] for r in rows),
        bookings=rows,
    )


@bp.get("/sailings/<int:sailing_id>/manifest.csv")
@staff_required
def manifest_csv(sailing_id):
    sailing = db.get_or_404(Sailing, sailing_id)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_FIELDS)
    for row in _manifest_rows(sailing.id):
        vehicle = row["vehicle"] or {}
        writer.writerow([row["reference"], row["lead_passenger"], row["passengers"], row["status"],
                         vehicle.get("registration", ""), vehicle.get("length_m", "")])
    filename = f"manifest-{sailing.route_code}-{sailing.departs_at:%Y%m%d-%H%M}.csv"
    return Response(buf.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/vehicles/search")
@staff_required
def vehicle_search():
    fragment = request.args.get("plate", "").replace(" ", "").upper()
    if len(fragment) < 3:
        return api_error("query_too_short", "Give at least 3 characters of the plate", 400)
    vehicles = db.session.scalars(
        select(Vehicle).where(Vehicle.registration.contains(fragment)).limit(25)  # expect: DB006
    ).all()
    return jsonify(results=[{"registration": v.registration, "booking_id": v.booking_id} for v in vehicles])


@bp.get("/reports/season")
@staff_required
def season_report():
    year = request.args.get("year", type=int) or date.today().year
    bookings = db.session.scalars(
        select(Booking).join(Sailing).where(extract("year", Sailing.departs_at) == year)  # expect: DB002, DB006
    ).all()
    paid = [b for b in bookings if b.status in ("confirmed", "boarded")]
    return jsonify(
        year=year,
        bookings=len(bookings),
        passengers=sum(b.passengers for b in paid),
        revenue_pence=sum(b.amount_pence for b in paid),
        refunded=sum(1 for b in bookings if b.status == "refunded"),
    )
