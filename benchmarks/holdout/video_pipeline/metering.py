"""Usage metering (transcoded minutes per customer and month) and monthly billing."""
import logging
import threading
import time
from collections import defaultdict
from datetime import date

import psycopg2
import stripe
from celery.signals import worker_process_init

from .clients import celery_app, db_cursor
from .settings import get_settings

logger = logging.getLogger(__name__)

PRICE_PER_MINUTE_CENTS = 2
FLUSH_INTERVAL_SECONDS = 60

_pending_seconds: dict[tuple[int, str], float] = defaultdict(float)
_pending_lock = threading.Lock()


def record_usage(customer_id: int, video_id: str, seconds: float) -> None:
    """Count output seconds for a finished video; written to the database by the flusher."""
    period = date.today().strftime("%Y-%m")
    with _pending_lock:
        _pending_seconds[(customer_id, period)] += seconds  # todo-expect: REL005
    logger.debug("buffered %.1fs of usage for customer %s (video %s)", seconds, customer_id, video_id)


def _flush_usage() -> None:
    with _pending_lock:
        batch = dict(_pending_seconds)
        _pending_seconds.clear()
    if not batch:
        return
    with db_cursor() as cur:
        for (customer_id, period), seconds in batch.items():
            cur.execute(
                "SELECT minutes FROM usage_totals WHERE customer_id = %s AND period = %s",
                (customer_id, period),
            )
            row = cur.fetchone()
            if row is None:
                cur.execute(  # expect: DB005
                    "INSERT INTO usage_totals (customer_id, period, minutes) VALUES (%s, %s, %s)",
                    (customer_id, period, seconds / 60),
                )
            else:
                cur.execute(  # expect: DB004
                    "UPDATE usage_totals SET minutes = %s WHERE customer_id = %s AND period = %s",
                    (row["minutes"] + seconds / 60, customer_id, period),
                )
    logger.info("flushed usage for %d customer-periods", len(batch))


def _flush_forever() -> None:
    while True:
        time.sleep(FLUSH_INTERVAL_SECONDS)
        try:
            _flush_usage()
        except Exception:
            logger.exception("usage flush failed")


@worker_process_init.connect
def _start_flusher(**_kwargs) -> None:
    threading.Thread(target=_flush_forever, name="usage-flusher", daemon=True).start()


@celery_app.task(
    bind=True,
    autoretry_for=(stripe.error.APIConnectionError, psycopg2.OperationalError),
    retry_backoff=True,
    max_retries=5,
)  # ok: REL002
def bill_customers(self, period: str) -> int:
    """Add last month's transcoding minutes to each customer's next Stripe invoice."""
    stripe.api_key = get_settings().stripe_api_key
    with db_cursor() as cur:
        cur.execute(
            "SELECT u.customer_id, u.minutes, c.stripe_customer_id FROM usage_totals u "
            "JOIN customers c ON c.id = u.customer_id WHERE u.period = %s AND u.billed_at IS NULL",
            (period,),
        )
        unbilled = cur.fetchall()
    for row in unbilled:
        stripe.InvoiceItem.create(  # expect: REL003, REL004
            customer=row["stripe_customer_id"],
            amount=int(round(row["minutes"] * PRICE_PER_MINUTE_CENTS)),
            currency="usd",
            description=f"Video transcoding, {period}: {row['minutes']:.0f} minutes",
        )
        with db_cursor() as cur:
            cur.execute(
                "UPDATE usage_totals SET billed_at = now() WHERE customer_id = %s AND period = %s",
                (row["customer_id"], period),
            )
    logger.info("billed %d customers for %s", len(unbilled), period)
    return len(unbilled)
