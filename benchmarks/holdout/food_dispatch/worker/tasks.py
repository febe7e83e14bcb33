from datetime import date, datetime, time, timedelta, timezone

import requests
import stripe
from celery import shared_task
from sqlalchemy import func, select

from app.db import SessionLocal
from app.models import Courier, Delivery, Payout
from app.settings import settings

SMS_URL = "https://api.smsgateway.example/v2/messages"


@shared_task(autoretry_for=(requests.RequestException,), retry_backoff=True, max_retries=5)
def text_customer(phone: str, body: str) -> None:
    resp = requests.post(  # expect: REL001
        SMS_URL,
        json={"to": phone, "text": body, "sender": "Dispatch"},
        headers={"Authorization": f"Bearer {settings.sms_token}"},
    )
    resp.raise_for_status()


def _week_bounds(week_start: date) -> tuple[datetime, datetime]:
    start = datetime.combine(week_start, time.min, tzinfo=timezone.utc)
    return start, start + timedelta(days=7)


@shared_task(autoretry_for=(stripe.error.APIConnectionError,), retry_backoff=True, max_retries=3)
def settle_courier_earnings(week_start_iso: str) -> int:
    week_start = date.fromisoformat(week_start_iso)
    start, end = _week_bounds(week_start)
    settled = 0
    with SessionLocal() as session:
        earnings = session.execute(
            select(Delivery.courier_id, func.sum(Delivery.courier_fee_cents + Delivery.tip_cents))
            .where(Delivery.delivered_at >= start, Delivery.delivered_at < end)
            .group_by(Delivery.courier_id)
        ).all()
        accounts = dict(
            session.execute(select(Courier.id, Courier.stripe_account_id).where(Courier.stripe_account_id.is_not(None))).all()
        )
        for courier_id, cents in earnings:
            destination = accounts.get(courier_id)
            if destination is None or cents <= 0:
                continue
            transfer = stripe.Transfer.create(  # expect: REL003, REL004
                amount=cents,
                currency="eur",
                destination=destination,
                transfer_group=f"week-{week_start_iso}",
                api_key=settings.stripe_secret_key,
            )
            session.add(Payout(courier_id=courier_id, week_start=week_start, amount_cents=cents, transfer_id=transfer.id))
            settled += 1
        session.commit()
    print(f"settled {settled} couriers for week {week_start_iso}")  # expect: OBS001
    return settled
