"""Nightly import of the supplier's catalogue feed into shop prices and availability."""
import csv
import logging
from decimal import Decimal, InvalidOperation

import requests
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from shop.models import Product

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
FEED_TIMEOUT = (5, 60)
MEMBER_MARKUP = Decimal("1.18")
RETAIL_MARKUP = Decimal("1.35")


def _session():
    retry = Retry(total=4, backoff_factor=1.5, status_forcelist=(429, 502, 503, 504), allowed_methods=("GET",))
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers["Authorization"] = f"Bearer {settings.SUPPLIER_API_KEY}"
    return session


def _iter_feed_rows(session):
    url = f"{settings.SUPPLIER_API_BASE}/catalogue.csv"
    with session.get(url, stream=True, timeout=FEED_TIMEOUT) as resp:
        resp.raise_for_status()
        yield from csv.DictReader(resp.iter_lines(decode_unicode=True))


def _discontinued_codes(session):
    page = 1
    while True:  # ok: REL002
        resp = session.get(
            f"{settings.SUPPLIER_API_BASE}/discontinued",
            params={"page": page, "per_page": 200},
            timeout=FEED_TIMEOUT,
        )
        resp.raise_for_status()
        body = resp.json()
        yield from body["codes"]
        if not body.get("next_page"):
            break
        page = body["next_page"]


def _apply_batch(rows):
    by_code = {}
    for row in rows:
        try:
            by_code[row["code"]] = Decimal(row["trade_price"])
        except (KeyError, InvalidOperation):
            logger.warning("skipping malformed catalogue row %r", row.get("code"))
    products = Product.objects.filter(supplier_code__in=list(by_code))
    now = timezone.now()
    changed = []
    for product in products:
        trade = by_code[product.supplier_code]
        retail = int(trade * RETAIL_MARKUP * 100)
        member = int(trade * MEMBER_MARKUP * 100)
        if (product.price_pence, product.member_price_pence) != (retail, member):
            product.price_pence, product.member_price_pence, product.updated_at = retail, member, now
            changed.append(product)
    with transaction.atomic():
        Product.objects.bulk_update(changed, ["price_pence", "member_price_pence", "updated_at"], batch_size=BATCH_SIZE)
    return len(changed)


@shared_task(soft_time_limit=900, time_limit=960)
def sync_supplier_catalogue():
    updated = 0
    with _session() as session:
        try:
            batch = []
            for row in _iter_feed_rows(session):
                batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    updated += _apply_batch(batch)
                    batch = []
            if batch:
                updated += _apply_batch(batch)
            discontinued = list(_discontinued_codes(session))
        except requests.RequestException:
            logger.exception("supplier catalogue sync failed after %d price updates", updated)
            raise
    retired = Product.objects.filter(supplier_code__in=discontinued, is_active=True).update(is_active=False)
    logger.info("catalogue sync: %d prices updated, %d products retired", updated, retired)
    return {"updated": updated, "retired": retired}
