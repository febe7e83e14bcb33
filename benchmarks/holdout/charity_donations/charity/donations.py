import logging

import stripe
from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import select
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from .models import Campaign, Donation, Donor, ReceiptOutbox

logger = logging.getLogger(__name__)
bp = Blueprint("donations", __name__, url_prefix="/api/donations")

MIN_DONATION_PENCE = 200
MAX_DONATION_PENCE = 5_000_000


def _error(code, message, status):
    return jsonify({"error": {"code": code, "message": message}}), status


@retry(
    stop=stop_after_attempt(3),  # ok: REL002
    wait=wait_exponential(multiplier=0.5, max=4),
    retry=retry_if_exception_type((stripe.error.APIConnectionError, stripe.error.RateLimitError)),
    reraise=True,
)
def _confirm_payment(amount_pence, customer_id, payment_method, campaign_slug):
    return stripe.PaymentIntent.create(  # expect: REL003
        amount=amount_pence,
        currency="gbp",
        customer=customer_id,
        payment_method=payment_method,
        confirm=True,
        automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
        metadata={"campaign": campaign_slug or ""},
        api_key=current_app.extensions["settings"].stripe_api_key,
    )


def _get_or_create_donor(db, payload):
    email = str(payload["email"]).strip().lower()
    donor = db.scalar(select(Donor).where(Donor.email == email))
    if donor is None:
        donor = Donor(
            email=email,
            first_name=str(payload.get("first_name", ""))[:80],
            last_name=str(payload.get("last_name", ""))[:80],
            address_line1=str(payload.get("address_line1", ""))[:200],
            postcode=str(payload.get("postcode", "")).upper()[:10],
        )
        db.add(donor)
        db.flush()
    if donor.stripe_customer_id is None:
        customer = stripe.Customer.create(
            email=email,
            api_key=current_app.extensions["settings"].stripe_api_key,
            idempotency_key=f"donor-{donor.id}",
        )
        donor.stripe_customer_id = customer.id
    return donor


@bp.post("")
def create_donation():
    payload = request.get_json(silent=True) or {}
    try:
        amount = int(payload["amount_pence"])
    except (KeyError, TypeError, ValueError):
        return _error("invalid_amount", "amount_pence is required", 400)
    if not MIN_DONATION_PENCE <= amount <= MAX_DONATION_PENCE:
        return _error("invalid_amount", "amount is out of range", 400)
    if not payload.get("email") or not payload.get("payment_method"):
        return _error("invalid_request", "email and payment_method are required", 400)

    db = g.db
    campaign = None
    if payload.get("campaign"):
        campaign = db.scalar(select(Campaign).where(Campaign.slug == payload["campaign"], Campaign.is_live.is_(True)))
        if campaign is None:
            return _error("campaign_not_found", "This campaign is not accepting donations", 404)
    donor = _get_or_create_donor(db, payload)

    try:
        intent = _confirm_payment(amount, donor.stripe_customer_id, payload["payment_method"], campaign.slug if campaign else None)
    except stripe.error.CardError as exc:
        db.rollback()
        logger.info("card declined donor=%s code=%s", donor.id, exc.code)
        return _error("card_declined", exc.user_message or "Your card was declined", 402)

    donation = Donation(
        donor_id=donor.id,
        campaign_id=campaign.id if campaign else None,
        amount_pence=amount,
        status=intent.status,
        stripe_payment_intent=intent.id,
        gift_aid=bool(payload.get("gift_aid")),
        message=str(payload.get("message", ""))[:500],
    )
    db.add(donation)
    if campaign is not None:
        campaign.raised_pence = campaign.raised_pence + amount  # expect: DB004
        campaign.donor_count = campaign.donor_count + 1
    db.flush()
    db.add(ReceiptOutbox(donation_id=donation.id, kind="one_off"))
    db.commit()
    logger.info("donation created donation=%s donor=%s amount=%s", donation.id, donor.id, amount)
    return jsonify({"data": {"id": donation.id, "status": donation.status}}), 201
