"""Fuel drawn on account: recorded at the pump, charged to the saved card later."""
import logging
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

import stripe
from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import update

from marina.app import celery
from marina.models import FuelPurchase, FuelTank, Owner, db

log = logging.getLogger(__name__)
bp = Blueprint("fuel_account", __name__, url_prefix="/api/fuel/account")


@bp.post("/purchases")
@login_required
def record_account_purchase():
    payload = request.get_json(silent=True) or {}
    grade = payload.get("grade")
    prices = current_app.config["FUEL_PENCE_PER_LITRE"]
    try:
        litres = Decimal(str(payload.get("litres"))).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError):
        abort(400, "litres must be a number")
    if grade not in prices or not (0 < litres <= 1500):
        abort(400, "invalid grade or litres")

    drawn = db.session.execute(
        update(FuelTank)
        .where(FuelTank.grade == grade, FuelTank.litres >= litres)
        .values(litres=FuelTank.litres - litres)  # ok: DB004
    )
    if drawn.rowcount == 0:
        db.session.rollback()
        abort(409, "not enough fuel in the tank for this sale")
    purchase = FuelPurchase(owner_id=current_user.id, grade=grade, litres=litres,
                            amount_pence=int(litres * prices[grade]), status="pending")
    db.session.add(purchase)
    db.session.commit()
    settle_purchase.delay(purchase.id)
    return jsonify(id=purchase.id, status="pending", amount_pence=purchase.amount_pence), 202


@celery.task(bind=True, autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError),
             retry_backoff=True, max_retries=6)
def settle_purchase(self, purchase_id):
    purchase = db.session.get(FuelPurchase, purchase_id)
    if purchase is None or purchase.status != "pending":
        return
    owner = db.session.get(Owner, purchase.owner_id)
    try:
        intent = stripe.PaymentIntent.create(  # ok: REL003
            amount=purchase.amount_pence,
            currency="gbp",
            customer=owner.stripe_customer_id,
            off_session=True,
            confirm=True,
            metadata={"fuel_purchase_id": purchase.id},
            idempotency_key=f"fuel-purchase-{purchase.id}",
        )
    except stripe.error.CardError as exc:
        log.warning("fuel purchase %s declined: %s", purchase.id, exc.code)
        purchase.status = "declined"
        db.session.commit()
        return
    purchase.payment_intent_id = intent.id
    purchase.status = "paid" if intent.status == "succeeded" else "processing"
    db.session.commit()
    log.info("fuel purchase %s settled intent=%s", purchase.id, intent.id)


@celery.task
def requeue_stale_purchases():
    """Beat job: anything still pending after 15 minutes is re-sent (same idempotency key)."""
    cutoff = datetime.now(timezone.utc) - timedelta(minutes=15)
    stale = (
        db.session.query(FuelPurchase.id)
        .filter(FuelPurchase.status == "pending", FuelPurchase.created_at < cutoff)
        .limit(200)
        .all()
    )
    for (purchase_id,) in stale:
        settle_purchase.delay(purchase_id)
    if stale:
        log.info("requeued %d stale fuel purchases", len(stale))
