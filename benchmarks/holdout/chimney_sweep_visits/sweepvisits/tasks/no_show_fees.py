"""No-show fees: flagged each morning by beat, charged one appointment per task."""
import logging
from datetime import date, timedelta

import stripe
from celery import shared_task
from flask import current_app
from sqlalchemy import select

from .. import db
from ..models import Appointment, Crew, CrewDay

logger = logging.getLogger(__name__)

BATCH_LIMIT = 500


@shared_task
def queue_no_show_fees():
    """Mark yesterday's no-shows as owing a fee and queue one charge task each."""
    yesterday = date.today() - timedelta(days=1)
    ids = db.session.execute(
        select(Appointment.id)
        .where(
            Appointment.day == yesterday,
            Appointment.status == "no_show",
            Appointment.no_show_fee_status.is_(None),
        )
        .limit(BATCH_LIMIT)
    ).scalars().all()
    if not ids:
        return 0
    db.session.execute(
        db.update(Appointment).where(Appointment.id.in_(ids)).values(no_show_fee_status="due")
    )
    db.session.commit()
    for appointment_id in ids:
        charge_no_show_fee.delay(appointment_id)
    logger.info("queued %d no-show fees for %s", len(ids), yesterday)
    return len(ids)


@shared_task(
    bind=True,
    autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError),
    retry_backoff=True,
    max_retries=4,
)
def charge_no_show_fee(self, appointment_id):
    # Claim the row so a second copy of this task does nothing.
    claimed = db.session.execute(
        db.update(Appointment)
        .where(
            Appointment.id == appointment_id,
            Appointment.no_show_fee_status.in_(("due", "charging")),
        )
        .values(no_show_fee_status="charging")
    )
    db.session.commit()
    if claimed.rowcount == 0:
        return None

    appt = db.session.get(Appointment, appointment_id)
    customer = appt.customer
    stripe.api_key = current_app.config["STRIPE_SECRET_KEY"]
    try:
        intent = stripe.PaymentIntent.create(
            amount=current_app.config["NO_SHOW_FEE_PENCE"],
            currency="gbp",
            customer=customer.stripe_customer_id,
            payment_method=customer.default_payment_method,
            off_session=True,
            confirm=True,
            metadata={"appointment_id": str(appt.id), "kind": "no_show_fee"},
            idempotency_key=f"no-show-fee-{appt.id}",  # ok: REL003
        )
    except stripe.error.CardError:
        logger.warning("no-show fee declined for appointment %s", appt.id, exc_info=True)
        appt.no_show_fee_status = "declined"
        db.session.commit()
        return None

    appt.no_show_intent_id = intent.id
    appt.no_show_fee_status = "charged" if intent.status == "succeeded" else intent.status
    db.session.commit()
    logger.info("no-show fee %s for appointment %s: %s", intent.id, appt.id, intent.status)
    return intent.id


@shared_task
def open_crew_days(days_ahead=28):
    """Create tomorrow-plus-N crew day rows; existing rows are left alone."""
    target = date.today() + timedelta(days=days_ahead)
    crews = db.session.execute(select(Crew.id).where(Crew.active.is_(True))).scalars().all()
    existing = set(
        db.session.execute(select(CrewDay.crew_id).where(CrewDay.day == target)).scalars()
    )
    db.session.add_all(CrewDay(crew_id=c, day=target) for c in crews if c not in existing)
    db.session.commit()  # ok: DB003
