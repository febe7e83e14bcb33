"""Booking cancellation and a member's upcoming bookings."""
from datetime import datetime, timedelta

from flask import Blueprint, jsonify
from flask_login import current_user, login_required
from sqlalchemy import update
from sqlalchemy.orm import selectinload

from .models import Booking, GymClass, db

bp = Blueprint("bookings", __name__, url_prefix="/bookings")

CANCELLATION_CUTOFF = timedelta(hours=2)


@bp.post("/<int:booking_id>/cancel")
@login_required
def cancel_booking(booking_id: int):
    booking = Booking.query.filter_by(id=booking_id, member_id=current_user.id).first_or_404()
    if booking.gym_class.starts_at - datetime.utcnow() < CANCELLATION_CUTOFF:
        return jsonify(error="bookings can only be cancelled up to 2 hours before class"), 409

    class_id = booking.class_id
    db.session.delete(booking)
    db.session.execute(
        update(GymClass)
        .where(GymClass.id == class_id)
        .values(spots_left=GymClass.spots_left + 1)  # ok: DB004
    )
    db.session.commit()
    return "", 204


@bp.get("/upcoming")
@login_required
def upcoming_bookings():
    bookings = (
        Booking.query.join(Booking.gym_class)
        .filter(Booking.member_id == current_user.id, GymClass.starts_at >= datetime.utcnow())
        .options(selectinload(Booking.gym_class).selectinload(GymClass.instructor))
        .order_by(GymClass.starts_at)
        .limit(100)
        .all()  # ok: DB002
    )
    items = []
    for booking in bookings:
        items.append(  # ok: DB001
            {
                "booking_id": booking.id,
                "class": booking.gym_class.title,
                "starts_at": booking.gym_class.starts_at.isoformat(),
                "instructor": booking.gym_class.instructor.name,
            }
        )
    return jsonify(bookings=items)
