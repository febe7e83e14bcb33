"""Monthly parking permit purchase: hold a permit in the zone, charge once, then activate it."""
import logging

import stripe
from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import select, update

from .models import Permit, PermitZone, db

log = logging.getLogger(__name__)
bp = Blueprint("permits", __name__, url_prefix="/permits")


def _release_permit(permit: Permit) -> None:
    db.session.execute(
        update(PermitZone)
        .where(PermitZone.id == permit.zone_id)
        .values(permits_issued=PermitZone.permits_issued - 1)  # ok: DB004
    )
    permit.status = "cancelled"
    db.session.commit()


@bp.post("/zones/<int:zone_id>/purchase")
@login_required
def purchase_permit(zone_id: int):
    month = request.get_json(force=True)["month"]
    zone = db.session.execute(
        select(PermitZone).where(PermitZone.id == zone_id).with_for_update()
    ).scalar_one_or_none()
    if zone is None:
        abort(404)
    if zone.permits_issued >= zone.capacity:  # ok: DB005
        db.session.rollback()
        return jsonify(error="no permits left in this zone"), 409
    zone.permits_issued += 1  # ok: DB004
    permit = Permit(driver_id=current_user.id, zone_id=zone.id, month=month, status="pending")
    db.session.add(permit)
    db.session.commit()

    try:
        intent = stripe.PaymentIntent.create(  # ok: REL004
            amount=zone.monthly_price_cents,
            currency="usd",
            customer=current_user.stripe_customer_id,
            payment_method=current_user.default_payment_method,
            confirm=True,
            off_session=True,
            idempotency_key=f"permit-{permit.id}",
        )
    except stripe.error.StripeError:
        log.exception("payment failed for permit %s", permit.id)
        _release_permit(permit)
        return jsonify(error="payment failed"), 402

    permit.status = "active"
    permit.payment_intent_id = intent.id
    db.session.commit()
    return jsonify(id=permit.id, zone=zone.name, month=month), 201
