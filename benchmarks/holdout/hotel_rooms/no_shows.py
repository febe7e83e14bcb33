"""No-show handling: flag missed arrivals overnight and charge the first night."""
import logging
import os
from datetime import date, datetime, time, timedelta

import pytz
import stripe
from apscheduler.schedulers.background import BackgroundScheduler
from celery import Celery
from fastapi import APIRouter, Depends, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from .dependencies import SessionLocal, get_session, require_staff
from .models import Guest, Reservation, Room

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/front-desk/no-shows", tags=["front-desk"])

celery_app = Celery("hotel_rooms", broker=os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0"))
stripe.api_key = os.environ.get("STRIPE_SECRET_KEY", "")

NO_SHOW_CUTOFF = time(4, 0)  # 04:00 hotel local time, the morning after arrival


@celery_app.task(bind=True, autoretry_for=(stripe.error.APIConnectionError,), retry_backoff=True, max_retries=5)  # ok: REL002
def charge_no_show_fee(self, reservation_id: int) -> None:
    """Charge one night for a reservation marked as a no-show."""
    with SessionLocal() as session:
        reservation = session.get(Reservation, reservation_id)
        if reservation is None or reservation.status != "no_show":
            logger.warning("reservation %s is not an uncharged no-show, skipping fee", reservation_id)
            return
        fee_cents = int(reservation.room.nightly_rate * 100)
        stripe.PaymentIntent.create(  # expect: REL003, REL004
            amount=fee_cents,
            currency="eur",
            customer=reservation.guest.stripe_customer_id,
            off_session=True,
            confirm=True,
            description=f"No-show fee, reservation {reservation.id}",
        )
        reservation.status = "no_show_charged"
        session.commit()
        logger.info("charged no-show fee %d for reservation %s", fee_cents, reservation.id)


def mark_no_shows() -> None:
    """Flag confirmed arrivals that never checked in and queue the fee."""
    flagged = []
    with SessionLocal() as session:
        overdue = session.scalars(
            select(Reservation).where(Reservation.status == "confirmed", Reservation.check_in < date.today())
        ).all()
        for reservation in overdue:
            hotel = reservation.room.hotel  # expect: DB001
            tz = pytz.timezone(hotel.timezone)
            cutoff = tz.localize(datetime.combine(reservation.check_in + timedelta(days=1), NO_SHOW_CUTOFF))
            if datetime.now(tz) >= cutoff:
                reservation.status = "no_show"
                flagged.append(reservation.id)
        session.commit()
    for reservation_id in flagged:
        charge_no_show_fee.delay(reservation_id)
    logger.info("flagged %d no-shows", len(flagged))


scheduler = BackgroundScheduler(timezone="UTC")
scheduler.add_job(mark_no_shows, "cron", minute=15, id="mark-no-shows", replace_existing=True)
scheduler.start()  # expect: SCL003


@router.get("")
def list_no_shows(day: date = Query(...), staff: dict = Depends(require_staff),
                  session: Session = Depends(get_session)):
    """No-shows for one arrival date, for the morning front-desk review."""
    rows = session.execute(
        select(Reservation.id, Reservation.status, Room.number, Guest.full_name)
        .join(Room, Room.id == Reservation.room_id)
        .join(Guest, Guest.id == Reservation.guest_id)
        .where(Reservation.status.in_(("no_show", "no_show_charged")), Reservation.check_in == day)
        .order_by(Room.number)
        .limit(500)
    ).all()  # ok: DB001, DB002
    return [{"reservation_id": r.id, "status": r.status, "room": r.number, "guest": r.full_name} for r in rows]
