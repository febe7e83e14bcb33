"""Reservation flow that holds a kennel before taking the deposit."""
import logging
from dataclasses import dataclass
from datetime import date

import stripe
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kennels import db
from kennels.models import KennelBlock, Payment, Pet, Stay

log = logging.getLogger(__name__)
bp = Blueprint("reservations", __name__, url_prefix="/reservations")


class NoCapacity(Exception):
    pass


@dataclass
class StayRequest:
    pet: Pet
    check_in: date
    check_out: date
    payment_method_id: str
    request_key: str


class ReservationService:
    def hold(self, owner_id: int, req: StayRequest) -> Stay:
        block = db.session.execute(
            select(KennelBlock)
            .where(KennelBlock.size_class == req.pet.size_class)
            .with_for_update()
        ).scalar_one()
        taken = db.session.scalar(
            select(func.count(Stay.id)).where(
                Stay.block_id == block.id,
                Stay.status.in_(("pending_deposit", "reserved", "checked_in")),
                Stay.check_in < req.check_out,
                Stay.check_out > req.check_in,
            )
        )
        if taken >= block.capacity:
            db.session.rollback()
            raise NoCapacity()
        total = (req.check_out - req.check_in).days * block.nightly_rate_cents
        stay = Stay(
            owner_id=owner_id, pet_id=req.pet.id, block_id=block.id,
            check_in=req.check_in, check_out=req.check_out, status="pending_deposit",
            total_cents=total,
            deposit_cents=total * current_app.config["DEPOSIT_PERCENT"] // 100,
            request_key=req.request_key,
        )
        db.session.add(stay)
        db.session.commit()
        return stay

    def take_deposit(self, stay: Stay, customer_id: str, payment_method_id: str) -> Stay:
        try:
            intent = stripe.PaymentIntent.create(
                amount=stay.deposit_cents,
                currency=current_app.config["CURRENCY"],
                customer=customer_id,
                payment_method=payment_method_id,
                confirm=True,
                metadata={"stay_id": stay.id},
                idempotency_key=f"stay-deposit-{stay.id}",
            )
        except stripe.error.CardError:
            stay.status = "deposit_failed"
            db.session.commit()
            raise
        stay.status = "reserved"
        stay.deposit_intent_id = intent.id
        db.session.add(Payment(stay_id=stay.id, kind="deposit",
                               amount_cents=stay.deposit_cents, stripe_id=intent.id))
        db.session.commit()
        return stay


@bp.post("/")
@login_required
def reserve():
    payload = request.get_json(silent=True) or {}
    request_key = request.headers.get("Idempotency-Key", "")[:64]
    if not request_key:
        return jsonify(error="Idempotency-Key header is required"), 400

    stay = Stay.query.filter_by(owner_id=current_user.id, request_key=request_key).first()
    if stay is not None and stay.status != "pending_deposit":
        return jsonify(id=stay.id, status=stay.status), 200

    pet = Pet.query.filter_by(id=payload.get("pet_id"), owner_id=current_user.id).first_or_404()
    try:
        req = StayRequest(pet, date.fromisoformat(payload["check_in"]),
                          date.fromisoformat(payload["check_out"]),
                          payload["payment_method_id"], request_key)
    except (KeyError, ValueError):
        return jsonify(error="check_in, check_out and payment_method_id are required"), 400
    if req.check_out <= req.check_in or req.check_in < date.today():
        return jsonify(error="invalid stay dates"), 400

    service = ReservationService()
    if stay is None:
        try:
            stay = service.hold(current_user.id, req)
        except NoCapacity:
            return jsonify(error="no kennel available for those dates"), 409
        except IntegrityError:
            db.session.rollback()
            return jsonify(error="this request is already being processed"), 409

    try:
        service.take_deposit(stay, current_user.stripe_customer_id, req.payment_method_id)
    except stripe.error.CardError as exc:
        log.info("deposit declined for stay %s: %s", stay.id, exc.code)
        return jsonify(error="card declined", stay_id=stay.id), 402
    except stripe.error.StripeError:
        log.warning("deposit for stay %s could not be taken", stay.id, exc_info=True)
        return jsonify(error="payment provider unavailable, retry with the same Idempotency-Key",
                       stay_id=stay.id), 503
    return jsonify(id=stay.id, status=stay.status), 201
