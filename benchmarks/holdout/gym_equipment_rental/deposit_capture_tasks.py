import logging
import os
from functools import lru_cache
from datetime import datetime, timedelta, timezone

import requests
import stripe
from celery import Celery
from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import Session, selectinload

from models import Booking

logger = logging.getLogger(__name__)

celery_app = Celery("rental_deposits", broker=os.environ.get("CELERY_BROKER_URL", "redis://redis:6379/0"))


@lru_cache(maxsize=1)
def get_engine():
    return create_engine(os.environ.get("DATABASE_URL", "postgresql://rental@localhost/rental"),
                         pool_pre_ping=True)


MAIL_API_URL = os.environ.get("MAIL_API_URL", "https://mail.internal/api/send")
http = requests.Session()
BATCH_SIZE = 200


@celery_app.task(bind=True, autoretry_for=(requests.RequestException,), max_retries=5,
                 retry_backoff=True, retry_jitter=True)
def send_return_confirmation(self, booking_id: int):
    with Session(get_engine()) as db:
        claimed = db.execute(
            update(Booking)
            .where(Booking.id == booking_id, Booking.reminder_sent_at.is_(None))
            .values(reminder_sent_at=datetime.now(timezone.utc))
        ).rowcount
        db.commit()
        if not claimed:
            return
        booking = db.get(Booking, booking_id)
        try:
            resp = http.post(
                MAIL_API_URL,
                json={"to": booking.member.email, "template": "return_confirmation",
                      "vars": {"booking": booking.id}},
                headers={"Idempotency-Key": f"return-confirmation-{booking.id}"},  # ok: REL003
                timeout=(3, 10),  # ok: REL001
            )
            resp.raise_for_status()
        except requests.RequestException:
            db.execute(update(Booking).where(Booking.id == booking_id).values(reminder_sent_at=None))
            db.commit()
            raise


@celery_app.task(bind=True, max_retries=3, default_retry_delay=120)
def release_stale_deposits(self):
    cutoff = datetime.now(timezone.utc) - timedelta(days=7)
    released = 0
    with Session(get_engine()) as db:
        rows = db.scalars(
            select(Booking)
            .options(selectinload(Booking.member))  # ok: DB001
            .where(Booking.status == "returned", Booking.starts_at < cutoff,
                   Booking.deposit_captured.is_(False))
            .limit(BATCH_SIZE)
        ).all()
        for booking in rows:
            try:
                stripe.PaymentIntent.cancel(
                    booking.deposit_intent_id,
                    idempotency_key=f"stale-release-{booking.id}",
                )
            except stripe.error.InvalidRequestError:
                logger.warning("deposit already settled", extra={"booking_id": booking.id})
            booking.status = "closed"
            released += 1
        db.commit()  # ok: DB003
    logger.info("stale deposits released", extra={"count": released, "task_id": self.request.id})
