"""``flask refund-closures``: refund every paid booking on a closed slot.

Run by the scheduler container every ten minutes, and by hand after a storm.
Safe to re-run: each refund carries an idempotency key derived from the
booking id, so Stripe returns the original refund instead of paying twice.
"""
import logging

import click
import stripe
from flask.cli import with_appcontext

from .. import db
from ..models import Booking, Refund, TourSlot
from ..services import notify
from ..services.pricing import refund_amount

log = logging.getLogger(__name__)

BATCH_SIZE = 100


def _refund_one(booking: Booking, slot: TourSlot) -> bool:
    amount = refund_amount(booking, slot, reason="closure")
    try:
        refund = stripe.Refund.create(  # ok: REL003
            payment_intent=booking.payment_intent_id,
            amount=amount,
            metadata={"closure_slot": slot.id, "booking": booking.reference},
            idempotency_key=f"closure-refund-{booking.id}",
        )
    except stripe.error.StripeError:
        log.exception("closure refund failed for booking %s", booking.reference)
        return False
    db.session.add(Refund(booking_id=booking.id, stripe_refund_id=refund.id,
                          amount_pence=amount, reason="closure"))
    booking.status = "refunded"
    return True


@click.command("refund-closures")
@click.option("--slot-id", type=int, default=None, help="Only refund this slot.")
@with_appcontext
def refund_closures(slot_id: int | None) -> None:
    query = (
        db.session.query(Booking, TourSlot)
        .join(TourSlot, TourSlot.id == Booking.slot_id)
        .filter(TourSlot.status == "closed", Booking.status == "paid")
    )
    if slot_id is not None:
        query = query.filter(Booking.slot_id == slot_id)

    last_id, refunded, failed = 0, 0, 0
    while True:  # ok: REL002
        batch = query.filter(Booking.id > last_id).order_by(Booking.id).limit(BATCH_SIZE).all()
        if not batch:
            break
        done = []
        for booking, slot in batch:
            if _refund_one(booking, slot):
                done.append((booking, slot))
            else:
                failed += 1
        db.session.commit()  # ok: DB003
        for booking, slot in done:
            notify.send_closure_notice(booking, slot)
        refunded += len(done)
        last_id = batch[-1][0].id

    log.info("closure refunds finished: %d refunded, %d failed", refunded, failed)
    click.echo(f"refunded={refunded} failed={failed}")
    if failed:
        raise SystemExit(1)
