"""Group bookings (schools, coach parties, clubs) with tiered discounts."""
import logging
import secrets
import uuid

import stripe
from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from .. import db
from ..models import Booking, TourSlot
from ..services.pricing import PricingError, quote

log = logging.getLogger(__name__)
bp = Blueprint("group_bookings", __name__, url_prefix="/api/group-bookings")

MIN_GROUP_SIZE = 6


def _previous(key: str) -> Booking | None:
    return Booking.query.filter_by(user_id=current_user.id, idempotency_key=key).first()


def _release_seats(booking: Booking) -> None:
    TourSlot.query.filter_by(id=booking.slot_id).update(
        {TourSlot.seats_sold: TourSlot.seats_sold - booking.party_size},
        synchronize_session=False,
    )
    booking.status = "cancelled"
    db.session.commit()


@bp.post("")
@login_required
def create_group_booking():
    key = request.headers.get("Idempotency-Key", "")
    try:
        uuid.UUID(key)
    except ValueError:
        return jsonify(error="Send an Idempotency-Key header containing a UUID."), 400

    previous = _previous(key)
    if previous is not None:
        return jsonify(reference=previous.reference, status=previous.status), 200

    payload = request.get_json(silent=True) or {}
    party_size = int(payload.get("party_size") or 0)
    if party_size < MIN_GROUP_SIZE:
        return jsonify(error=f"Group bookings start at {MIN_GROUP_SIZE} people."), 400

    slot = (
        db.session.query(TourSlot)
        .filter_by(id=payload.get("slot_id"), status="open")
        .with_for_update()
        .first()
    )
    if slot is None:
        abort(404)
    try:
        q = quote(slot, party_size, current_app.config["GROUP_DISCOUNT_TIERS"])
    except PricingError as exc:
        db.session.rollback()
        return jsonify(error=str(exc)), 400
    if slot.seats_sold + party_size > slot.capacity:  # ok: DB005
        db.session.rollback()
        return jsonify(error="Not enough seats left on this tour."), 409

    slot.seats_sold += party_size  # ok: DB004
    booking = Booking(
        reference="LG" + secrets.token_hex(4).upper(),
        user_id=current_user.id,
        slot_id=slot.id,
        party_size=party_size,
        amount_pence=q.total_pence,
        discount_pct=q.discount_pct,
        status="pending",
        idempotency_key=key,
    )
    db.session.add(booking)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        previous = _previous(key)
        return jsonify(reference=previous.reference, status=previous.status), 200

    try:
        intent = stripe.PaymentIntent.create(  # ok: REL003
            amount=q.total_pence,
            currency="gbp",
            customer=current_user.stripe_customer_id,
            payment_method=payload.get("payment_method_id"),
            payment_method_types=["card"],
            confirm=True,
            metadata={"booking": booking.reference, "slot_id": slot.id},
            idempotency_key=f"group-booking-{key}",
        )
    except stripe.error.StripeError:
        log.exception("payment for group booking %s failed", booking.reference)
        _release_seats(booking)
        return jsonify(error="Payment failed and the seats were released."), 402

    booking.payment_intent_id = intent.id
    booking.status = "paid" if intent.status == "succeeded" else "awaiting_payment"
    db.session.commit()
    log.info("group booking %s (%d people, %d%% off) status %s",
             booking.reference, party_size, q.discount_pct, booking.status)
    return jsonify(reference=booking.reference, status=booking.status,
                   total_pence=q.total_pence, discount_pct=q.discount_pct,
                   client_secret=intent.client_secret), 201
