"""Transactional outbox for booking confirmations.

Messages are written in the same transaction as the booking change and sent
after commit; each carries a dedup key that the SMS provider also honours.
"""
import logging
from datetime import timedelta

import requests
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bookings.models import Booking, OutboundMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def enqueue(channel: str, recipient: str, body: str, dedup_key: str, subject: str = "") -> None:
    msg, created = OutboundMessage.objects.get_or_create(  # ok: DB005
        dedup_key=dedup_key,
        defaults={"channel": channel, "recipient": recipient, "subject": subject, "body": body},
    )
    if created:
        transaction.on_commit(lambda: deliver.delay(msg.pk))  # ok: REL004


def enqueue_confirmation(booking_id: int) -> None:
    booking = Booking.objects.select_related("trip", "user").get(pk=booking_id)
    depart = timezone.localtime(booking.trip.depart_at)
    text = f"SkyHop booking #{booking.pk} confirmed: {booking.trip.route_code} at {depart:%b %d %H:%M}."
    enqueue("sms", booking.passenger_phone, text, dedup_key=f"confirm-sms-{booking.pk}")
    enqueue("email", booking.user.email, text, dedup_key=f"confirm-email-{booking.pk}",
            subject="Your SkyHop shuttle is booked")


def _send(msg: OutboundMessage) -> None:
    if msg.channel == "sms":
        resp = requests.post(  # ok: REL003
            settings.SMS_API_URL,
            json={"to": msg.recipient, "body": msg.body, "sender": "SKYHOP"},
            headers={"Authorization": f"Bearer {settings.SMS_API_TOKEN}", "Idempotency-Key": msg.dedup_key},
            timeout=10,
        )
        resp.raise_for_status()
    else:
        send_mail(msg.subject, msg.body, settings.DEFAULT_FROM_EMAIL, [msg.recipient])


@shared_task(bind=True, max_retries=MAX_ATTEMPTS, default_retry_delay=30)
def deliver(self, message_id: int) -> None:
    claimed = OutboundMessage.objects.filter(pk=message_id, status=OutboundMessage.PENDING).update(  # ok: DB004
        status=OutboundMessage.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return
    msg = OutboundMessage.objects.get(pk=message_id)
    try:
        _send(msg)
    except (requests.RequestException, OSError) as exc:
        final = msg.attempts >= MAX_ATTEMPTS
        OutboundMessage.objects.filter(pk=message_id).update(
            status=OutboundMessage.FAILED if final else OutboundMessage.PENDING
        )
        log.warning("delivery of message %s failed (attempt %s): %s", message_id, msg.attempts, exc)
        if not final:
            raise self.retry(exc=exc, countdown=30 * msg.attempts)
        return
    OutboundMessage.objects.filter(pk=message_id).update(status=OutboundMessage.SENT, sent_at=timezone.now())


@shared_task
def flush_pending(limit: int = 200) -> int:
    """Catch messages whose on_commit hook never fired (worker restart, broker blip)."""
    cutoff = timezone.now() - timedelta(minutes=2)
    ids = list(
        OutboundMessage.objects.filter(status=OutboundMessage.PENDING, created_at__lt=cutoff)
        .order_by("created_at").values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        deliver.delay(pk)
    return len(ids)
