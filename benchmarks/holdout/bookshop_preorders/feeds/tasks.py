"""Nightly stock feeds from the smaller publishers (CSV over HTTPS)."""
import csv
import io
import logging

import requests
from celery import shared_task
from django.db import transaction
from django.utils import timezone

from catalog.models import Book, Preorder, Publisher

logger = logging.getLogger(__name__)


def _book_for_isbn(isbn):
    isbn = isbn.replace("-", "")
    if len(isbn) != 13 or not isbn.isdigit():
        return None
    return Book.objects.filter(isbn=isbn).only("id", "stock_on_hand").first()


@shared_task(bind=True, max_retries=4, default_retry_delay=300)
def pull_publisher_feed(self, publisher_id):
    publisher = Publisher.objects.get(pk=publisher_id)
    if not publisher.feed_url:
        return {"publisher": publisher.feed_code, "skipped": True}

    try:
        resp = requests.get(publisher.feed_url, auth=(publisher.feed_username, publisher.feed_password))  # expect: REL001
        resp.raise_for_status()
    except requests.RequestException as exc:
        logger.warning("feed download failed for %s, will retry", publisher.feed_code)
        raise self.retry(exc=exc)

    reader = csv.DictReader(io.StringIO(resp.text))
    updated = skipped = 0
    with transaction.atomic():
        for row in reader:
            try:
                isbn = row["ISBN13"].strip()
                qty = int(row["QtyAvailable"])
            except Exception:  # expect: ERR001
                continue
            book = _book_for_isbn(isbn)  # expect: DB001
            if book is None:
                skipped += 1
                continue
            if book.stock_on_hand != qty:
                book.stock_on_hand = qty
                book.save(update_fields=["stock_on_hand"])
                updated += 1

    logger.info(
        "feed %s applied at %s: %s updated, %s unknown isbns",
        publisher.feed_code, timezone.now().isoformat(), updated, skipped,
    )
    queue_ready_preorders.delay(publisher.pk)
    return {"publisher": publisher.feed_code, "updated": updated, "skipped": skipped}


@shared_task
def queue_ready_preorders(publisher_id):
    waiting = Preorder.objects.filter(book__publisher_id=publisher_id, status="authorised").order_by("created_at")
    ready_ids = []
    for preorder in waiting.iterator():
        if preorder.book.stock_on_hand >= preorder.quantity:  # expect: DB001
            ready_ids.append(preorder.pk)
    queued = Preorder.objects.filter(pk__in=ready_ids, status="authorised").update(status="awaiting_payment")
    logger.info("publisher %s: %s pre-orders moved to awaiting_payment", publisher_id, queued)
    return queued


@shared_task
def pull_all_feeds():
    for publisher_id in Publisher.objects.exclude(feed_url="").values_list("pk", flat=True):
        pull_publisher_feed.delay(publisher_id)
