"""Nightly forfeiture: loans past due plus the grace period become retail stock.

Forfeited items are pushed into the retail point-of-sale database so they show
up on the shop floor and the website the next morning.
"""
import logging
from datetime import timedelta

import psycopg2
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from inventory.models import Item, PoliceHold
from loans.models import Loan
from pricing.client import suggest_retail_price

logger = logging.getLogger(__name__)

POS_INSERT = (
    "INSERT INTO pos_stock (sku, description, serial_number, category, price, source) "
    "VALUES (%s, %s, %s, %s, %s, 'pawn') "
    "ON CONFLICT (sku) DO NOTHING"
)


def _sku(item: Item) -> str:
    return f"PW{item.pk:08d}"


def _on_hold(item: Item) -> bool:
    return PoliceHold.objects.filter(item=item, released_at__isnull=True).exists()


@shared_task
def forfeit_expired_loans():
    cutoff = timezone.localdate() - timedelta(days=settings.LOAN_GRACE_PERIOD_DAYS)
    expired = (
        Loan.objects.filter(status=Loan.Status.ACTIVE, due_on__lt=cutoff)
        .select_related("item")
        .order_by("due_on")
    )

    conn = psycopg2.connect(settings.POS_DSN)  # expect: REL001, RES001
    cur = conn.cursor()
    moved = skipped = 0
    for loan in expired:
        item = loan.item  # ok: DB001
        if _on_hold(item):  # expect: DB001
            skipped += 1
            continue

        price = suggest_retail_price(item)
        cur.execute(POS_INSERT, (_sku(item), item.description[:120], item.serial_number, item.category, price))  # ok: SEC001
        conn.commit()  # expect: DB003

        Loan.objects.filter(pk=loan.pk, status=Loan.Status.ACTIVE).update(status=Loan.Status.FORFEITED)
        Item.objects.filter(pk=item.pk).update(status=Item.Status.RETAIL, retail_price=price)
        moved += 1

    cur.close()
    conn.close()
    logger.info("forfeiture run: %d item(s) moved to retail, %d skipped for police holds", moved, skipped)
    return {"moved": moved, "skipped": skipped}


@shared_task
def pos_stock_check(limit: int = 500):
    """Compare our retail items with the POS table and log any that are missing."""
    skus = {
        _sku(item): item.pk
        for item in Item.objects.filter(status=Item.Status.RETAIL).only("pk").order_by("-pk")[:limit]
    }
    if not skus:
        return 0
    with psycopg2.connect(settings.POS_DSN, connect_timeout=5) as conn:  # ok: REL001
        with conn.cursor() as cur:
            cur.execute("SELECT sku FROM pos_stock WHERE sku = ANY(%s)", (list(skus),))
            present = {row[0] for row in cur.fetchall()}
    conn.close()
    missing = sorted(set(skus) - present)
    if missing:
        logger.warning("%d retail item(s) missing from POS, first few: %s", len(missing), missing[:10])
    return len(missing)
