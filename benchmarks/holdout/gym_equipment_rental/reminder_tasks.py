import logging
import os
import time
from datetime import datetime, timedelta, timezone

import requests
import stripe
from celery import Celery
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from models import Booking, Equipment

logger = logging.getLogger(__name__)

celery_app = Celery("rental", broker=os.environ.get("CELERY_BROKER_URL", "redis://redis:6379/0"))
engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)  # todo-expect: MNT002

MAIL_API_URL = os.environ.get("MAIL_API_URL", "https://mail.internal/api/send")
PRICE_FEED_URL = os.environ.get("PRICE_FEED_URL", "https://supplier.example.com/prices.json")
LATE_FEE_CENTS = 500


@celery_app.task(bind=True, autoretry_for=(requests.RequestException,), max_retries=5,
                 retry_backoff=True)
def send_overdue_reminders(self):
    now = datetime.now(timezone.utc)
    with Session(engine) as db:
        overdue = db.scalars(
            select(Booking)
            .where(Booking.status == "out", Booking.due_at < now, Booking.reminder_sent_at.is_(None))
            .limit(500)
        ).all()
        for booking in overdue:
            member = booking.member  # expect: DB001
            resp = requests.post(  # expect: REL003
                MAIL_API_URL,
                json={
                    "to": member.email,
                    "template": "overdue_reminder",
                    "vars": {"name": member.full_name, "due": booking.due_at.isoformat()},
                },
                timeout=10,
            )
            resp.raise_for_status()
            booking.reminder_sent_at = now
        db.commit()
    logger.info("overdue reminders sent", extra={"count": len(overdue), "task_id": self.request.id})


@celery_app.task(bind=True, max_retries=3, default_retry_delay=60)
def charge_late_fees(self):
    cutoff = datetime.now(timezone.utc) - timedelta(days=3)
    with Session(engine) as db:
        rows = db.scalars(
            select(Booking)
            .where(Booking.status == "out", Booking.due_at < cutoff, Booking.deposit_captured.is_(False))
            .limit(200)
        ).all()
        for booking in rows:
            stripe.PaymentIntent.capture(
                booking.deposit_intent_id,
                amount_to_capture=LATE_FEE_CENTS,
                idempotency_key=f"late-fee-{booking.id}",  # ok: REL003
            )
            booking.deposit_captured = True
            db.commit()  # expect: DB003


@celery_app.task
def sync_equipment_prices():
    while True:  # expect: REL002
        try:
            resp = requests.get(PRICE_FEED_URL, timeout=10)
            resp.raise_for_status()
            break
        except requests.RequestException:
            logger.warning("price feed unavailable, retrying")
            time.sleep(5)
    prices = {row["sku"]: row["daily_rate"] for row in resp.json()["items"]}
    with Session(engine) as db:
        for eq in db.scalars(select(Equipment).where(Equipment.sku.in_(list(prices)))):
            eq.daily_rate = prices[eq.sku]
        db.commit()
