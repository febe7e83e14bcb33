"""Month-end electricity charges for resident berths, posted to the ledger."""
import logging
from datetime import datetime, timezone

import requests
from flask import current_app
from requests.adapters import HTTPAdapter
from sqlalchemy import func
from urllib3.util.retry import Retry

from marina.app import celery
from marina.models import Booking, MeterReading, PowerCharge, db

log = logging.getLogger(__name__)
BATCH_SIZE = 200


def _ledger_session():
    session = requests.Session()
    retry = Retry(total=3, backoff_factor=1.0, status_forcelist=(502, 503, 504),
                  allowed_methods=frozenset({"POST"}))  # ok: REL002
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


def _month_bounds(period):
    year, month = (int(p) for p in period.split("-"))
    start = datetime(year, month, 1, tzinfo=timezone.utc)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=timezone.utc)
    return start, end


@celery.task(name="power.bill_month")
def bill_month(period):
    start, end = _month_bounds(period)
    usage = dict(
        db.session.query(MeterReading.berth_id,
                         func.max(MeterReading.kwh_total) - func.min(MeterReading.kwh_total))
        .filter(MeterReading.read_at >= start, MeterReading.read_at < end)
        .group_by(MeterReading.berth_id)
        .all()
    )
    residents = (
        Booking.query.filter(
            Booking.kind != "visitor",
            Booking.status == "confirmed",
            Booking.berth_id.in_(list(usage)),
            Booking.arrive <= start.date(),
            Booking.depart >= end.date(),
        )
        .all()
    )
    already = {
        booking_id for (booking_id,) in db.session.query(PowerCharge.booking_id)
        .filter(PowerCharge.period == period)
    }
    rate = current_app.config["ELECTRICITY_PENCE_PER_KWH"]
    created = 0
    for booking in residents:
        if booking.id in already:
            continue
        kwh = usage[booking.berth_id]  # ok: DB001
        db.session.add(PowerCharge(booking_id=booking.id, period=period, kwh=kwh, amount_pence=int(kwh * rate)))
        created += 1
        if created % BATCH_SIZE == 0:
            db.session.commit()  # ok: DB003
    db.session.commit()
    # Every charge of the period is (re)posted; the ledger dedupes on the key,
    # so re-running the task after a failure fills any gaps.
    posted = _post_to_ledger(period)
    log.info("electricity billed for %s: %d new charges, %d posted", period, created, posted)


def _post_to_ledger(period):
    url = current_app.config["ACCOUNTS_API_URL"].rstrip("/") + "/charges"
    timeout = current_app.config["HTTP_TIMEOUT_SECONDS"]
    charges = PowerCharge.query.filter_by(period=period).order_by(PowerCharge.id).yield_per(BATCH_SIZE)
    posted = 0
    with _ledger_session() as session:
        for charge in charges:
            resp = session.post(  # ok: REL001, REL003
                url,
                json={"booking_id": charge.booking_id, "period": charge.period,
                      "amount_pence": charge.amount_pence, "description": "Shore power"},
                headers={"Idempotency-Key": f"power-{charge.period}-{charge.booking_id}"},
                timeout=timeout,
            )
            resp.raise_for_status()
            posted += 1
    return posted
