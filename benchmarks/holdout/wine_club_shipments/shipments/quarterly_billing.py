"""Quarterly shipment billing: one charge task per active member."""
import logging

import boto3
import stripe
from celery import shared_task
from django.conf import settings
from django.db.models import F, Sum

from club.models import Allocation, Member, Shipment, ShipmentCharge, current_quarter

logger = logging.getLogger(__name__)

TIER_BASE_CENTS = {
    Member.Tier.CLASSIC: 18900,
    Member.Tier.RESERVE: 27900,
    Member.Tier.COLLECTOR: 52900,
}
SHIPPING_CENTS = 1800

ses = boto3.client("ses", region_name=settings.AWS_SES_REGION)


def quarter_total_cents(member, quarter):
    """Tier price plus shipping plus any extra bottles requested from the allocation."""
    extras = Allocation.objects.filter(member=member, quarter=quarter).aggregate(
        total=Sum(F("quantity") * F("wine__price_cents"))
    )["total"]
    return TIER_BASE_CENTS[member.tier] + SHIPPING_CENTS + (extras or 0)


@shared_task
def enqueue_quarterly_charges():
    quarter = current_quarter()
    queued = 0
    members = Member.objects.filter(active=True, prepaid_quarters=0).order_by("pk")
    for member in members.iterator(chunk_size=500):
        amount = quarter_total_cents(member, quarter)  # expect: DB001
        charge_member_for_shipment.delay(member.pk, quarter, amount)
        queued += 1
    logger.info("queued %d shipment charges for %s", queued, quarter)


def _send_receipt(member, shipment, amount_cents):
    ses.send_email(
        Source=settings.CLUB_FROM_EMAIL,
        Destination={"ToAddresses": [member.user.email]},
        Message={
            "Subject": {"Data": f"Your {shipment.quarter} shipment is on its way to the cellar"},
            "Body": {
                "Text": {
                    "Data": (
                        f"Hi {member.user.first_name or 'there'},\n\n"
                        f"We charged ${amount_cents / 100:.2f} for your {shipment.quarter} shipment. "
                        "You'll get tracking details as soon as it ships.\n"
                    )
                }
            },
        },
    )


@shared_task(
    bind=True,
    autoretry_for=(stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError),
    retry_backoff=True,
    max_retries=5,
)
def charge_member_for_shipment(self, member_id, quarter, amount_cents):
    member = Member.objects.select_related("user").get(pk=member_id)
    address = member.addresses.filter(is_default=True).first()
    if address is None:
        logger.warning("member %s has no default address, skipping %s charge", member_id, quarter)
        return
    shipment, _ = Shipment.objects.get_or_create(member=member, quarter=quarter, defaults={"address": address})
    if ShipmentCharge.objects.filter(shipment=shipment, status="succeeded").exists():
        return

    try:
        intent = stripe.PaymentIntent.create(  # expect: REL003
            amount=amount_cents,
            currency="usd",
            customer=member.stripe_customer_id,
            payment_method=member.default_payment_method,
            off_session=True,
            confirm=True,
            description=f"Wine club shipment {quarter}",
            metadata={"shipment_id": shipment.pk, "member_id": member.pk},
            api_key=settings.STRIPE_SECRET_KEY,
        )
    except stripe.CardError as exc:
        ShipmentCharge.objects.update_or_create(
            shipment=shipment, defaults={"amount_cents": amount_cents, "status": "failed"}
        )
        logger.warning("card declined for member %s shipment %s: %s", member_id, shipment.pk, exc.code)
        return

    ShipmentCharge.objects.update_or_create(  # todo-expect: REL004
        shipment=shipment,
        defaults={"amount_cents": amount_cents, "stripe_payment_intent": intent.id, "status": "succeeded"},
    )
    _send_receipt(member, shipment, amount_cents)
    logger.info("charged member %s %d cents for shipment %s", member_id, amount_cents, shipment.pk)
