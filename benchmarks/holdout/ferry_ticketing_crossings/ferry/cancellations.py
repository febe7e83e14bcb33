"""Cancelling a sailing (weather, technical fault) and refunding its passengers."""
import logging
import time

import stripe
from flask import Blueprint, jsonify, request
from flask_login import current_user
from sqlalchemy import select, update

from ferry import api_error, db
from ferry.auth import staff_required
from ferry.models import Booking, Refund, Sailing

bp = Blueprint("cancellations", __name__, url_prefix="/api/ops")
logger = logging.getLogger(__name__)

RETRYABLE = (stripe.error.APIConnectionError, stripe.error.RateLimitError)
ATTEMPTS = 4


def _refund_booking(booking, reason):
    refund = None
    for attempt in range(ATTEMPTS):
        try:
            refund = stripe.Refund.create(  # expect: REL003
                payment_intent=booking.payment_intent_id,
                reason="requested_by_customer",
                metadata={"booking": booking.reference, "cancel_reason": reason},
            )
            break
        except RETRYABLE:
            if attempt == ATTEMPTS - 1:
                raise
            logger.warning("refund attempt %d for booking %s failed, retrying", attempt + 1, booking.id)
            time.sleep(2 ** attempt)
    booking.status = "refunded"
    db.session.add(Refund(booking_id=booking.id, stripe_refund_id=refund.id, amount_pence=refund.amount))
    db.session.commit()
    return refund


@bp.post("/sailings/<int:sailing_id>/cancel")
@staff_required
def cancel_sailing(sailing_id):
    data = request.get_json(silent=True) or {}
    reason = (data.get("reason") or "operational")[:200]
    sailing = db.get_or_404(Sailing, sailing_id)
    result = db.session.execute(
        update(Sailing).where(Sailing.id == sailing.id, Sailing.status == "scheduled").values(status="cancelled")
    )
    db.session.commit()
    if result.rowcount == 0:
        return api_error("not_cancellable", f"Sailing is {sailing.status}", 409)
    logger.info("sailing %s cancelled by staff %s: %s", sailing.id, current_user.id, reason)

    bookings = db.session.scalars(
        select(Booking).where(Booking.sailing_id == sailing.id, Booking.status == "confirmed")
    ).all()
    refunded = 0
    try:
        for booking in bookings:
            _refund_booking(booking, reason)
            refunded += 1
    except stripe.error.StripeError:
        logger.exception("refund run for sailing %s stopped after %d refunds", sailing.id, refunded)
    return jsonify(sailing=sailing.id, status="cancelled", refunds="issued", bookings=len(bookings))  # expect: ERR002


@bp.post("/sailings/<int:sailing_id>/reinstate")
@staff_required
def reinstate_sailing(sailing_id):
    sailing = db.get_or_404(Sailing, sailing_id)
    if sailing.status != "cancelled":
        return api_error("not_cancelled", "Only cancelled sailings can be reinstated", 409)
    refunded = db.session.scalar(
        select(Booking.id).where(Booking.sailing_id == sailing.id, Booking.status == "refunded").limit(1)
    )
    if refunded is not None:
        return api_error("has_refunds", "Passengers have been refunded; schedule a new sailing", 409)
    sailing.status = "scheduled"
    db.session.commit()
    return jsonify(sailing=sailing.id, status="scheduled")
