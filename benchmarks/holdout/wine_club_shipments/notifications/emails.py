"""Transactional email through Amazon SES, claimed in the database so each notice goes out once."""
import hashlib
import logging
from datetime import timedelta

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from club.models import EmailNotice, GiftMembership, Shipment

logger = logging.getLogger(__name__)

CLAIM_TTL = timedelta(minutes=10)

_ses = boto3.client(
    "ses",
    region_name=settings.AWS_SES_REGION,
    config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"}),
)


def _claim(kind, **target):
    """Return the notice row if this worker may send it, else None."""
    notice, _ = EmailNotice.objects.get_or_create(kind=kind, **target)
    stale = timezone.now() - CLAIM_TTL
    claimed = EmailNotice.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale), pk=notice.pk, sent_at__isnull=True
    ).update(claimed_at=timezone.now())
    return notice if claimed else None


def _deliver(task, notice, to_address, subject, body):
    try:
        response = _ses.send_email(
            Source=settings.CLUB_FROM_EMAIL,
            Destination={"ToAddresses": [to_address]},
            Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": body}}},
        )
    except (BotoCoreError, ClientError) as exc:
        EmailNotice.objects.filter(pk=notice.pk).update(claimed_at=None)
        logger.warning("SES send failed for notice %s (%s), will retry", notice.pk, notice.kind, exc_info=True)
        raise task.retry(exc=exc, countdown=60 * 2 ** task.request.retries)
    EmailNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now(), ses_message_id=response["MessageId"])
    logger.info("notice %s (%s) sent, SES id %s", notice.pk, notice.kind, response["MessageId"])


@shared_task(bind=True, max_retries=4)
def send_delivery_notice(self, shipment_id):
    shipment = Shipment.objects.select_related("member__user").get(pk=shipment_id)
    notice = _claim("delivered", shipment=shipment)
    if notice is None:
        return
    user = shipment.member.user
    body = (
        f"Hi {user.first_name or 'there'},\n\n"
        f"Your {shipment.quarter} wine club shipment was delivered. "
        "Store the bottles on their side, away from light, and enjoy.\n"
    )
    _deliver(self, notice, user.email, "Your wine club shipment has arrived", body)


@shared_task(bind=True, max_retries=4)
def send_gift_code_email(self, gift_id, reissue=False):
    gift = GiftMembership.objects.get(pk=gift_id)
    code_ref = hashlib.sha256(gift.code.encode()).hexdigest()[:16]  # ok: SEC009
    notice = _claim(f"gift:{code_ref}", gift=gift)
    if notice is None:
        return
    intro = "Here is your replacement gift code." if reissue else "Someone has sent you a wine club membership!"
    body = (
        f"{intro}\n\n"
        f"Redeem code {gift.code} at https://vinecrest-club.example/redeem to start your "
        f"{gift.quarters}-quarter {gift.get_tier_display()} membership.\n"
    )
    _deliver(self, notice, gift.recipient_email, "Your wine club gift", body)
