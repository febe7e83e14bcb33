"""Escalation of call-outs nobody has accepted.

Runs every couple of minutes. A customer locked out at 2am should not wait on
an unanswered job board: after STALE_CALLOUT_MINUTES we text them an update,
try auto-assignment and flag the job for the on-call dispatcher.
"""
import logging
from datetime import timedelta

from flask import current_app

from ..clients.sms import SmsError, send_sms
from ..models import Callout, db, utcnow
from ..services.assignment import assign_nearest

logger = logging.getLogger(__name__)

BATCH_SIZE = 200


def _customer_contact(callout: Callout) -> tuple[str, str]:
    customer = callout.customer
    return customer.name.split(" ")[0], customer.phone


def _stale_callouts(cutoff):
    return db.session.execute(
        db.select(Callout)
        .filter(Callout.status == "open", Callout.escalated.is_(False), Callout.created_at < cutoff)
        .order_by(Callout.created_at)
        .limit(BATCH_SIZE)
    ).scalars().all()


def escalate_stale_callouts() -> int:
    minutes = current_app.config["STALE_CALLOUT_MINUTES"]
    cutoff = utcnow() - timedelta(minutes=minutes)
    stale = _stale_callouts(cutoff)
    if not stale:
        return 0

    escalated = 0
    for callout in stale:
        first_name, phone = _customer_contact(callout)  # expect: DB001
        locksmith = assign_nearest(callout.id)
        if locksmith is not None:
            text = (f"Hi {first_name}, {locksmith.name} is on the way to {callout.address}. "
                    "They will call you when close.")
        else:
            text = (f"Hi {first_name}, we're still finding a locksmith for {callout.address}. "
                    "Our dispatcher has been alerted and will call you shortly.")
        try:
            send_sms(phone, text)
        except SmsError:
            logger.warning("could not text customer for callout=%s", callout.id, exc_info=True)

        callout.escalated = True
        db.session.commit()
        escalated += 1

    logger.info("escalated %s stale callouts older than %s minutes", escalated, minutes)
    return escalated
