"""Hourly sweep of expired stock, with a digest e-mail to each coordinator."""
import logging
from collections import defaultdict
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone

from ..models import Fridge, StockItem

logger = logging.getLogger(__name__)

EXPIRING_SOON = timedelta(days=1)


def _digest_body(fridge_names, expired, expiring):
    lines = ["The following items have been marked as expired and should be removed:", ""]
    for fridge_name in sorted(fridge_names):
        for description, quantity in expired.get(fridge_name, []):
            lines.append(f"  [{fridge_name}] {quantity} x {description}")
    if any(expiring.values()):
        lines += ["", "Expiring tomorrow - please put these at the front:", ""]
        for fridge_name in sorted(fridge_names):
            for description, quantity in expiring.get(fridge_name, []):
                lines.append(f"  [{fridge_name}] {quantity} x {description}")
    return "\n".join(lines)


@shared_task
def sweep_expired_stock():
    today = timezone.localdate()
    candidates = StockItem.objects.filter(
        status=StockItem.Status.AVAILABLE, expiry_date__lte=today + EXPIRING_SOON
    ).order_by("fridge_id", "expiry_date")

    expired = defaultdict(list)
    expiring = defaultdict(list)
    coordinator_fridges = defaultdict(set)
    expired_ids = []
    for item in candidates.iterator(chunk_size=500):  # expect: DB001
        fridge = item.fridge
        coordinator_fridges[fridge.coordinator.email].add(fridge.name)
        if item.expiry_date < today:
            expired[fridge.name].append((item.description, item.quantity))
            expired_ids.append(item.pk)
        else:
            expiring[fridge.name].append((item.description, item.quantity))

    for start in range(0, len(expired_ids), 500):
        batch = expired_ids[start:start + 500]
        for fridge_id, removed in _quantities_by_fridge(batch):  # ok: DB001
            Fridge.objects.filter(pk=fridge_id).update(items_in_stock=F("items_in_stock") - removed)
        StockItem.objects.filter(pk__in=batch).update(status=StockItem.Status.DISCARDED)

    sent = 0
    for email, fridge_names in coordinator_fridges.items():
        try:
            send_mail(
                subject=f"Fridge stock check {today:%d %b}",
                message=_digest_body(fridge_names, expired, expiring),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[email],
            )
            sent += 1
        except Exception:  # expect: ERR001
            continue

    logger.info("expiry sweep: %d lines discarded, %d digests sent", len(expired_ids), sent)
    return len(expired_ids)


def _quantities_by_fridge(item_ids):
    totals = defaultdict(int)
    for fridge_id, quantity in StockItem.objects.filter(pk__in=item_ids).values_list("fridge_id", "quantity"):
        totals[fridge_id] += quantity
    return totals.items()
