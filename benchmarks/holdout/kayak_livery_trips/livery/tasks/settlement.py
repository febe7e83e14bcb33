"""Weekly guide payouts and reconciliation of pending bookings (run from cron).

    flask settle-guides --week-start 2024-07-01
    flask reconcile-pending
"""
import logging
from datetime import datetime, timedelta, timezone

import click
import stripe
from flask.cli import with_appcontext
from sqlalchemy import func, select, update
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from .. import db
from ..models import Booking, Guide, GuidePayout, Trip

logger = logging.getLogger(__name__)

GUIDE_SHARE = 0.35
PENDING_GRACE = timedelta(minutes=30)
TRANSIENT = (stripe.APIConnectionError, stripe.RateLimitError)


@retry(retry=retry_if_exception_type(TRANSIENT), stop=stop_after_attempt(4),
       wait=wait_exponential(multiplier=1, max=30), reraise=True)
def _transfer(guide, amount_cents, week_start):
    return stripe.Transfer.create(  # ok: REL003
        amount=amount_cents,
        currency="usd",
        destination=guide.stripe_account_id,
        metadata={"guide_id": guide.id, "week_start": week_start.isoformat()},
        idempotency_key=f"guide-payout-{guide.id}-{week_start.isoformat()}",
    )


def _earnings_by_guide(start, end):
    rows = db.session.execute(
        select(Trip.guide_id, func.sum(Booking.amount_cents))
        .join(Booking, Booking.trip_id == Trip.id)
        .where(Trip.departs_at >= start, Trip.departs_at < end, Booking.status == "confirmed")
        .group_by(Trip.guide_id)
    ).all()
    return {guide_id: total for guide_id, total in rows if guide_id is not None}


@click.command("settle-guides")
@click.option("--week-start", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@with_appcontext
def settle_guides(week_start):
    start = week_start.date()
    earnings = _earnings_by_guide(start, start + timedelta(days=7))
    already_paid = set(db.session.execute(
        select(GuidePayout.guide_id).where(GuidePayout.week_start == start)
    ).scalars())
    guides = db.session.execute(select(Guide).where(Guide.id.in_(list(earnings)))).scalars().all()
    failures = 0
    for guide in guides:
        if guide.id in already_paid or not guide.stripe_account_id:
            continue
        amount = int(earnings[guide.id] * GUIDE_SHARE)
        try:
            transfer = _transfer(guide, amount, start)
        except stripe.StripeError:
            logger.exception("payout failed for guide %s week %s", guide.id, start)
            failures += 1
            continue
        db.session.add(GuidePayout(guide_id=guide.id, week_start=start, amount_cents=amount,
                                   transfer_id=transfer.id, paid_at=datetime.now(timezone.utc)))
        db.session.commit()  # ok: DB003
        click.echo(f"paid guide {guide.id}: ${amount / 100:.2f}")
    if failures:
        raise SystemExit(f"{failures} payout(s) failed; rerun is safe")


@click.command("reconcile-pending")
@with_appcontext
def reconcile_pending():
    """Confirm pending bookings Stripe charged; release seats of the rest."""
    cutoff = datetime.now(timezone.utc) - PENDING_GRACE
    stale = db.session.execute(
        select(Booking).where(Booking.status == "pending", Booking.created_at < cutoff).limit(200)
    ).scalars().all()
    for booking in stale:
        found = stripe.PaymentIntent.search(
            query=f"metadata['booking_id']:'{booking.id}' AND status:'succeeded'", limit=1
        )
        if found.data:
            booking.status, booking.payment_intent_id = "confirmed", found.data[0].id
        else:
            db.session.execute(update(Trip).where(Trip.id == booking.trip_id)
                               .values(seats_booked=Trip.seats_booked - booking.party_size))
            booking.status = "expired"
        db.session.commit()  # ok: DB003
        click.echo(f"booking {booking.id}: {booking.status}")
