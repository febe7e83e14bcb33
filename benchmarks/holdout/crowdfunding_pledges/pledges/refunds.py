import logging
from smtplib import SMTPException

import stripe
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Campaign, Pledge, Refund

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def refund_pledge(self, pledge_id, reason="requested_by_customer"):
    pledge = Pledge.objects.get(pk=pledge_id)
    if pledge.status != Pledge.Status.CHARGED or not pledge.payment_intent_id:
        logger.info("pledge %s is %s, nothing to refund", pledge_id, pledge.status)
        return

    refund = stripe.Refund.create(
        payment_intent=pledge.payment_intent_id,
        reason=reason,
        metadata={"pledge_id": pledge.pk},
        idempotency_key=f"pledge-refund-{pledge.pk}",  # ok: REL003
    )

    with transaction.atomic():
        locked = Pledge.objects.select_for_update().get(pk=pledge_id)  # ok: DB004
        if locked.status != Pledge.Status.CHARGED:
            return
        Refund.objects.get_or_create(  # ok: DB005
            stripe_refund_id=refund.id,
            defaults={"pledge": locked, "amount_cents": locked.amount_cents, "reason": reason},
        )
        locked.status = Pledge.Status.REFUNDED
        locked.save(update_fields=["status"])
        Campaign.objects.filter(pk=locked.campaign_id).update(
            pledged_cents=F("pledged_cents") - locked.amount_cents,  # ok: DB004
            backer_count=F("backer_count") - 1,
        )
        transaction.on_commit(lambda: send_refund_email.delay(pledge_id))  # ok: REL004
    logger.info("pledge %s refunded (%s)", pledge_id, refund.id)


@shared_task(bind=True, max_retries=3, default_retry_delay=120)
def send_refund_email(self, pledge_id):
    claimed = Pledge.objects.filter(pk=pledge_id, refund_email_sent_at__isnull=True).update(
        refund_email_sent_at=timezone.now()
    )
    if not claimed:
        return
    pledge = Pledge.objects.select_related("campaign", "backer").get(pk=pledge_id)
    try:
        send_mail(  # ok: REL003
            subject=f"Your pledge to {pledge.campaign.title} was refunded",
            message=(
                f"We refunded ${pledge.amount_cents / 100:.2f} to your original payment method. "
                "It can take 5-10 business days to appear."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[pledge.backer.email],
        )
    except SMTPException as exc:
        Pledge.objects.filter(pk=pledge_id).update(refund_email_sent_at=None)
        logger.warning("refund email for pledge %s failed, will retry", pledge_id)
        raise self.retry(exc=exc)


@shared_task
def refund_failed_campaign(campaign_id):
    charged = Pledge.objects.filter(campaign_id=campaign_id, status=Pledge.Status.CHARGED)
    queued = 0
    for pledge_id in charged.values_list("pk", flat=True).iterator():
        refund_pledge.delay(pledge_id, reason="requested_by_customer")
        queued += 1
    logger.info("queued %d refunds for campaign %s", queued, campaign_id)
