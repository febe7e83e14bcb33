"""Online ticket purchase for individual visitors and families."""
import logging
import secrets
from datetime import date

import stripe
from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from .. import db
from ..clients.tides import TideClient
from ..models import Booking, TourSlot, Visitor
from ..services import notify
from ..services.pricing import PricingError, quote

log = logging.getLogger(__name__)
bp = Blueprint("bookings", __name__, url_prefix="/api/bookings")


def _new_reference() -> str:
    return "LH" + secrets.token_hex(4).upper()


@bp.get("/availability")
def availability():
    try:
        day = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        return jsonify(error="date must be YYYY-MM-DD"), 400

    slots = (
        TourSlot.query.filter(db.func.date(TourSlot.starts_at) == day)  # expect: DB006
        .order_by(TourSlot.starts_at)
        .all()
    )
    tides = TideClient()
    return jsonify(slots=[
        {
            "id": slot.id,
            "tour": slot.tour_code,
            "starts_at": slot.starts_at.isoformat(),
            "seats_left": slot.seats_left if slot.status == "open" else 0,
            "price_pence": slot.price_pence,
            "crossing_ok": tides.is_crossing_safe(slot.starts_at, slot.duration_min),  # todo-expect: ERR003
        }
        for slot in slots
    ])


@bp.post("")
@login_required
def create_booking():
    payload = request.get_json(silent=True) or {}
    slot = db.session.get(TourSlot, payload.get("slot_id"))
    if slot is None or slot.status != "open":
        abort(404)

    visitors = payload.get("visitors") or []
    try:
        q = quote(slot, len(visitors))
    except PricingError as exc:
        return jsonify(error=str(exc)), 400

    if slot.seats_sold + q.party_size > slot.capacity:  # expect: DB005
        return jsonify(error="Not enough seats left on this tour."), 409

    try:
        intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
            amount=q.total_pence,
            currency="gbp",
            customer=current_user.stripe_customer_id,
            payment_method=payload.get("payment_method_id"),
            payment_method_types=["card"],
            confirm=True,
            metadata={"slot_id": slot.id, "user_id": current_user.id},
        )
    except stripe.error.CardError as exc:
        return jsonify(error=exc.user_message or "Your card was declined."), 402

    if intent.status != "succeeded":
        return jsonify(error="Payment needs further action.", status=intent.status), 402

    slot.seats_sold += q.party_size  # expect: DB004
    booking = Booking(
        reference=_new_reference(),
        user_id=current_user.id,
        slot_id=slot.id,
        party_size=q.party_size,
        amount_pence=q.total_pence,
        discount_pct=q.discount_pct,
        status="paid",
        payment_intent_id=intent.id,
    )
    db.session.add(booking)
    for person in visitors:
        db.session.add(Visitor(
            booking=booking,
            full_name=(person.get("name") or "").strip()[:120],
            email=person.get("email"),
            phone=person.get("phone"),
            accessibility_notes=(person.get("accessibility") or "")[:500] or None,
        ))
    db.session.commit()

    log.info("booking %s paid for slot %s by user %s", booking.reference, slot.id, current_user.id)
    notify.send_booking_confirmation(booking)
    return jsonify(reference=booking.reference, total_pence=q.total_pence,
                   discount_pct=q.discount_pct), 201
