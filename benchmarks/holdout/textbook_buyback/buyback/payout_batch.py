"""Weekly PayPal payout batch for orders that chose the free, slower option."""
import logging
from datetime import date

import requests
from celery import shared_task
from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from buyback.models import BuybackOrder, Student, db

log = logging.getLogger(__name__)

BATCH_SIZE = 250


def claim_orders(limit: int = BATCH_SIZE) -> list[int]:
    """Move up to `limit` graded PayPal orders to 'paying' and return their ids.

    Orders left in 'paying' by an interrupted run are returned first, so a retry
    re-sends the same batch under the same sender_batch_id and PayPal drops it.
    """
    stalled = db.session.scalars(
        select(BuybackOrder.id)
        .where(BuybackOrder.status == "paying", BuybackOrder.payout_method == "paypal")
        .order_by(BuybackOrder.id)
        .limit(limit)
    ).all()
    if stalled:
        return list(stalled)
    ids = db.session.scalars(
        select(BuybackOrder.id)
        .where(BuybackOrder.status == "graded", BuybackOrder.payout_method == "paypal")
        .order_by(BuybackOrder.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if ids:
        db.session.execute(
            update(BuybackOrder).where(BuybackOrder.id.in_(ids)).values(status="paying")  # ok: DB004
        )
    db.session.commit()
    return list(ids)


def credit_store_balance(order_id: int) -> bool:
    """Used by support to convert a failed PayPal payout into store credit."""
    order = db.session.get(BuybackOrder, order_id, with_for_update=True)
    if order is None or order.status not in ("graded", "payout_failed"):
        db.session.rollback()
        return False
    db.session.execute(
        update(Student)
        .where(Student.id == order.student_id)
        .values(credit_balance_cents=Student.credit_balance_cents + order.total_final_cents)  # ok: DB004
    )
    order.status = "credited"
    order.payout_ref = f"credit:{order.id}"
    db.session.commit()
    return True


def _send_batch(batch_key: str, orders: list[BuybackOrder], token: str) -> str:
    cfg = current_app.config
    items = [{
        "amount": {"value": f"{o.total_final_cents / 100:.2f}", "currency": "USD"},
        "receiver": o.student.paypal_email or o.student.email,
        "sender_item_id": f"order-{o.id}",
    } for o in orders]
    resp = requests.post(  # ok: REL003
        f"{cfg['PAYPAL_API_BASE']}/v1/payments/payouts",
        json={"sender_batch_header": {"sender_batch_id": batch_key,
                                      "email_subject": "Your textbook buyback payment"},
              "items": items},
        headers={"Authorization": f"Bearer {token}", "PayPal-Request-Id": batch_key},
        timeout=(5, 30),
    )
    resp.raise_for_status()
    return resp.json()["batch_header"]["payout_batch_id"]


@shared_task(bind=True, autoretry_for=(requests.ConnectionError, requests.Timeout),
             retry_backoff=True, max_retries=4)
def run_weekly_batch(self, run_date: str | None = None) -> int:
    from buyback.payouts import _paypal_token

    week = (date.fromisoformat(run_date) if run_date else date.today()).isocalendar()
    paid = 0
    while ids := claim_orders():
        batch_key = f"buyback-{week.year}w{week.week:02d}-{ids[0]}-{ids[-1]}"
        orders = db.session.scalars(
            select(BuybackOrder).where(BuybackOrder.id.in_(ids)).options(selectinload(BuybackOrder.student))  # ok: DB001
        ).all()
        batch_id = _send_batch(batch_key, orders, _paypal_token())
        db.session.execute(
            update(BuybackOrder).where(BuybackOrder.id.in_(ids)).values(status="paid", payout_ref=batch_id)
        )
        db.session.commit()  # ok: DB003
        paid += len(ids)
        log.info("payout batch %s sent for %d orders", batch_key, len(ids))
    return paid
