"""Texts sent when a repair is ready, and the occasional notice to everyone with shoes waiting."""
import logging

from celery import shared_task
from django.utils import timezone

from notifications.sms import SmsError, SmsRejected, get_client, pickup_text
from tickets.models import PickupNotification, RepairTicket

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="notifications.tasks.send_ready_sms",
    autoretry_for=(SmsError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=None,  # expect: REL002
)
def send_ready_sms(self, ticket_id: int) -> str | None:
    ticket = RepairTicket.objects.select_related("customer").get(pk=ticket_id)
    customer = ticket.customer
    if not customer.sms_opt_in:
        logger.info("customer %s opted out of SMS; ticket %s not notified", customer.pk, ticket.pk)
        return None
    try:
        message_id = get_client().send(  # expect: REL003
            customer.phone, pickup_text(customer.name, ticket.claim_number, ticket.item_description)
        )
    except SmsRejected:
        logger.warning("ready SMS for ticket %s rejected by provider", ticket.pk)
        return None
    PickupNotification.objects.update_or_create(
        ticket=ticket,
        kind=PickupNotification.Kind.READY,
        defaults={"sent_at": timezone.now(), "provider_message_id": message_id},
    )
    return message_id


@shared_task(
    bind=True,
    name="notifications.tasks.send_shelf_notice",
    autoretry_for=(SmsError,),
    retry_backoff=True,
    max_retries=3,  # ok: REL002
)
def send_shelf_notice(self, message: str) -> int:
    """E.g. 'closed Friday for a plumbing repair': everyone with shoes ready gets a text."""
    waiting = (
        RepairTicket.objects.filter(status=RepairTicket.Status.READY, customer__sms_opt_in=True)
        .select_related("customer")
        .order_by("customer_id")
        .distinct()
    )
    client = get_client()
    sent = 0
    seen: set[int] = set()
    for ticket in waiting.iterator(chunk_size=200):
        if ticket.customer_id in seen:
            continue
        seen.add(ticket.customer_id)
        try:
            client.send(ticket.customer.phone, f"Heel & Sole: {message}")  # expect: REL003
        except SmsRejected:
            continue
        sent += 1
    logger.info("shelf notice sent to %d customers", sent)
    return sent
