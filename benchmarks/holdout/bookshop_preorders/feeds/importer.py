"""Stock import for the wholesaler feed, which is large (the full trade catalogue)."""
import csv
import logging

import requests
from django.db import transaction
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from catalog.models import Book, Preorder

logger = logging.getLogger(__name__)

FEED_TIMEOUT = (5, 60)
BATCH_SIZE = 500


def _session():
    session = requests.Session()
    retry = Retry(total=3, backoff_factor=2, status_forcelist=(502, 503, 504), allowed_methods=("GET",))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


def import_wholesaler_stock(publisher):
    applied = 0
    with _session() as session:
        with session.get(  # ok: REL001, RES003
            publisher.feed_url,
            auth=(publisher.feed_username, publisher.feed_password),
            timeout=FEED_TIMEOUT,
            stream=True,
        ) as resp:
            resp.raise_for_status()
            lines = (line.decode("utf-8") for line in resp.iter_lines() if line)
            batch = []
            for row in csv.DictReader(lines):
                batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    applied += _apply_batch(batch)
                    batch = []
            if batch:
                applied += _apply_batch(batch)
    logger.info("wholesaler %s: %s titles updated", publisher.feed_code, applied)
    return applied


def _apply_batch(rows):
    quantities = {}
    for row in rows:
        try:
            quantities[row["EAN"].strip()] = int(row["Available"])
        except (KeyError, ValueError):
            logger.warning("skipping malformed wholesaler row: %r", {k: row.get(k) for k in ("EAN", "Available")})
    books = Book.objects.in_bulk(list(quantities), field_name="isbn")  # ok: DB001
    changed = []
    for isbn, book in books.items():
        if book.stock_on_hand != quantities[isbn]:
            book.stock_on_hand = quantities[isbn]
            changed.append(book)
    with transaction.atomic():
        Book.objects.bulk_update(changed, ["stock_on_hand"], batch_size=BATCH_SIZE)  # ok: DB003
    return len(changed)


def preorders_ready_for_payment(publisher_id):
    waiting = (
        Preorder.objects.select_related("book")
        .filter(book__publisher_id=publisher_id, status="authorised")
        .order_by("created_at")
    )
    ready = []
    for preorder in waiting.iterator(chunk_size=500):
        if preorder.book.stock_on_hand >= preorder.quantity:  # ok: DB001
            ready.append(preorder.pk)
    if ready:
        Preorder.objects.filter(pk__in=ready, status="authorised").update(status="awaiting_payment")
    return ready
