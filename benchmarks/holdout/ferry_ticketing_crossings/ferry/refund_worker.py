"""`flask refunds run`: refund every confirmed booking on a cancelled sailing.

Safe to run repeatedly (from cron or by hand after a failed cancel): each
refund carries an idempotency key derived from the booking, and each booking
is committed as soon as its refund exists.
"""
import logging
import sys

import click
import stripe
from flask.cli import AppGroup
from sqlalchemy import select

from ferry import db
from ferry.models import Booking, Refund, Sailing

logger = logging.getLogger(__name__)
refunds_cli = AppGroup("refunds", help="Refund maintenance commands.")

BATCH_SIZE = 200


def _pending_batch(sailing_id, after_id):
    stmt = (
        select(Booking)
        .join(Sailing, Booking.sailing_id == Sailing.id)
        .where(Sailing.status == "cancelled", Booking.status == "confirmed", Booking.id > after_id)
        .order_by(Booking.id)
        .limit(BATCH_SIZE)
    )
    if sailing_id is not None:
        stmt = stmt.where(Booking.sailing_id == sailing_id)
    return db.session.scalars(stmt).all()


def refund_one(booking):
    """Refund one booking in full. Calling it twice for a booking issues one refund."""
    refund = stripe.Refund.create(
        payment_intent=booking.payment_intent_id,
        reason="requested_by_customer",
        metadata={"booking": booking.reference},
        idempotency_key=f"sailing-cancel-refund-{booking.id}",
    )
    booking.status = "refunded"
    db.session.add(Refund(booking_id=booking.id, stripe_refund_id=refund.id, amount_pence=refund.amount))
    db.session.commit()  # ok: DB003
    return refund


@refunds_cli.command("run")
@click.option("--sailing", "sailing_id", type=int, default=None, help="Only this sailing.")
@click.option("--dry-run", is_flag=True, help="List what would be refunded.")
def run(sailing_id, dry_run):
    after_id = 0
    issued = failed = 0
    while True:  # ok: REL002
        batch = _pending_batch(sailing_id, after_id)
        if not batch:
            break
        for booking in batch:
            after_id = booking.id
            if dry_run:
                click.echo(f"would refund {booking.reference}: {booking.amount_pence}p")
                continue
            try:
                refund_one(booking)
                issued += 1
            except stripe.error.StripeError:
                db.session.rollback()
                failed += 1
                logger.exception("refund failed for booking %s", after_id)
    click.echo(f"refunds issued: {issued}, failed: {failed}")
    if failed:
        sys.exit(1)
