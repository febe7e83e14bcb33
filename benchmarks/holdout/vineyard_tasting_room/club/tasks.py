"""Quarterly wine club charges, started by Celery beat (see tastingroom/celery.py)."""
import logging
from datetime import date
from smtplib import SMTPException

import stripe
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import ClubShipment

log = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_API_KEY

RETRYABLE_STRIPE_ERRORS = (stripe.error.APIConnectionError, stripe.error.RateLimitError)


def current_quarter(today: date | None = None) -> str:
    today = today or timezone.localdate()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _is_paused(membership, today: date) -> bool:
    return membership.paused_until is not None and membership.paused_until > today


@shared_task
def charge_quarterly_club() -> int:
    """Queue one charge task per pending shipment of the current quarter."""
    quarter = current_quarter()
    today = timezone.localdate()
    pending = ClubShipment.objects.filter(quarter=quarter, status=ClubShipment.Status.PENDING).order_by("pk")
    queued, skipped = 0, []
    for shipment in pending.iterator(chunk_size=500):
        membership = shipment.membership  # expect: DB001
        if not membership.is_active or _is_paused(membership, today):
            skipped.append(shipment.pk)
            continue
        charge_club_shipment.delay(shipment.pk)
        queued += 1
    ClubShipment.objects.filter(pk__in=skipped, status=ClubShipment.Status.PENDING).update(
        status=ClubShipment.Status.SKIPPED
    )
    log.info("club %s: queued %d charges, skipped %d paused or inactive", quarter, queued, len(skipped))
    return queued


@shared_task(
    bind=True,
    autoretry_for=RETRYABLE_STRIPE_ERRORS,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def charge_club_shipment(self, shipment_id: int) -> str:
    shipment = ClubShipment.objects.select_related("membership").get(pk=shipment_id)
    if shipment.status != ClubShipment.Status.PENDING:
        log.info("shipment %s is %s; not charging", shipment_id, shipment.status)
        return shipment.status
    membership = shipment.membership

    try:
        intent = stripe.PaymentIntent.create(  # expect: REL003
            amount=shipment.total_cents,
            currency="usd",
            customer=membership.stripe_customer_id,
            payment_method=membership.default_payment_method,
            off_session=True,
            confirm=True,
            description=f"Vinecrest wine club {shipment.quarter}",
            metadata={"shipment_id": shipment.pk, "quarter": shipment.quarter},
        )
    except stripe.error.CardError as exc:
        log.warning("club charge declined: %s", exc.user_message)  # todo-expect: OBS003
        shipment.status = ClubShipment.Status.FAILED
        shipment.save(update_fields=["status"])
        return shipment.status

    shipment.status = ClubShipment.Status.PAID
    shipment.payment_intent_id = intent.id
    shipment.charged_at = timezone.now()
    shipment.save(update_fields=["status", "payment_intent_id", "charged_at"])
    log.info("shipment %s charged %d cents (intent %s)", shipment.pk, shipment.total_cents, intent.id)
    return shipment.status


@shared_task(bind=True, autoretry_for=(SMTPException, OSError), retry_backoff=60, max_retries=3)
def email_shipment_notices(self, quarter: str) -> int:
    """Tell every paid member their box is on its way (queued once shipping labels print)."""
    shipments = (
        ClubShipment.objects.filter(quarter=quarter, status=ClubShipment.Status.SHIPPED)
        .select_related("membership__member")
        .order_by("pk")
    )
    sent = 0
    for shipment in shipments.iterator(chunk_size=500):
        member = shipment.membership.member
        send_mail(  # expect: REL003
            subject=f"Your Vinecrest {quarter} club shipment is on its way",
            message=f"Hi {member.first_name}, your wines left the cellar today. An adult signature is required.",
            from_email=None,
            recipient_list=[member.email],
        )
        sent += 1
    log.info("club %s: %d shipment notices sent", quarter, sent)
    return sent
