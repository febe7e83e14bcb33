"""Huey tasks: order e-mails, proof reminders, dispatch notices and proof previews."""

import logging
import os
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection, send_mail
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from orders.models import Order, Proof
from proofs.imaging import build_preview

logger = logging.getLogger(__name__)

REMINDER_AFTER = timedelta(days=3)


@db_task(retries=3, retry_delay=60)
def send_order_received(order_id: int) -> None:
    order = Order.objects.select_related("customer").get(pk=order_id)
    send_mail(
        f"We have your order {order.reference}",
        f"Thank you, {order.couple_names}. Our designer will send your first proof within five working days.",
        None,
        [order.customer.email],
    )


@db_task(retries=3, retry_delay=60)
def send_payment_receipt(order_id: int) -> None:
    order = Order.objects.select_related("customer").get(pk=order_id)
    send_mail(
        f"Payment received for {order.reference}",
        f"We have received £{order.total_pence / 100:.2f}. Your order is now queued for the press.",
        None,
        [order.customer.email],
    )


def _reminder_context(order: Order) -> dict:
    latest = order.proofs.order_by("-version").first()
    return {
        "email": order.customer.email,
        "name": order.customer.get_full_name() or order.customer.username,
        "reference": order.reference,
        "version": latest.version if latest else 1,
    }


@db_periodic_task(crontab(hour="9", minute="0"))
def remind_unapproved_proofs() -> None:
    """Nudge couples who have had a proof for three days without approving it."""
    cutoff = timezone.now() - REMINDER_AFTER
    pending = Order.objects.filter(status=Order.Status.PROOF_SENT, updated_at__lt=cutoff)
    count = 0
    for order in pending.iterator():
        ctx = _reminder_context(order)  # expect: DB001
        send_mail(
            f"Your proof for {ctx['reference']} is waiting",
            f"Hello {ctx['name']}, proof version {ctx['version']} is ready for your approval.",
            None,
            [ctx["email"]],
        )
        count += 1
    print(f"proof reminders sent: {count}")  # expect: OBS001


@db_periodic_task(crontab(minute="*/15"), retries=2, retry_delay=120)
def notify_dispatched_orders() -> None:
    """Tell couples their stationery is on the way, with the courier tracking number."""
    shipped = list(
        Order.objects.select_related("customer")  # ok: DB001
        .filter(status=Order.Status.SHIPPED, dispatch_notified_at__isnull=True)
        .order_by("pk")[:200]
    )
    with get_connection() as connection:
        for order in shipped:
            EmailMessage(
                f"{order.reference} has been dispatched",
                f"Your stationery is on its way. Tracking number: {order.tracking_number}",
                to=[order.customer.email],
                connection=connection,
            ).send()  # expect: REL003
    Order.objects.filter(pk__in=[o.pk for o in shipped]).update(dispatch_notified_at=timezone.now())
    logger.info("dispatch notices sent", extra={"task": "notify_dispatched_orders", "count": len(shipped)})


@db_task(retries=2, retry_delay=30)
def make_preview_from_upload(upload_path: str, proof_id: int) -> None:
    """Store the studio's uploaded proof and a watermarked preview for the customer."""
    proof = Proof.objects.get(pk=proof_id)
    with open(upload_path, "rb") as fh:
        original = fh.read()
    proof.image.save(os.path.basename(upload_path), ContentFile(original), save=False)
    proof.preview.save(f"proof-{proof_id}-preview.jpg", ContentFile(build_preview(ContentFile(original))), save=False)
    proof.save(update_fields=["image", "preview"])
    os.remove(upload_path)
    Order.objects.filter(pk=proof.order_id).update(status=Order.Status.PROOF_SENT)
