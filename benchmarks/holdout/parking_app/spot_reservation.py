"""Reserve a specific parking spot for a time window and pay for it up front."""
import logging
from datetime import datetime

import stripe
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from .models import ParkingSpot, Reservation, db
from .pricing import price_cents

log = logging.getLogger(__name__)
bp = Blueprint("reservations", __name__, url_prefix="/spots")


@bp.post("/<int:spot_id>/reservations")
@login_required
def reserve_spot(spot_id: int):
    body = request.get_json(force=True)
    starts_at = datetime.fromisoformat(body["starts_at"])
    ends_at = datetime.fromisoformat(body["ends_at"])
    if ends_at <= starts_at:
        return jsonify(error="ends_at must be after starts_at"), 400

    spot = ParkingSpot.query.get_or_404(spot_id)
    amount = price_cents(spot, starts_at, ends_at)

    intent = stripe.PaymentIntent.create(  # expect: REL004
        amount=amount,
        currency="usd",
        customer=current_user.stripe_customer_id,
        payment_method=body["payment_method_id"],
        confirm=True,
        off_session=True,
        metadata={"spot_id": spot.id, "driver_id": current_user.id},
    )

    overlapping = Reservation.query.filter(
        Reservation.spot_id == spot.id,
        Reservation.status == "confirmed",
        Reservation.starts_at < ends_at,
        Reservation.ends_at > starts_at,
    ).first()
    if overlapping is not None:  # expect: DB005
        stripe.Refund.create(payment_intent=intent.id)
        return jsonify(error="spot is already reserved for that time"), 409

    reservation = Reservation(
        spot_id=spot.id,
        driver_id=current_user.id,
        starts_at=starts_at,
        ends_at=ends_at,
        amount_cents=amount,
        payment_intent_id=intent.id,
        status="confirmed",
    )
    db.session.add(reservation)
    db.session.commit()
    log.info("reservation %s for spot %s by driver %s", reservation.id, spot.id, current_user.id)
    return jsonify(id=reservation.id, amount_cents=amount), 201
