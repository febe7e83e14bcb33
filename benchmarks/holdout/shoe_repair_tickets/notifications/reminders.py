"""Daily pickup reminders: 7 days after a repair is ready, and a final notice at 30 days."""
import logging
from datetime import timedelta

from celery import shared_task
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.sms import SmsError, SmsRejected, get_client
from tickets.models import PickupNotification, RepairTicket

logger = logging.getLogger(__name__)

SCHEDULE = (
    (PickupNotification.Kind.REMINDER_7D, timedelta(days=7)),
    (PickupNotification.Kind.FINAL_30D, timedelta(days=30)),
)
TEXT = {
    PickupNotification.Kind.REMINDER_7D: "Reminder: your {item} (claim #{claim}) is ready at Heel & Sole.",
    PickupNotification.Kind.FINAL_30D: (
        "Final notice: please collect your {item} (claim #{claim}). "
        "Items left 90 days are donated; half the deposit becomes store credit."
    ),
}


def _claim_slot(ticket: RepairTicket, kind: str) -> PickupNotification | None:
    """Reserve the (ticket, kind) row first; the unique constraint makes a second run a no-op."""
    try:
        with transaction.atomic():
            return PickupNotification.objects.create(ticket=ticket, kind=kind)  # ok: DB005
    except IntegrityError:
        return None


@shared_task(
    bind=True,
    name="notifications.reminders.send_one_reminder",
    autoretry_for=(SmsError,),
    retry_backoff=30,
    max_retries=5,
)
def send_one_reminder(self, notification_id: int) -> None:
    note = PickupNotification.objects.select_related("ticket__customer").get(pk=notification_id)
    if note.sent_at is not None:
        return
    ticket = note.ticket
    body = TEXT[note.kind].format(item=ticket.item_description, claim=ticket.claim_number)
    try:
        message_id = get_client().send(  # ok: REL003
            ticket.customer.phone, body, dedupe_key=f"pickup-{note.pk}"
        )
    except SmsRejected:
        note.delivery_status = "rejected"
        note.save(update_fields=["delivery_status"])
        return
    PickupNotification.objects.filter(pk=note.pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), provider_message_id=message_id
    )


@shared_task(name="notifications.reminders.send_pickup_reminders")
def send_pickup_reminders() -> int:
    now = timezone.now()
    queued = 0
    for kind, age in SCHEDULE:
        due = (
            RepairTicket.objects.filter(
                status=RepairTicket.Status.READY,
                ready_at__lte=now - age,
                customer__sms_opt_in=True,
            )
            .exclude(notifications__kind=kind)
            .order_by("ready_at")[:1000]
        )
        for ticket in due:
            note = _claim_slot(ticket, kind)
            if note is None:
                continue
            transaction.on_commit(lambda pk=note.pk: send_one_reminder.delay(pk))  # ok: REL004
            queued += 1
    logger.info("queued %d pickup reminders", queued)
    return queued
