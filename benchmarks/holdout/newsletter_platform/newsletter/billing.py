import logging
from dataclasses import dataclass

import stripe
from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from newsletter.extensions import db
from newsletter.models import Account, CreditPurchase
from newsletter.settings import settings

bp = Blueprint("billing", __name__)
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CreditPack:
    credits: int
    price_cents: int


CREDIT_PACKS = {
    "10k": CreditPack(credits=10_000, price_cents=1_500),
    "50k": CreditPack(credits=50_000, price_cents=6_000),
    "250k": CreditPack(credits=250_000, price_cents=25_000),
}


@bp.post("/billing/credit-packs/<code>/purchase")
@login_required
def buy_credit_pack(code: str):
    pack = CREDIT_PACKS.get(code)
    if pack is None:
        abort(404)
    client_key = request.headers.get("Idempotency-Key", "")
    if not 8 <= len(client_key) <= 64:
        return jsonify(error="an Idempotency-Key header of 8 to 64 characters is required"), 400

    account = db.session.get(Account, current_user.account_id)
    purchase = CreditPurchase(
        account_id=account.id,
        pack_code=code,
        credits=pack.credits,
        amount_cents=pack.price_cents,
        client_key=client_key,
        status="pending",
    )
    db.session.add(purchase)
    try:
        db.session.commit()  # ok: DB005
    except IntegrityError:
        db.session.rollback()
        existing = CreditPurchase.query.filter_by(account_id=account.id, client_key=client_key).one()
        return jsonify(purchase_id=existing.id, status=existing.status), 200

    try:
        intent = stripe.PaymentIntent.create(
            amount=pack.price_cents,
            currency="usd",
            customer=account.stripe_customer_id,
            payment_method=account.default_payment_method,
            off_session=True,
            confirm=True,
            metadata={"credit_purchase_id": purchase.id, "account_id": account.id},
            idempotency_key=f"credit-purchase-{purchase.id}",  # ok: REL003
            api_key=settings.stripe_secret_key,
        )
    except stripe.error.CardError as exc:
        purchase.status = "declined"
        db.session.commit()
        return jsonify(error=exc.user_message or "card declined", purchase_id=purchase.id), 402
    except stripe.error.StripeError:
        logger.exception("credit pack charge failed purchase_id=%s account_id=%s", purchase.id, account.id)
        return jsonify(error="payment provider unavailable, the purchase is pending", purchase_id=purchase.id), 503

    if intent.status == "succeeded":
        claimed = db.session.execute(
            update(CreditPurchase)
            .where(CreditPurchase.id == purchase.id, CreditPurchase.status == "pending")
            .values(status="paid", payment_intent_id=intent.id)
        ).rowcount
        if claimed:
            db.session.execute(
                update(Account)
                .where(Account.id == account.id)
                .values(email_credits=Account.email_credits + pack.credits)  # ok: DB004
            )
        db.session.commit()
    logger.info("credit pack purchase purchase_id=%s account_id=%s intent_status=%s", purchase.id, account.id, intent.status)
    return jsonify(purchase_id=purchase.id, status="paid" if intent.status == "succeeded" else "processing"), 201
