"""Boat inventory for the put-in crew: fleet status, checkout, returns, maintenance."""
import logging

from flask import Blueprint, jsonify, request
from flask_login import current_user

from .. import db
from ..auth import role_required
from ..models import Boat, BoatType, MaintenanceEvent

bp = Blueprint("inventory", __name__, url_prefix="/inventory")
logger = logging.getLogger(__name__)


def _latest_maintenance(boat_id):
    return db.session.execute(
        db.select(MaintenanceEvent)
        .filter_by(boat_id=boat_id)
        .order_by(MaintenanceEvent.noted_at.desc())
        .limit(1)
    ).scalar_one_or_none()


@bp.get("/boat-types")
@role_required("guide", "admin")
def boat_types():
    types = db.session.execute(db.select(BoatType).order_by(BoatType.name)).scalars().all()  # ok: DB002
    return jsonify([{"id": t.id, "name": t.name, "seats": t.seats} for t in types])


@bp.get("/boats")
@role_required("guide", "admin")
def fleet_status():
    boats = db.session.execute(db.select(Boat).order_by(Boat.hull_number)).scalars().all()
    rows = []
    for boat in boats:
        last = _latest_maintenance(boat.id)  # expect: DB001
        rows.append({
            "id": boat.id,
            "hull_number": boat.hull_number,
            "status": boat.status,
            "booking_id": boat.assigned_booking_id,
            "last_maintenance": last.noted_at.isoformat() if last else None,
        })
    return jsonify(rows)


@bp.post("/boats/<int:boat_id>/checkout")
@role_required("guide", "admin")
def checkout_boat(boat_id):
    payload = request.get_json(silent=True) or {}
    booking_id = payload.get("booking_id")
    if not isinstance(booking_id, int):
        return jsonify(error="booking_id is required"), 400
    boat = db.get_or_404(Boat, boat_id)
    if boat.status != "available":  # expect: DB005
        return jsonify(error=f"boat {boat.hull_number} is {boat.status}"), 409
    boat.status = "out"
    boat.assigned_booking_id = booking_id
    db.session.commit()
    logger.info("boat %s checked out to booking %s by %s", boat.id, booking_id, current_user.id)
    return jsonify(id=boat.id, status=boat.status, booking_id=booking_id)


@bp.post("/boats/<int:boat_id>/return")
@role_required("guide", "admin")
def return_boat(boat_id):
    payload = request.get_json(silent=True) or {}
    boat = db.get_or_404(Boat, boat_id)
    note = (payload.get("damage_note") or "").strip()
    boat.assigned_booking_id = None
    if note:
        boat.status = "maintenance"
        db.session.add(MaintenanceEvent(boat_id=boat.id, note=note[:2000], reported_by=current_user.id))
        print(f"boat {boat.hull_number} returned damaged: {note}")  # expect: OBS001
    else:
        boat.status = "available"
    db.session.commit()
    return jsonify(id=boat.id, status=boat.status)


@bp.get("/maintenance")
@role_required("guide", "admin")
def maintenance_log():
    query = db.select(MaintenanceEvent).order_by(MaintenanceEvent.noted_at.desc())
    events = db.session.execute(query).scalars().all()  # expect: DB002
    return jsonify([
        {"id": e.id, "boat_id": e.boat_id, "noted_at": e.noted_at.isoformat(), "note": e.note}
        for e in events
    ])
