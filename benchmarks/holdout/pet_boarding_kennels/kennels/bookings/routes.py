"""Owner-facing stay booking endpoints."""
import logging
from datetime import date, timedelta

import stripe
from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required

from kennels import db
from kennels.models import KennelBlock, Payment, Pet, Stay
from kennels.payments.deposits import refund_deposit

log = logging.getLogger(__name__)
bp = Blueprint("bookings", __name__, url_prefix="/stays")

ACTIVE_STATUSES = ("reserved", "checked_in")


def _nights_booked(block_id: int, check_in: date, check_out: date) -> int:
    return (
        Stay.query.filter(
            Stay.block_id == block_id,
            Stay.status.in_(ACTIVE_STATUSES),
            Stay.check_in < check_out,
            Stay.check_out > check_in,
        ).count()
    )


def _serialize(stay: Stay) -> dict:
    return {
        "id": stay.id,
        "pet_id": stay.pet_id,
        "check_in": stay.check_in.isoformat(),
        "check_out": stay.check_out.isoformat(),
        "status": stay.status,
        "total_cents": stay.total_cents,
        "deposit_cents": stay.deposit_cents,
    }


@bp.get("/")
@login_required
def my_stays():
    stays = Stay.query.filter_by(owner_id=current_user.id).order_by(Stay.check_in.desc()).all()  # ok: DB002
    return jsonify([_serialize(s) for s in stays])


@bp.post("/")
@login_required
def book_stay():
    payload = request.get_json(silent=True) or {}
    pet = Pet.query.filter_by(id=payload.get("pet_id"), owner_id=current_user.id).first_or_404()
    block = KennelBlock.query.filter_by(size_class=pet.size_class).first_or_404()

    try:
        check_in = date.fromisoformat(payload["check_in"])
        check_out = date.fromisoformat(payload["check_out"])
    except (KeyError, ValueError):
        return jsonify(error="check_in and check_out must be ISO dates"), 400
    if check_out <= check_in or check_in < date.today():
        return jsonify(error="invalid stay dates"), 400

    total = (check_out - check_in).days * block.nightly_rate_cents
    deposit = total * current_app.config["DEPOSIT_PERCENT"] // 100

    if _nights_booked(block.id, check_in, check_out) >= block.capacity:
        return jsonify(error="no kennel available for those dates"), 409

    intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
        amount=deposit,
        currency=current_app.config["CURRENCY"],
        customer=current_user.stripe_customer_id,
        payment_method=payload.get("payment_method_id"),
        confirm=True,
        metadata={"pet_id": pet.id, "check_in": check_in.isoformat()},
    )

    stay = Stay(
        owner_id=current_user.id, pet_id=pet.id, block_id=block.id,
        check_in=check_in, check_out=check_out, status="reserved",
        total_cents=total, deposit_cents=deposit, deposit_intent_id=intent.id,
    )
    db.session.add(stay)
    db.session.flush()
    db.session.add(Payment(stay_id=stay.id, kind="deposit", amount_cents=deposit, stripe_id=intent.id))
    db.session.commit()  # expect: DB005
    log.info("stay %s booked for pet %s", stay.id, pet.id)
    return jsonify(_serialize(stay)), 201


@bp.post("/<int:stay_id>/cancel")
@login_required
def cancel_stay(stay_id: int):
    stay = db.session.get(Stay, stay_id)  # expect: SEC018
    if stay is None:
        abort(404)
    if stay.status != "reserved":
        return jsonify(error=f"cannot cancel a stay that is {stay.status}"), 409

    refundable = stay.check_in - date.today() >= timedelta(days=7)
    stay.status = "cancelled"
    db.session.commit()
    if refundable:
        refund_deposit.delay(stay.id)
    return jsonify(_serialize(stay))
