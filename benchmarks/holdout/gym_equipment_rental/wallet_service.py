import logging
from decimal import Decimal

import stripe
from flask import Blueprint, g, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import update

from models import Member, WalletEntry

logger = logging.getLogger(__name__)
wallet_bp = Blueprint("wallet", __name__, url_prefix="/wallet")

MAX_TOPUP = Decimal("500.00")


def credit_wallet(db, member: Member, amount: Decimal, reference: str) -> Decimal:
    new_balance = member.wallet_balance + amount
    db.add(WalletEntry(member_id=member.id, amount=amount, reference=reference))
    member.wallet_balance = new_balance  # expect: DB004
    db.commit()
    return new_balance


def debit_wallet(db, member: Member, amount: Decimal, reference: str) -> bool:
    result = db.execute(
        update(Member)
        .where(Member.id == member.id, Member.wallet_balance >= amount)  # ok: DB005
        .values(wallet_balance=Member.wallet_balance - amount)
    )
    if result.rowcount == 0:
        db.rollback()
        return False
    db.add(WalletEntry(member_id=member.id, amount=-amount, reference=reference))
    db.commit()
    db.refresh(member)
    return True


@wallet_bp.post("/topup")
@login_required
def top_up():
    payload = request.get_json(silent=True) or {}
    amount = Decimal(str(payload.get("amount", "0")))
    payment_method = payload.get("payment_method")
    if amount <= 0 or amount > MAX_TOPUP:
        return jsonify({"error": {"code": "bad_request", "message": "amount out of range"}}), 400

    logger.info("wallet top-up requested: %s", payload)  # expect: SEC007
    try:
        charge = stripe.PaymentIntent.create(
            amount=int(amount * 100),
            currency="eur",
            customer=current_user.stripe_customer_id,
            payment_method=payment_method,
            confirm=True,
            idempotency_key=request.headers.get("Idempotency-Key"),  # ok: REL003
        )
    except stripe.error.CardError as exc:
        logger.warning("card declined for member %s: %s", current_user.id, exc.code)
        return jsonify({"error": {"code": "card_declined", "message": exc.user_message}}), 402

    member = g.db.get(Member, current_user.id)
    balance = credit_wallet(g.db, member, amount, reference=charge.id)  # todo-expect: REL004
    return jsonify({"balance": str(balance)})


@wallet_bp.post("/pay-fee")
@login_required
def pay_late_fee():
    payload = request.get_json(silent=True) or {}
    amount = Decimal(str(payload.get("amount", "0")))
    booking_id = payload.get("booking_id")
    member = g.db.get(Member, current_user.id)
    try:
        paid = debit_wallet(g.db, member, amount, reference=f"late-fee-{booking_id}")
    except Exception:
        logger.exception("wallet debit failed", extra={"member_id": current_user.id})
        return jsonify({"paid": True})  # expect: ERR002
    if not paid:
        return jsonify({"error": {"code": "insufficient_funds", "message": "top up first"}}), 402
    return jsonify({"paid": True, "balance": str(member.wallet_balance)})
