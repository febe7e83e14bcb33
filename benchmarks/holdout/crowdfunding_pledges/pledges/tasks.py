import logging

import stripe
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Sum
from django.utils import timezone

from .models import Campaign, Pledge
from .notifications import notify_campaign_failed

logger = logging.getLogger(__name__)

stripe.api_key = settings.STRIPE_SECRET_KEY
stripe.max_network_retries = 0


@shared_task
def settle_ended_campaigns():
    ended = Campaign.objects.filter(status=Campaign.Status.LIVE, ends_at__lte=timezone.now())
    for campaign_id in ended.values_list("pk", flat=True)[:200]:
        settle_campaign.delay(campaign_id)


@shared_task
def settle_campaign(campaign_id):
    updated = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.LIVE).update(
        status=Campaign.Status.FUNDED
    )
    if not updated:
        return
    campaign = Campaign.objects.get(pk=campaign_id)
    if not campaign.has_reached_goal():
        Campaign.objects.filter(pk=campaign_id).update(status=Campaign.Status.FAILED)
        notify_campaign_failed.delay(campaign_id)
        return

    pending = Pledge.objects.filter(campaign_id=campaign_id, status=Pledge.Status.PENDING)
    for pledge_id in pending.values_list("pk", flat=True).iterator():
        charge_pledge.delay(pledge_id)
    logger.info("campaign %s funded, charges queued", campaign_id)


@shared_task(
    bind=True,
    autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError),
    retry_backoff=True,
    max_retries=5,
)
def charge_pledge(self, pledge_id):
    pledge = Pledge.objects.select_related("campaign", "backer__backer_profile").get(pk=pledge_id)  # ok: DB001
    if pledge.status != Pledge.Status.PENDING:
        return
    profile = pledge.backer.backer_profile
    try:
        intent = stripe.PaymentIntent.create(  # expect: REL003
            amount=pledge.amount_cents,
            currency=pledge.campaign.currency,
            customer=profile.stripe_customer_id,
            payment_method=profile.default_payment_method,
            off_session=True,
            confirm=True,
            metadata={"pledge_id": pledge.pk, "campaign": pledge.campaign.slug},
        )
    except stripe.error.CardError as exc:
        logger.warning("card declined for pledge %s: %s", pledge.pk, exc.code)
        Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.FAILED)
        return

    pledge.status = Pledge.Status.CHARGED
    pledge.payment_intent_id = intent.id
    pledge.charged_at = timezone.now()
    pledge.save(update_fields=["status", "payment_intent_id", "charged_at"])


@shared_task
def pay_out_campaigns():
    for campaign in Campaign.objects.filter(status=Campaign.Status.CHARGED)[:50]:
        pay_out_campaign(campaign)  # ok: DB001


def pay_out_campaign(campaign):
    charged = Pledge.objects.filter(campaign=campaign, status=Pledge.Status.CHARGED)
    total = charged.aggregate(total=Sum("amount_cents"))["total"] or 0
    fee = total * settings.PLATFORM_FEE_PERCENT // 100
    transfer = stripe.Transfer.create(  # expect: REL004, REL003
        amount=total - fee,
        currency=campaign.currency,
        destination=campaign.stripe_account_id,
        metadata={"campaign_id": campaign.pk},
    )
    campaign.status = Campaign.Status.PAID_OUT
    campaign.payout_transfer_id = transfer.id
    campaign.save(update_fields=["status", "payout_transfer_id"])
    send_owner_summary.delay(campaign.pk)


@shared_task
def send_owner_summary(campaign_id):
    campaign = Campaign.objects.select_related("owner").get(pk=campaign_id)
    lines = []
    for pledge in campaign.pledges.filter(status=Pledge.Status.CHARGED).order_by("created_at"):
        lines.append(f"{pledge.backer.email}: ${pledge.amount_cents / 100:.2f}")  # expect: DB001
    send_mail(
        subject=f"Payout sent for {campaign.title}",
        message="Your backers:\n" + "\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[campaign.owner.email],
    )
