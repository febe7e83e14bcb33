"""Boarding: pass scans at the linkspan and the live count shown on the bridge."""
import logging
import time

from flask import Blueprint, jsonify, request
from flask_login import current_user
from sqlalchemy import select

from ferry import api_error, db
from ferry.auth import staff_required
from ferry.models import Booking, Sailing

bp = Blueprint("boarding", __name__, url_prefix="/api/boarding")
logger = logging.getLogger(__name__)

RESCAN_WINDOW_S = 20
_last_scan = {}


@bp.post("/scan")
@staff_required
def scan():
    data = request.get_json(silent=True) or {}
    reference = (data.get("reference") or "").strip().upper()
    sailing_id = data.get("sailing_id")
    if not reference or not isinstance(sailing_id, int):
        return api_error("invalid_scan", "reference and sailing_id are required", 400)

    now = time.monotonic()
    previous = _last_scan.get(reference)
    if previous is not None and now - previous < RESCAN_WINDOW_S:
        return jsonify(result="repeat_scan", reference=reference)
    _last_scan[reference] = now  # expect: CON002, RES002

    booking = db.session.scalar(select(Booking).where(Booking.reference == reference))
    if booking is None or booking.sailing_id != sailing_id:
        return api_error("wrong_sailing", "Pass is not valid for this sailing", 409)
    if booking.status == "boarded":
        return jsonify(result="already_boarded", reference=reference)
    if booking.status != "confirmed":
        return api_error("not_confirmed", f"Booking is {booking.status}", 409)

    sailing = db.session.get(Sailing, sailing_id)
    booking.status = "boarded"
    sailing.boarded_count = sailing.boarded_count + booking.passengers  # expect: DB004
    db.session.commit()
    logger.info("booking %s boarded on sailing %s by staff %s", booking.id, sailing_id, current_user.id)
    return jsonify(result="boarded", reference=reference, boarded=sailing.boarded_count)


@bp.get("/sailings/<int:sailing_id>/count")
@staff_required
def boarded_count(sailing_id):
    sailing = db.get_or_404(Sailing, sailing_id)
    return jsonify(sailing=sailing.id, boarded=sailing.boarded_count, foot_capacity=sailing.foot_capacity)


@bp.post("/sailings/<int:sailing_id>/depart")
@staff_required
def mark_departed(sailing_id):
    sailing = db.get_or_404(Sailing, sailing_id)
    if sailing.status != "scheduled":
        return api_error("not_scheduled", f"Sailing is {sailing.status}", 409)
    sailing.status = "departed"
    db.session.commit()
    logger.info("sailing %s departed with %s aboard", sailing.id, sailing.boarded_count)
    return jsonify(sailing=sailing.id, status="departed", boarded=sailing.boarded_count)
