"""REL003: a charge, message or publish that is retried with no idempotency key."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import has_star_kwargs
from reviewer.checks._data import (
    Scope,
    ScopeCheck,
    is_retried_function,
    mentions_idempotency,
    retry_loops,
    side_effect,
)

_WHAT = {"payment": "charge the customer twice", "message": "send the message twice",
         "publish": "publish the event twice"}


class RetriedSideEffectWithoutIdempotencyKey(ScopeCheck):
    """A call that charges, sends or publishes, retried without an idempotency key.

    ## What it does
    Reports a side-effect call — Stripe `Charge`/`PaymentIntent`/`Refund`/`Transfer`/... `.create`,
    `.capture`, `.confirm`; methods named `charge`, `refund`, `create_payment`, `send_email`, `send_mail`,
    `sendmail`, `send_sms`, `publish`, `basic_publish`, `produce`; `mail.send(...)`; `requests.post` /
    `httpx.post` / `client.post` to a URL that names a payment, charge, transfer, refund or order — when it
    runs inside a retry: the `try` of a loop whose `except` branch goes round again while success leaves the
    loop, a `for attempt in tenacity.Retrying(...)` loop, or a function decorated with tenacity, backoff,
    retrying or retry, or a Celery task with `autoretry_for` or `self.retry(...)`. It is not reported when
    the function mentions an idempotency or deduplication key anywhere (`idempotency_key=`, an
    `Idempotency-Key` header, `MessageDeduplicationId`) or the call passes `**kwargs`.

    ## Why is this bad?
    A timeout does not mean the call failed: the payment provider may have charged the card and only the
    answer was lost. Retrying then charges (or e-mails, or publishes) a second time. An idempotency key
    makes the provider recognise the retry and return the first result instead of repeating the action.

    ## Known limits
    A side effect inside a helper that the retried function calls is not followed, and neither is a retry
    done by the caller of this function or by a queue's redelivery. Only the names listed above count as
    side effects, so a custom client method called `submit` is missed. Mentioning a key anywhere in the
    function is taken as using it for every call there. E-mail and SMS APIs rarely accept a key; the fix
    for them is a "sent" record checked before sending, which this check does not recognise. `publish` counts
    only on a broker-like receiver (`producer`, `publisher`, `sns`, `channel`, a Redis or Kafka client), so a
    CMS `page.publish()` is not taken for one.
    """

    id = "REL003"
    VALID = (
        """
import time
import stripe

def charge_order(order):
    for attempt in range(3):
        try:
            return stripe.PaymentIntent.create(  # ok: REL003
                amount=order.total_cents,
                currency="usd",
                customer=order.customer_id,
                idempotency_key=f"order-{order.id}",
            )
        except stripe.error.APIConnectionError:
            time.sleep(2 ** attempt)
    raise RuntimeError("payment provider unavailable")
""",
        """
import requests
from tenacity import retry, stop_after_attempt, wait_exponential

@retry(stop=stop_after_attempt(4), wait=wait_exponential())
def create_transfer(account_id, amount_cents, request_id):
    headers = {"Idempotency-Key": request_id}
    return requests.post(  # ok: REL003
        "https://payments.example.com/v1/transfers",
        json={"account": account_id, "amount": amount_cents},
        headers=headers,
        timeout=10,
    ).json()
""",
        """
import logging
import stripe

def charge_all(orders):
    for order in orders:
        try:
            stripe.Charge.create(amount=order.total_cents, currency="usd", source=order.token)  # ok: REL003
        except stripe.error.CardError:
            logging.warning("card declined for order %s", order.id)
            continue
""",
        """
from tenacity import retry, stop_after_attempt
import requests

@retry(stop=stop_after_attempt(3))
def fetch_order(order_id):
    return requests.get(f"https://shop.example.com/orders/{order_id}", timeout=5).json()  # ok: REL003
""",
    )
    INVALID = (
        """
import time
import stripe

def charge_order(order):
    for attempt in range(3):
        try:
            return stripe.Charge.create(  # expect: REL003
                amount=order.total_cents,
                currency="usd",
                source=order.card_token,
            )
        except stripe.error.APIConnectionError:
            time.sleep(2 ** attempt)
    raise RuntimeError("payment provider unavailable")
""",
        """
import smtplib
from tenacity import retry, stop_after_attempt, wait_fixed

@retry(stop=stop_after_attempt(5), wait=wait_fixed(2))
def send_receipt(order, message):
    with smtplib.SMTP("smtp.example.com", 587, timeout=10) as smtp:
        smtp.login(SMTP_USER, SMTP_PASSWORD)
        smtp.sendmail("shop@example.com", [order.email], message.as_string())  # expect: REL003
""",
        """
import requests
from celery import shared_task

@shared_task(bind=True, max_retries=5)
def settle_order(self, order_id, amount_cents):
    try:
        body = {"order": order_id, "amount": amount_cents}
        resp = requests.post(f"{PAYMENTS_URL}/charges", json=body, timeout=10)  # expect: REL003
        resp.raise_for_status()
    except requests.RequestException as exc:
        raise self.retry(exc=exc, countdown=30)
""",
        """
import time
import logging

def announce_order(producer, order):
    while True:
        try:
            producer.publish("orders.created", order.to_json())  # expect: REL003
            break
        except ConnectionError:
            logging.warning("broker unavailable, retrying")
            time.sleep(1)
""",
    )

    def judge(self, scope: Scope) -> None:
        retried: list[cst.CSTNode] = []
        if isinstance(scope.root, cst.FunctionDef) and is_retried_function(scope.root, scope, self.ctx):
            retried.append(scope.root.body)
        for found in retry_loops(scope, self.ctx):
            retried.extend([found.loop.body] if found.whole_body else [t.body for t in found.tries])
        if not retried:
            return
        seen: set[cst.Call] = set()
        for block in retried:
            for call in scope.calls_within(block):
                if call in seen or has_star_kwargs(call) or scope.in_except(call, within=block):
                    continue
                seen.add(call)
                kind = side_effect(call, scope, self.ctx)
                if kind is None or mentions_idempotency(scope, self):
                    continue
                self.report(call, f"This call is retried with no idempotency key: a retry after a timeout can "
                                  f"{_WHAT[kind]}.")
