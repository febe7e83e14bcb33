"""Queue "your garment is ready" texts for orders the workroom has finished.

The texts go into sms_outbox in the same transaction that stamps the order, so
an order is never stamped without its message nor messaged twice; the outbox
drainer (sms_outbox.py) does the sending.
"""
import logging
from datetime import datetime

import click
from flask import Blueprint
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import joinedload

from tailor.auth import make_customer_link_token
from tailor.models import Order, SmsOutbox, db

bp = Blueprint("pickup_notices", __name__, cli_group=None)
log = logging.getLogger(__name__)

BATCH_SIZE = 500
READY_TEXT = (
    "Good news {first_name}! Your {garment} (ticket {ticket}) is ready. "
    "Choose a collection time: https://stitchworks.example/c/{link}/pickup"
)


def _next_batch():
    return db.session.execute(
        select(Order)
        .options(joinedload(Order.customer))
        .where(Order.status == "ready", Order.ready_notice_queued_at.is_(None))
        .order_by(Order.id)
        .limit(BATCH_SIZE)
        .with_for_update(skip_locked=True, of=Order)
    ).scalars().all()


@bp.cli.command("queue-pickup-notices")
def queue_pickup_notices():
    total = 0
    while True:  # ok: REL002
        orders = _next_batch()
        if not orders:
            break
        now = datetime.utcnow()
        rows = []
        for order in orders:
            customer = order.customer  # ok: DB001
            if customer.sms_opt_in:
                rows.append({
                    "to_phone": customer.phone,
                    "body": READY_TEXT.format(
                        first_name=customer.full_name.split()[0],
                        garment=order.garment.lower(),
                        ticket=order.ticket_no,
                        link=make_customer_link_token(customer.id),
                    ),
                    "dedupe_key": f"ready-{order.id}",
                    "status": "pending",
                    "attempts": 0,
                    "created_at": now,
                })
            order.ready_notice_queued_at = now
        if rows:
            db.session.execute(insert(SmsOutbox).values(rows).on_conflict_do_nothing(index_elements=["dedupe_key"]))
        db.session.commit()  # ok: DB003
        total += len(orders)
        log.info("queued ready notices for %d orders (batch ending at order %s)", len(orders), orders[-1].id)
    click.echo(f"queued notices for {total} orders")
