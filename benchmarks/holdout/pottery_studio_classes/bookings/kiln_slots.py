import logging
from datetime import datetime, timezone

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from models import KilnBooking, KilnSlot, db

log = logging.getLogger(__name__)
bp = Blueprint("kiln", __name__, url_prefix="/kiln")


def slot_json(slot):
    return {
        "id": slot.id,
        "kiln": slot.kiln_name,
        "firing_type": slot.firing_type,
        "fires_at": slot.fires_at.isoformat(),
        "units_free": slot.capacity_units - slot.units_booked,
    }


@bp.get("/slots")
def open_slots():
    now = datetime.now(timezone.utc)
    slots = (
        KilnSlot.query.filter(KilnSlot.fires_at >= now)
        .order_by(KilnSlot.fires_at)
        .limit(50)
        .all()
    )
    return jsonify(slots=[slot_json(s) for s in slots])


@bp.post("/slots/<int:slot_id>/reserve")
@login_required
def reserve(slot_id):
    payload = request.get_json(silent=True) or {}
    units = payload.get("units")
    max_units = current_app.config["KILN_SHELF_UNITS_PER_MEMBER"]
    if not isinstance(units, int) or not 1 <= units <= max_units:
        return jsonify(error="units must be between 1 and %d" % max_units), 400

    slot = (
        db.session.query(KilnSlot)
        .filter(KilnSlot.id == slot_id)
        .with_for_update()
        .one_or_none()
    )
    if slot is None:
        abort(404)
    if slot.units_booked + units > slot.capacity_units:
        db.session.rollback()
        return jsonify(error="kiln_full"), 409

    slot.units_booked += units  # ok: DB004
    db.session.add(KilnBooking(slot_id=slot.id, member_id=current_user.id, units=units))
    try:
        db.session.commit()  # ok: DB005
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="already_reserved"), 409
    log.info("member %s reserved %s units on slot %s", current_user.id, units, slot.id)
    return jsonify(slot_json(slot)), 201


@bp.delete("/bookings/<int:booking_id>")
@login_required
def release(booking_id):
    booking = KilnBooking.query.filter_by(
        id=booking_id, member_id=current_user.id  # ok: SEC018
    ).first_or_404()
    removed = KilnBooking.query.filter_by(id=booking.id).delete(synchronize_session=False)  # ok: DB005
    if removed:
        db.session.execute(  # ok: DB004
            update(KilnSlot)
            .where(KilnSlot.id == booking.slot_id)
            .values(units_booked=KilnSlot.units_booked - booking.units)
        )
    db.session.commit()
    log.info("member %s released kiln booking %s", current_user.id, booking_id)
    return "", 204


@bp.get("/bookings/mine")
@login_required
def my_bookings():
    rows = (
        db.session.query(KilnBooking, KilnSlot)
        .join(KilnSlot, KilnSlot.id == KilnBooking.slot_id)
        .filter(KilnBooking.member_id == current_user.id)
        .order_by(KilnSlot.fires_at.desc())
        .limit(30)
        .all()
    )
    return jsonify(
        bookings=[
            {"id": b.id, "units": b.units, **slot_json(s)} for b, s in rows
        ]
    )
