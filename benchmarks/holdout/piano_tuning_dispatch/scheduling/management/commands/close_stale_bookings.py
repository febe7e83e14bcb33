"""Cancel bookings left in 'pending' (never confirmed) and free their slots.

Runs every 15 minutes from cron: ``django-admin close_stale_bookings``.
Works in small locked batches so it can run next to live traffic.
"""
import logging
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from notifications.tasks import queue_booking_email
from scheduling.models import Booking, Slot

logger = logging.getLogger(__name__)

BATCH_SIZE = 300


class Command(BaseCommand):
    help = "Cancel pending bookings older than --hours and release their slots."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=2)
        parser.add_argument("--max-batches", type=int, default=50)

    def _close_batch(self, cutoff):
        with transaction.atomic():
            stale = (
                Booking.objects.select_for_update(skip_locked=True)
                .filter(status=Booking.Status.PENDING, created_at__lt=cutoff)
                .order_by("created_at")
                .values_list("pk", "slot_id")[:BATCH_SIZE]
            )
            rows = list(stale)
            if not rows:
                return 0
            booking_ids = [pk for pk, _ in rows]
            slot_ids = [slot_id for _, slot_id in rows]
            Booking.objects.filter(pk__in=booking_ids).update(status=Booking.Status.CANCELLED)  # ok: DB003
            Slot.objects.filter(pk__in=slot_ids).update(is_taken=False)
            for booking_id in booking_ids:
                queue_booking_email(booking_id, "cancelled")
        return len(rows)

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(hours=options["hours"])
        total = 0
        for _ in range(options["max_batches"]):
            closed = self._close_batch(cutoff)
            total += closed
            if closed < BATCH_SIZE:
                break
        logger.info("closed %s stale bookings older than %s", total, cutoff.isoformat())
        self.stdout.write(self.style.SUCCESS(f"closed {total} stale bookings"))
