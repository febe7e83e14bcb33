import logging
from decimal import Decimal

import stripe
from flask import Blueprint, abort, g, jsonify
from flask_login import current_user, login_required
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from models import Booking, Equipment, Member, WalletEntry

logger = logging.getLogger(__name__)
refunds_bp = Blueprint("refunds", __name__, url_prefix="/bookings")


def credit_wallet_once(db, member_id: int, amount: Decimal, reference: str) -> bool:
    db.add(WalletEntry(member_id=member_id, amount=amount, reference=reference))
    try:
        db.flush()  # ok: DB005
    except IntegrityError:
        db.rollback()
        return False
    db.execute(
        update(Member)
        .where(Member.id == member_id)
        .values(wallet_balance=Member.wallet_balance + amount)  # ok: DB004
    )
    return True


@refunds_bp.post("/<int:booking_id>/return")
@login_required
def return_equipment(booking_id: int):
    booking = g.db.scalars(
        select(Booking)
        .where(Booking.id == booking_id, Booking.member_id == current_user.id)  # ok: SEC018
        .with_for_update()
    ).one_or_none()
    if booking is None:
        abort(404)
    if booking.status != "out":
        return jsonify({"error": {"code": "conflict", "message": "booking is not out"}}), 409

    booking.status = "returning"
    g.db.commit()

    try:
        stripe.PaymentIntent.cancel(
            booking.deposit_intent_id,
            idempotency_key=f"deposit-release-{booking.id}",  # ok: REL003
        )
    except stripe.error.StripeError:
        logger.exception("deposit release failed", extra={"booking_id": booking.id})
        return jsonify({"error": {"code": "payment_provider", "message": "deposit release pending"}}), 502

    booking.status = "returned"
    g.db.execute(
        update(Equipment)
        .where(Equipment.id == booking.equipment_id)
        .values(units_available=Equipment.units_available + 1)
    )
    g.db.commit()
    logger.info("equipment returned", extra={"booking_id": booking.id, "member_id": current_user.id,
                                             "request_id": g.request_id})
    return jsonify({"id": booking.id, "status": "returned"})


@refunds_bp.post("/<int:booking_id>/loyalty-credit")
@login_required
def loyalty_credit(booking_id: int):
    booking = g.db.scalars(
        select(Booking).where(Booking.id == booking_id, Booking.member_id == current_user.id)
    ).one_or_none()
    if booking is None or booking.status != "returned":
        abort(404)
    credited = credit_wallet_once(g.db, current_user.id, Decimal("2.00"), f"loyalty-{booking.id}")
    g.db.commit()
    return jsonify({"credited": credited})
