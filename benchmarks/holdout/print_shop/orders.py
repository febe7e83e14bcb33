"""Turning accepted quotes into paid orders, and payment provider callbacks."""
import logging
import time

import requests
import stripe
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required

from .app import csrf, db
from .models import Order, PaperStock, Quote
from .print_jobs import send_order_confirmation, submit_print_job

logger = logging.getLogger(__name__)
bp = Blueprint("orders", __name__, url_prefix="/api/orders")


class PaymentError(Exception):
    pass


def _charge(customer_id: int, amount_cents: int, card_token: str) -> str:
    """Charge a tokenised card through Paywell and return the charge id."""
    url = f"{current_app.config['PAYMENTS_URL']}/charges"
    headers = {"Authorization": f"Bearer {current_app.config['PAYMENTS_API_KEY']}"}
    body = {"amount": amount_cents, "currency": "EUR", "source": card_token, "reference": f"customer-{customer_id}"}
    for attempt in range(3):  # ok: REL002
        try:
            resp = requests.post(url, json=body, headers=headers)  # expect: REL001, REL003
        except requests.ConnectionError:
            logger.warning("Paywell unreachable, attempt %d", attempt + 1)
        else:
            if resp.status_code == 402:
                raise PaymentError(resp.json().get("decline_reason", "card declined"))
            if resp.status_code < 500:
                resp.raise_for_status()
                return resp.json()["charge_id"]
            logger.warning("Paywell returned %s, attempt %d", resp.status_code, attempt + 1)
        time.sleep(2 ** attempt)
    raise PaymentError("payment provider unavailable")


@bp.post("/from-quote/<int:quote_id>")
@login_required
def place_order(quote_id):
    quote = Quote.query.filter_by(id=quote_id, customer_id=current_user.id, status="open").first_or_404()  # ok: SEC018
    card_token = (request.get_json(silent=True) or {}).get("card_token")
    if not card_token:
        return jsonify({"error": "card_token is required"}), 400
    stock = db.session.get(PaperStock, quote.product.paper_sku)
    sheets = int(quote.quantity * quote.product.sheets_per_unit) + 1
    if stock.sheets_on_hand < sheets:
        return jsonify({"error": "not enough paper in stock for this run"}), 409

    try:
        charge_id = _charge(current_user.id, quote.total_cents, card_token)  # expect: REL004
    except PaymentError as exc:
        return jsonify({"error": str(exc)}), 402

    stock.sheets_on_hand -= sheets  # expect: DB004, DB005
    quote.status = "ordered"
    order = Order(customer_id=current_user.id, quote_id=quote.id, amount_cents=quote.total_cents,
                  payment_ref=charge_id, status="paid")
    db.session.add(order)
    db.session.commit()
    submit_print_job.delay(order.id)
    try:
        send_order_confirmation.delay(order.id)
    except Exception:  # expect: ERR001
        pass
    logger.info("customer %s placed order %s (charge %s)", current_user.id, order.id, charge_id)
    return jsonify({"order_id": order.id, "status": order.status}), 201


@bp.get("/<int:order_id>")
@login_required
def order_detail(order_id):
    order = Order.query.filter_by(id=order_id, customer_id=current_user.id).first_or_404()  # ok: SEC018
    return jsonify({"id": order.id, "status": order.status, "amount_cents": order.amount_cents})


@bp.post("/<int:order_id>/stripe-intent")
@login_required
def stripe_intent(order_id):
    """Card payment through Stripe Elements for orders created as pending_payment."""
    order = Order.query.filter_by(id=order_id, customer_id=current_user.id, status="pending_payment").first_or_404()
    intent = stripe.PaymentIntent.create(amount=order.amount_cents, currency="eur", metadata={"order_id": order.id}, idempotency_key=f"order-{order.id}-intent")  # ok: REL003, REL004
    order.payment_ref = intent.id
    db.session.commit()
    return jsonify({"client_secret": intent.client_secret})


@bp.post("/webhooks/stripe")
@csrf.exempt  # ok: SEC014
def stripe_webhook():
    try:
        event = stripe.Webhook.construct_event(
            request.get_data(), request.headers.get("Stripe-Signature", ""), current_app.config["STRIPE_WEBHOOK_SECRET"]
        )
    except (ValueError, stripe.error.SignatureVerificationError):
        logger.warning("rejected Stripe webhook with an invalid signature")
        return "", 400
    if event["type"] == "payment_intent.succeeded":
        intent = event["data"]["object"]
        updated = Order.query.filter_by(payment_ref=intent["id"], status="pending_payment").update({"status": "paid"})  # ok: DB004, DB005
        db.session.commit()
        if updated:
            submit_print_job.delay(int(intent["metadata"]["order_id"]))  # ok: REL004
    return "", 200
