"""Settles graded orders right away: instant PayPal payouts or store credit.
Plain PayPal orders wait for the weekly batch in payout_batch.py."""
import logging
from datetime import datetime, timezone

import requests
from celery import shared_task
from flask import current_app

from buyback.models import BuybackOrder, Student, db

log = logging.getLogger(__name__)


def _paypal_token() -> str:
    cfg = current_app.config
    resp = requests.post(
        f"{cfg['PAYPAL_API_BASE']}/v1/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(cfg["PAYPAL_CLIENT_ID"], cfg["PAYPAL_CLIENT_SECRET"]),
        timeout=10,
    )
    resp.raise_for_status()
    return resp.json()["access_token"]


def _paypal_payout(order: BuybackOrder, receiver: str) -> str:
    cfg = current_app.config
    amount = f"{order.total_final_cents / 100:.2f}"
    resp = requests.post(  # expect: REL003
        f"{cfg['PAYPAL_API_BASE']}/v1/payments/payouts",
        json={
            "sender_batch_header": {
                "email_subject": "Your textbook buyback payment",
                "recipient_type": "EMAIL",
            },
            "items": [{
                "amount": {"value": amount, "currency": "USD"},
                "receiver": receiver,
                "note": f"Buyback order #{order.id}",
            }],
        },
        headers={"Authorization": f"Bearer {_paypal_token()}"},
        timeout=20,
    )
    resp.raise_for_status()
    return resp.json()["batch_header"]["payout_batch_id"]


def _credit_store_balance(order: BuybackOrder) -> None:
    student = db.session.get(Student, order.student_id)
    student.credit_balance_cents += order.total_final_cents  # expect: DB004
    order.status = "credited"
    order.payout_ref = f"credit:{order.id}"
    db.session.commit()


@shared_task(
    bind=True,
    autoretry_for=(requests.RequestException,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def settle_order(self, order_id: int) -> None:
    order = db.session.get(BuybackOrder, order_id)
    if order is None or order.status != "graded":
        log.info("order %s is not awaiting settlement, skipping", order_id)
        return
    if order.total_final_cents <= 0:
        order.status = "closed"
        db.session.commit()
        return

    if order.payout_method == "credit":
        _credit_store_balance(order)
        log.info("order %s settled as store credit", order_id)
        return
    if order.payout_method != "instant":
        return

    receiver = order.student.paypal_email or order.student.email
    batch_id = _paypal_payout(order, receiver)
    order.status = "paid"
    order.payout_ref = batch_id
    db.session.commit()
    log.info("order %s paid via paypal batch %s (attempt %s)", order_id, batch_id, self.request.retries + 1)


@shared_task(ignore_result=True)
def notify_settled(order_id: int) -> None:
    from buyback.mailer import send_template

    order = db.session.get(BuybackOrder, order_id)
    if order is None or order.status not in ("paid", "credited"):
        return
    send_template(order.student.email, "order_settled", {
        "order_id": order.id,
        "amount": f"{order.total_final_cents / 100:.2f}",
        "method": order.payout_method,
        "settled_at": datetime.now(timezone.utc).isoformat(),
    })
