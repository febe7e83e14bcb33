"""Fuel dock kiosk: the attendant keys in litres and the skipper pays by card."""
import logging
from decimal import Decimal, InvalidOperation

import stripe
from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required

from marina.models import FuelPurchase, FuelTank, db

log = logging.getLogger(__name__)
bp = Blueprint("fuel_dock", __name__, url_prefix="/api/fuel")

MAX_LITRES_PER_SALE = Decimal("1500")


def _litres_from(payload):
    try:
        litres = Decimal(str(payload.get("litres", "0"))).quantize(Decimal("0.01"))
    except InvalidOperation:
        abort(400, "litres must be a number")
    if litres <= 0 or litres > MAX_LITRES_PER_SALE:
        abort(400, "litres out of range")
    return litres


@bp.get("/prices")
def prices():
    return jsonify(current_app.config["FUEL_PENCE_PER_LITRE"])


@bp.get("/tanks")
@login_required
def tank_levels():
    if not current_user.is_harbourmaster:
        abort(403)
    tanks = FuelTank.query.order_by(FuelTank.grade).all()
    return jsonify({t.grade: str(t.litres) for t in tanks})


@bp.post("/kiosk/sales")
@login_required
def kiosk_sale():
    payload = request.get_json(silent=True) or {}
    grade = payload.get("grade")
    price_table = current_app.config["FUEL_PENCE_PER_LITRE"]
    if grade not in price_table:
        abort(400, "unknown fuel grade")
    litres = _litres_from(payload)
    payment_method = payload.get("payment_method")
    if not payment_method:
        abort(400, "payment_method is required")

    tank = FuelTank.query.filter_by(grade=grade).one()
    if tank.litres < litres:
        abort(409, "not enough fuel in the tank for this sale")
    amount = int(litres * price_table[grade])

    try:
        intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
            amount=amount,
            currency="gbp",
            customer=current_user.stripe_customer_id,
            payment_method=payment_method,
            confirm=True,
            automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
            metadata={"grade": grade, "litres": str(litres), "owner_id": current_user.id},
        )
    except stripe.error.CardError as exc:
        log.warning("card declined owner=%s code=%s", current_user.id, exc.code)
        return jsonify(error="card_declined", detail=exc.user_message), 402

    tank.litres = tank.litres - litres  # expect: DB004
    sale = FuelPurchase(
        owner_id=current_user.id,
        grade=grade,
        litres=litres,
        amount_pence=amount,
        status="paid" if intent.status == "succeeded" else intent.status,
        payment_intent_id=intent.id,
    )
    db.session.add(sale)
    db.session.commit()
    log.info("fuel sale id=%s grade=%s litres=%s owner=%s", sale.id, grade, litres, current_user.id)
    return jsonify(id=sale.id, amount_pence=amount, status=sale.status), 201


@bp.get("/kiosk/sales/<int:sale_id>")
@login_required
def sale_receipt(sale_id):
    sale = FuelPurchase.query.filter_by(id=sale_id, owner_id=current_user.id).first_or_404()
    return jsonify(id=sale.id, grade=sale.grade, litres=str(sale.litres),
                   amount_pence=sale.amount_pence, status=sale.status)
