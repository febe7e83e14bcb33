import calendar
import logging
from datetime import date

import stripe
from flask import Blueprint, current_app, g, jsonify, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from .models import Donation, ReceiptOutbox, RecurringPlan

logger = logging.getLogger(__name__)
bp = Blueprint("recurring", __name__, url_prefix="/api/plans")

MAX_FAILURES = 3
MANAGE_LINK_MAX_AGE = 60 * 60 * 24 * 30


def _next_charge_date(current, day_of_month):
    year, month = (current.year + 1, 1) if current.month == 12 else (current.year, current.month + 1)
    return date(year, month, min(day_of_month, calendar.monthrange(year, month)[1]))


def charge_due_plans(app):
    settings = app.extensions["settings"]
    today = date.today()
    with app.extensions["db_sessionmaker"]() as db:
        plans = db.scalars(
            select(RecurringPlan).where(RecurringPlan.active.is_(True), RecurringPlan.next_charge_on <= today)
        ).all()
        charged = 0
        for plan in plans:
            donor = plan.donor  # expect: DB001
            try:
                intent = stripe.PaymentIntent.create(amount=plan.amount_pence, currency="gbp", customer=donor.stripe_customer_id, payment_method=plan.stripe_payment_method, off_session=True, confirm=True, metadata={"plan": plan.id}, api_key=settings.stripe_api_key)  # expect: REL003, REL004
            except stripe.error.CardError as exc:
                plan.failures += 1
                if plan.failures >= MAX_FAILURES:
                    plan.active = False
                logger.warning("recurring charge declined plan=%s code=%s failures=%s", plan.id, exc.code, plan.failures)
                continue
            except stripe.error.StripeError:
                logger.exception("recurring charge error plan=%s", plan.id)
                continue

            donation = Donation(
                donor_id=donor.id,
                campaign_id=plan.campaign_id,
                plan_id=plan.id,
                amount_pence=plan.amount_pence,
                status=intent.status,
                stripe_payment_intent=intent.id,
                gift_aid=False,
            )
            db.add(donation)
            db.flush()
            db.add(ReceiptOutbox(donation_id=donation.id, kind="recurring"))
            plan.next_charge_on = _next_charge_date(plan.next_charge_on, plan.day_of_month)
            plan.failures = 0
            charged += 1
        db.commit()
        logger.info("recurring run %s: charged=%s due=%s", today, charged, len(plans))


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="plan-manage")


def manage_token(plan):
    return _serializer().dumps({"plan": plan.id, "donor": plan.donor_id})


@bp.post("/<int:plan_id>/cancel")
def cancel_plan(plan_id):
    token = request.args.get("token", "")
    try:
        claims = _serializer().loads(token, max_age=MANAGE_LINK_MAX_AGE)
    except BadSignature:
        return jsonify({"error": {"code": "invalid_link", "message": "This link is invalid or has expired"}}), 403
    plan = g.db.get(RecurringPlan, plan_id)
    if plan is None or claims.get("plan") != plan.id or claims.get("donor") != plan.donor_id:  # ok: SEC018
        return jsonify({"error": {"code": "not_found", "message": "Plan not found"}}), 404
    plan.active = False
    g.db.commit()
    logger.info("plan cancelled plan=%s donor=%s", plan.id, plan.donor_id)
    return jsonify({"data": {"id": plan.id, "active": False}})
