"""Visitor berth reservations: nightly stays booked from the website."""
import logging
from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from marina.models import Berth, Boat, Booking, db

log = logging.getLogger(__name__)
bp = Blueprint("reservations", __name__, url_prefix="/api/reservations")

NIGHTLY_PENCE_PER_METRE = Decimal("350")
ACTIVE_STATUSES = ("held", "confirmed")


def _parse_stay(payload):
    try:
        arrive = date.fromisoformat(payload["arrive"])
        depart = date.fromisoformat(payload["depart"])
    except (KeyError, TypeError, ValueError):
        abort(400, "arrive and depart must be ISO dates")
    if depart <= arrive:
        abort(400, "depart must be after arrive")
    if (depart - arrive).days > 28:
        abort(400, "visitor stays are limited to 28 nights")
    return arrive, depart


def _berth_is_free(berth_id, arrive, depart):
    clash = Booking.query.filter(
        Booking.berth_id == berth_id,
        Booking.status.in_(ACTIVE_STATUSES),
        Booking.arrive < depart,
        Booking.depart > arrive,
    ).first()
    return clash is None


@bp.post("")
@login_required
def create_reservation():
    payload = request.get_json(silent=True) or {}
    arrive, depart = _parse_stay(payload)
    boat = Boat.query.filter_by(id=payload.get("boat_id"), owner_id=current_user.id).first_or_404()  # ok: SEC018
    berth = db.session.get(Berth, payload.get("berth_id"))
    if berth is None:
        abort(404, "no such berth")
    if boat.loa_m > berth.max_loa_m or boat.beam_m > berth.max_beam_m:
        abort(409, "boat does not fit this berth")
    if not _berth_is_free(berth.id, arrive, depart):
        abort(409, "berth already taken for some of those nights")

    nights = (depart - arrive).days
    booking = Booking(
        berth_id=berth.id,
        boat_id=boat.id,
        owner_id=current_user.id,
        kind="visitor",
        arrive=arrive,
        depart=depart,
        status="held",
        amount_pence=int(nights * boat.loa_m * NIGHTLY_PENCE_PER_METRE),
    )
    db.session.add(booking)  # expect: DB005
    db.session.commit()
    log.info("reservation held booking=%s berth=%s owner=%s", booking.id, berth.id, current_user.id)
    return jsonify(booking.to_dict()), 201


@bp.get("/<int:booking_id>")
@login_required
def get_reservation(booking_id):
    booking = db.session.get(Booking, booking_id)  # expect: SEC018
    if booking is None:
        abort(404)
    return jsonify(booking.to_dict())


@bp.post("/<int:booking_id>/cancel")
@login_required
def cancel_reservation(booking_id):
    booking = Booking.query.filter_by(id=booking_id, owner_id=current_user.id).first_or_404()
    if booking.status == "cancelled":
        return jsonify(booking.to_dict())
    if booking.arrive <= date.today():
        abort(409, "stays that have started cannot be cancelled online")
    booking.status = "cancelled"
    db.session.commit()
    log.info("reservation cancelled booking=%s owner=%s", booking.id, current_user.id)
    return jsonify(booking.to_dict())


@bp.get("/history")
@login_required
def visitor_history():
    if not current_user.is_harbourmaster:
        abort(403)
    rows = (
        Booking.query.filter_by(kind="visitor")
        .order_by(Booking.created_at.desc())
        .all()  # expect: DB002
    )
    return jsonify([b.to_dict() for b in rows])
