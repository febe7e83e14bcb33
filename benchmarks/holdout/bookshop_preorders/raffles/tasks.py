"""Scheduled closing of signed-copy draws and winner notifications."""
import logging
import random
import secrets
from smtplib import SMTPException

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from catalog.models import Raffle, RaffleEntry

logger = logging.getLogger(__name__)

_draw_rng = secrets.SystemRandom()


@shared_task
def close_due_raffles():
    due = list(
        Raffle.objects.filter(status="open", closes_at__lte=timezone.now())
        .values_list("pk", flat=True)[:50]
    )
    for raffle_id in due:
        # spread the draws out a little so the mail relay isn't hit all at once
        draw_raffle.apply_async((raffle_id,), countdown=random.uniform(0, 60))  # ok: SEC010
    return len(due)


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def draw_raffle(self, raffle_id):
    with transaction.atomic():
        raffle = Raffle.objects.select_for_update().get(pk=raffle_id)
        if raffle.status != "open":  # ok: DB005
            logger.info("raffle %s already %s, nothing to draw", raffle_id, raffle.status)
            return []
        entry_ids = list(raffle.entries.values_list("pk", flat=True))
        winners = _draw_rng.sample(entry_ids, k=min(raffle.winners_count, len(entry_ids)))
        RaffleEntry.objects.filter(pk__in=winners).update(won=True)
        raffle.status = "drawn"
        raffle.save(update_fields=["status"])  # ok: DB004
        for entry_id in winners:
            transaction.on_commit(lambda eid=entry_id: notify_winner.delay(eid))  # ok: REL004
    logger.info("raffle %s drawn, %s winners from %s entries", raffle_id, len(winners), len(entry_ids))
    return winners


@shared_task(bind=True, autoretry_for=(SMTPException,), retry_backoff=True, max_retries=5)
def notify_winner(self, entry_id):
    entry = RaffleEntry.objects.select_related("customer", "raffle__book").get(pk=entry_id)
    if entry.notified_at is not None:
        return False
    book = entry.raffle.book
    send_mail(
        subject=f"You've won a signed copy of {book.title}",
        message=(
            f"Hello {entry.customer.first_name or 'there'},\n\n"
            f"Your name came out of the hat for a signed copy of {book.title} by {book.author}. "
            "We'll swap the copy on your pre-order for the signed one; there's nothing you need to do.\n\n"
            "Marginalia Books"
        ),
        from_email=None,
        recipient_list=[entry.customer.email],
    )
    RaffleEntry.objects.filter(pk=entry_id, notified_at__isnull=True).update(notified_at=timezone.now())
    logger.info("notified raffle winner entry %s", entry_id)
    return True
