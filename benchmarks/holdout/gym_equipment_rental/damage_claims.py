import logging
import os
from decimal import Decimal, InvalidOperation

import stripe
from flask import Blueprint, abort, g, jsonify, request, send_from_directory
from flask_login import current_user, login_required

from models import Booking, DamageClaim

logger = logging.getLogger(__name__)
claims_bp = Blueprint("claims", __name__, url_prefix="/claims")

PHOTO_DIR = os.environ.get("CLAIM_PHOTO_DIR", "/srv/rental/claim_photos")


@claims_bp.post("/<int:booking_id>")
@login_required
def open_claim(booking_id: int):
    assert current_user.is_staff, "staff only"  # expect: SEC017
    booking = g.db.get(Booking, booking_id)
    if booking is None:
        abort(404)
    try:
        amount = Decimal(request.form.get("amount", "0"))
    except InvalidOperation:
        return jsonify({"error": {"code": "bad_request", "message": "bad amount"}}), 400
    if amount <= 0 or amount > booking.equipment.deposit_amount:
        return jsonify({"error": {"code": "bad_request", "message": "amount exceeds deposit"}}), 400

    photo = request.files.get("photo")
    photo_key = None
    if photo is not None:
        photo_key = f"{booking.id}_{photo.filename}"
        photo.save(os.path.join(PHOTO_DIR, photo_key))  # expect: SCL002, SEC015

    claim = DamageClaim(
        booking_id=booking.id,
        description=request.form.get("description", "")[:2000],
        amount=amount,
        photo_key=photo_key,
    )
    g.db.add(claim)
    g.db.commit()
    logger.info("claim opened", extra={"claim_id": claim.id, "booking_id": booking.id,
                                      "staff_id": current_user.id})
    return jsonify({"id": claim.id, "status": claim.status}), 201


@claims_bp.post("/<int:claim_id>/settle")
@login_required
def settle_claim(claim_id: int):
    if not current_user.is_staff:
        abort(403)
    claim = g.db.get(DamageClaim, claim_id)
    if claim is None or claim.status != "open":
        abort(404)
    booking = g.db.get(Booking, claim.booking_id)
    try:
        stripe.PaymentIntent.capture(
            booking.deposit_intent_id,
            amount_to_capture=int(claim.amount * 100),
            idempotency_key=f"claim-capture-{claim.id}",
        )
    except stripe.error.StripeError:
        logger.exception("claim capture failed", extra={"claim_id": claim.id})
        return jsonify({"error": {"code": "payment_provider", "message": "capture failed"}}), 502
    claim.status = "settled"
    booking.deposit_captured = True
    g.db.commit()  # todo-expect: REL004
    return jsonify({"id": claim.id, "status": claim.status})


@claims_bp.get("/photos/<path:name>")
@login_required
def claim_photo(name: str):
    if not current_user.is_staff:
        abort(403)
    return send_from_directory(PHOTO_DIR, name)  # ok: SEC015
