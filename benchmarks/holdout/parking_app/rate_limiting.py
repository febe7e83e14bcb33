"""Public lot availability endpoint with a per-client request limit."""
import time

from flask import Blueprint, jsonify, request

from .models import ParkingLot, ParkingSpot

bp = Blueprint("availability", __name__, url_prefix="/public")

WINDOW_SECONDS = 60
MAX_REQUESTS_PER_WINDOW = 120
LOT_KINDS = {"garage": "Covered garage", "surface": "Surface lot", "street": "Street parking"}  # ok: SCL001

_recent_requests: dict[str, list[float]] = {}  # expect: SCL001, RES002


@bp.get("/lots/<int:lot_id>/availability")
def lot_availability(lot_id: int):
    client = request.headers.get("X-Forwarded-For", request.remote_addr or "unknown").split(",")[0].strip()
    now = time.time()
    recent = [t for t in _recent_requests.get(client, []) if now - t < WINDOW_SECONDS]
    if len(recent) >= MAX_REQUESTS_PER_WINDOW:
        return jsonify(error="too many requests"), 429
    recent.append(now)
    _recent_requests[client] = recent  # expect: CON002

    lot = ParkingLot.query.get_or_404(lot_id)
    free = ParkingSpot.query.filter_by(lot_id=lot.id, occupied=False).count()
    return jsonify(
        lot_id=lot.id,
        name=lot.name,
        kind=LOT_KINDS.get(lot.kind, lot.kind),
        free_spots=free,
        total_spots=lot.capacity,
    )


@bp.get("/lots")
def list_lots():
    city = request.args.get("city", "")
    lots = ParkingLot.query.filter_by(city=city).order_by(ParkingLot.name).limit(100).all()  # ok: DB002
    return jsonify(
        lots=[{"id": lot.id, "name": lot.name, "kind": LOT_KINDS.get(lot.kind, lot.kind)} for lot in lots]
    )
