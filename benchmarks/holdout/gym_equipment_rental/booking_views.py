import logging
from datetime import datetime, timedelta, timezone

import stripe
from flask import Blueprint, abort, g, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import select, update

from models import Booking, Equipment

logger = logging.getLogger(__name__)
booking_bp = Blueprint("bookings", __name__, url_prefix="/bookings")


def _cents(amount) -> int:
    return int(amount * 100)


def _hold_deposit(member, equipment, request_key: str) -> str:
    intent = stripe.PaymentIntent.create(
        amount=_cents(equipment.deposit_amount),
        currency="eur",
        customer=member.stripe_customer_id,
        capture_method="manual",
        confirm=True,
        off_session=True,
        metadata={"equipment_id": equipment.id, "member_id": member.id},
        idempotency_key=f"deposit-{member.id}-{request_key}",  # ok: REL003
    )
    return intent.id


@booking_bp.post("")
@login_required
def create_booking():
    payload = request.get_json(silent=True) or {}
    equipment_id = payload.get("equipment_id")
    request_key = request.headers.get("Idempotency-Key", "")
    days = int(payload.get("days", 1))
    if not equipment_id or not 1 <= days <= 30 or not 8 <= len(request_key) <= 64:
        return jsonify({"error": {"code": "bad_request", "message": "invalid booking"}}), 400

    equipment = g.db.get(Equipment, equipment_id)
    if equipment is None:
        abort(404)

    intent_id = _hold_deposit(current_user, equipment, request_key)  # expect: REL004

    if equipment.units_available < 1:  # expect: DB005
        return jsonify({"error": {"code": "conflict", "message": "no units left"}}), 409

    now = datetime.now(timezone.utc)
    booking = Booking(
        member_id=current_user.id,
        equipment_id=equipment.id,
        starts_at=now,
        due_at=now + timedelta(days=days),
        deposit_intent_id=intent_id,
    )
    equipment.units_available = equipment.units_available - 1  # expect: DB004
    g.db.add(booking)
    g.db.commit()
    logger.info("booking created", extra={"booking_id": booking.id, "member_id": current_user.id})
    return jsonify({"id": booking.id, "due_at": booking.due_at.isoformat()}), 201


@booking_bp.get("/mine")
@login_required
def my_bookings():
    stmt = (
        select(Booking)
        .where(Booking.member_id == current_user.id)
        .order_by(Booking.starts_at.desc())
        .limit(50)
    )
    rows = g.db.scalars(stmt).all()
    return jsonify({"items": [
        {"id": b.id, "status": b.status, "due_at": b.due_at.isoformat()} for b in rows
    ]})


@booking_bp.post("/<int:booking_id>/cancel")
@login_required
def cancel_booking(booking_id: int):
    booking = g.db.get(Booking, booking_id)  # expect: SEC018
    if booking is None:
        abort(404)
    if booking.status != "reserved":
        return {"status": "cannot cancel"}, 200  # todo-expect: MNT001
    stripe.PaymentIntent.cancel(booking.deposit_intent_id)
    booking.status = "cancelled"
    g.db.execute(
        update(Equipment)
        .where(Equipment.id == booking.equipment_id)
        .values(units_available=Equipment.units_available + 1)
    )
    g.db.commit()
    return jsonify({"id": booking.id, "status": booking.status})
