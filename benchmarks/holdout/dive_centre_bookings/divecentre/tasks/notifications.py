"""Outbound e-mail and reminders. Every message carries a dedupe key, so retries are harmless."""

from __future__ import annotations

import base64
import logging
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from divecentre.celery_app import celery_app
from divecentre.db import session_scope, utcnow
from divecentre.models import Booking, MedicalForm, Trip
from divecentre.services.payment_service import reconcile_pending
from divecentre.settings import get_settings

logger = logging.getLogger(__name__)

DUTY_INSTRUCTOR_ADDRESS = "duty-instructor@bluewater-dive.example"


@lru_cache(maxsize=1)
def _mail_client() -> httpx.Client:
    settings = get_settings()
    return httpx.Client(
        base_url=settings.mail_api_url,
        timeout=httpx.Timeout(10.0, connect=3.0),
        headers={"Authorization": f"Bearer {settings.mail_api_token.get_secret_value()}"},
    )


@celery_app.task(bind=True, autoretry_for=(httpx.TransportError,), retry_backoff=True,
                 retry_kwargs={"max_retries": 4})
def send_email(self, to: str, subject: str, body: str, dedupe_key: str,
               attachments: list[dict] | None = None) -> None:
    response = _mail_client().post(
        "/v1/messages",
        json={"to": to, "subject": subject, "text": body, "attachments": attachments or []},
        headers={"Idempotency-Key": dedupe_key},  # ok: REL003
    )
    response.raise_for_status()


@celery_app.task
def send_balance_reminders() -> int:
    horizon = utcnow() + timedelta(days=7)
    sent = 0
    with session_scope() as db:
        bookings = db.scalars(
            select(Booking)
            .join(Booking.trip)
            .where(Booking.status == "confirmed", Booking.reminder_sent_at.is_(None),
                   Trip.departs_at <= horizon, Trip.status == "scheduled")
            .options(selectinload(Booking.diver), selectinload(Booking.trip))  # ok: DB001
            .limit(500)
            .with_for_update(of=Booking, skip_locked=True)
        ).all()
        for booking in bookings:
            booking.reminder_sent_at = utcnow()  # ok: DB004
            send_email.delay(
                booking.diver.email,
                f"Balance due for {booking.trip.site_name}",
                f"Your dive on {booking.trip.departs_at:%d %b} is coming up; please pay the balance online.",
                dedupe_key=f"balance-reminder-{booking.id}",
            )
            sent += 1
    return sent


@celery_app.task
def notify_medical_form(form_id: int) -> None:
    with session_scope() as db:
        form = db.get(MedicalForm, form_id)
        if form is None:
            logger.warning("medical form %s no longer exists", form_id)
            return
        content = Path(form.storage_path).read_bytes()
        attachment = {"filename": f"medical-{form.id}.pdf", "content": base64.b64encode(content).decode()}
    send_email.delay(DUTY_INSTRUCTOR_ADDRESS, "Medical form to review",
                     f"Diver form {form_id} is waiting for review.",
                     dedupe_key=f"medical-form-{form_id}", attachments=[attachment])


@celery_app.task
def reconcile_payments() -> int:
    with session_scope() as db:
        return reconcile_pending(db)
