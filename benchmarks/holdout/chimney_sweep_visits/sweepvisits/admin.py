"""Back-office tools: deposit refunds, crew capacity and customer lookup."""
import logging
from datetime import date

import stripe
from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import select

from . import db
from .models import Appointment, CrewDay, User

bp = Blueprint("admin", __name__, url_prefix="/admin")
logger = logging.getLogger(__name__)

MAX_CREW_CAPACITY = 12


def _require_office():
    if current_user.role not in ("office", "admin"):
        abort(403)


@bp.post("/appointments/<int:appointment_id>/refund-deposit")
@login_required
def refund_deposit(appointment_id):
    assert current_user.role == "admin", "only admins can refund"  # expect: SEC017
    appt = db.get_or_404(Appointment, appointment_id)
    if appt.deposit_status != "paid" or not appt.deposit_intent_id:
        return jsonify(error="no_refundable_deposit"), 409

    try:
        refund = stripe.Refund.create(
            payment_intent=appt.deposit_intent_id,
            idempotency_key=f"deposit-refund-{appt.id}",
            api_key=current_app.config["STRIPE_SECRET_KEY"],
        )
    except stripe.error.StripeError as exc:
        logger.error("refund failed for appointment %s: %s", appt.id, exc)  # expect: OBS002
        return jsonify(status="refunded", appointment_id=appt.id)  # expect: ERR002

    appt.deposit_status = "refunded"
    db.session.commit()
    logger.info("admin %s refunded deposit for appointment %s", current_user.id, appt.id)
    return jsonify(status="refunded", appointment_id=appt.id, refund_id=refund.id)


@bp.put("/crews/<int:crew_id>/days/<day>/capacity")
@login_required
def set_capacity(crew_id, day):
    _require_office()
    try:
        capacity = int((request.get_json(silent=True) or {})["capacity"])
        work_day = date.fromisoformat(day)
    except (KeyError, TypeError, ValueError):
        return jsonify(error="invalid_request"), 400
    if not 0 <= capacity <= MAX_CREW_CAPACITY:
        return jsonify(error="capacity_out_of_range"), 400

    result = db.session.execute(
        db.update(CrewDay)
        .where(CrewDay.crew_id == crew_id, CrewDay.day == work_day, CrewDay.booked <= capacity)
        .values(capacity=capacity)
    )
    if result.rowcount == 0:
        db.session.rollback()
        return jsonify(error="below_current_bookings_or_unknown_day"), 409
    db.session.commit()
    logger.info("user %s set crew %s capacity on %s to %d", current_user.id, crew_id, work_day, capacity)
    return jsonify(crew_id=crew_id, day=work_day.isoformat(), capacity=capacity)


@bp.get("/customers")
@login_required
def find_customer():
    _require_office()
    email = request.args.get("email", "").strip().lower()
    if not email:
        return jsonify(error="email_required"), 400
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        return jsonify(error="not_found"), 404
    recent = db.session.execute(
        select(Appointment)
        .where(Appointment.customer_id == user.id)
        .order_by(Appointment.day.desc())
        .limit(20)
    ).scalars().all()
    return jsonify(
        id=user.id,
        name=user.full_name,
        email=user.email,
        appointments=[{"id": a.id, "day": a.day.isoformat(), "status": a.status} for a in recent],
    )
