"""Celery tasks for booking e-mail.

A booking e-mail is claimed by stamping ``confirmation_sent_at`` before the
send, so a redelivered task does not mail the customer twice; if the send
fails the claim is released and the task retries.
"""
import logging
from functools import partial

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from dispatch.middleware import bind_from_task, celery_headers, unbind
from scheduling.models import Booking

logger = logging.getLogger(__name__)

TEMPLATES = {
    "confirmed": ("Your piano tuning is booked", "booking_confirmed"),
    "rescheduled": ("Your piano tuning has moved", "booking_rescheduled"),
    "cancelled": ("Your piano tuning was cancelled", "booking_cancelled"),
}


def queue_booking_email(booking_id, kind):
    """Enqueue once the surrounding transaction commits."""
    send = partial(send_booking_email.apply_async, args=(booking_id, kind), headers=celery_headers())
    transaction.on_commit(send)  # ok: REL004, REL005


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=30)
def send_booking_email(self, booking_id, kind):
    token = bind_from_task(self.request)
    try:
        _send(self, booking_id, kind)
    finally:
        unbind(token)


def _send(task, booking_id, kind):
    subject, template = TEMPLATES[kind]
    claim_filter = {"pk": booking_id}
    if kind == "confirmed":
        claim_filter["confirmation_sent_at__isnull"] = True
        claimed = Booking.objects.filter(**claim_filter).update(confirmation_sent_at=timezone.now())  # ok: DB005
        if not claimed:
            logger.info("confirmation for booking %s already sent", booking_id)
            return

    booking = Booking.objects.select_related("customer__user", "slot__technician").get(pk=booking_id)
    context = {
        "first_name": booking.customer.user.first_name,
        "when": timezone.localtime(booking.slot.starts_at).strftime("%A %d %B at %I:%M %p"),
        "technician": booking.slot.technician.display_name,
        "booking_id": booking.pk,
    }
    message = EmailMultiAlternatives(subject, render_to_string(f"emails/{template}.txt", context),
                                     to=[booking.customer.user.email])
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    try:
        message.send()  # ok: REL001, REL003
    except Exception as exc:
        logger.warning("booking %s %s e-mail failed, will retry", booking_id, kind, exc_info=True)
        if kind == "confirmed":
            Booking.objects.filter(pk=booking_id).update(confirmation_sent_at=None)
        raise task.retry(exc=exc, countdown=30 * (2 ** task.request.retries))
    logger.info("booking %s %s e-mail sent", booking_id, kind)
