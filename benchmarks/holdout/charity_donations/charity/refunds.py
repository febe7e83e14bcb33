import logging

import stripe
from flask import Blueprint, abort, current_app, g, jsonify, request, session
from sqlalchemy import select, update

from .admin_auth import admin_required
from .models import Campaign, Donation, Refund

logger = logging.getLogger(__name__)
bp = Blueprint("refunds", __name__, url_prefix="/admin/refunds")

PAGE_SIZE = 50
REASONS = {"duplicate", "requested_by_customer", "fraudulent"}


@bp.get("")
@admin_required
def list_refunds():
    page = max(request.args.get("page", 1, type=int), 1)
    rows = g.db.scalars(
        select(Refund).order_by(Refund.created_at.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)  # ok: DB002
    ).all()
    return jsonify(
        {
            "data": [
                {
                    "id": r.id,
                    "donation_id": r.donation_id,
                    "amount_pence": r.amount_pence,
                    "reason": r.reason,
                    "created_at": r.created_at.isoformat(),
                }
                for r in rows
            ],
            "page": page,
        }
    )


@bp.post("/<int:donation_id>")
def refund_donation(donation_id):  # expect: SEC018
    donation = g.db.get(Donation, donation_id)
    if donation is None:
        abort(404)
    body = request.get_json(silent=True) or {}
    remaining = donation.amount_pence - donation.refunded_pence
    amount = int(body.get("amount_pence") or remaining)
    reason = body.get("reason", "requested_by_customer")
    if reason not in REASONS:
        return jsonify({"error": {"code": "invalid_reason", "message": "Unknown refund reason"}}), 400
    if amount <= 0 or amount > remaining:
        return jsonify({"error": {"code": "invalid_amount", "message": "Amount exceeds refundable balance"}}), 400

    try:
        stripe_refund = stripe.Refund.create(payment_intent=donation.stripe_payment_intent, amount=amount, reason=reason, api_key=current_app.extensions["settings"].stripe_api_key)  # expect: DB005
    except stripe.error.StripeError:
        logger.exception("stripe refund failed donation=%s amount=%s", donation_id, amount)
        return jsonify({"data": {"donation": donation_id, "status": "refund_requested"}}), 200  # expect: ERR002

    g.db.add(
        Refund(
            donation_id=donation.id,
            amount_pence=amount,
            stripe_refund_id=stripe_refund.id,
            reason=reason,
            created_by=session.get("staff_id"),
        )
    )
    g.db.execute(
        update(Donation)
        .where(Donation.id == donation.id)
        .values(refunded_pence=Donation.refunded_pence + amount)  # ok: DB004
    )
    if donation.campaign_id is not None:
        g.db.execute(
            update(Campaign)
            .where(Campaign.id == donation.campaign_id)
            .values(raised_pence=Campaign.raised_pence - amount)
        )
    g.db.commit()
    logger.info("refund %s issued donation=%s amount=%s", stripe_refund.id, donation.id, amount)
    return jsonify({"data": {"donation": donation_id, "refund": stripe_refund.id, "status": "refunded"}}), 201
