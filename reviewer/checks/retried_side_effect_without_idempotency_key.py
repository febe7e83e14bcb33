"""REL003: a charge, message or publish that is retried with no idempotency key."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import PythonCheck, attribute_path, has_star_kwargs, keyword
from reviewer.checks._data import (
    _IDEMPOTENCY,
    Scope,
    ScopeCheck,
    db_write,
    ends_in_exit,
    fresh_idempotency_key,
    handed_function,
    has_lock,
    is_query_call,
    is_retried_function,
    mentions_idempotency,
    method,
    positional,
    retry_loops,
    self_retry_calls,
    sql_verb,
)
from reviewer.checks._effects import RETRY, Effect, Helpers, carries_dedup_header, helpers_of, unique_record_first
from reviewer.checks._rows import node_code
from reviewer.checks.exception_swallowed import logging_level

_NOT_A_CHARGE = re.compile(r"refund|payout|transfer|link|session", re.I)
_WHAT = {"payment": "charge the customer twice", "message": "send the message twice",
         "publish": "publish the event twice", "create": "create the remote record twice",
         "post": "repeat what the POST does (a second record, message or transfer)"}


def _what_is_called(call: cst.Call) -> str:
    """The callee and the URL or path the call is given: `stripe.Refund.create`, `post(f"{API}/payouts")`. Not
    the keyword arguments: `off_session=True` on a PaymentIntent says who is present, not that no money moves."""
    return " ".join(node_code(part) for part in (call.func, *(a.value for a in call.args if a.keyword is None),
                                                    *(a.value for a in call.args
                                                      if a.keyword is not None and a.keyword.value == "url")))


class RetriedSideEffectWithoutIdempotencyKey(ScopeCheck):
    """A call that charges, sends, creates or publishes, retried without an idempotency key.

    ## What it does
    Reports a side-effect call when it runs inside a retry: the `try` of a loop whose `except` branch goes round
    again while success leaves the loop, a `for attempt in tenacity.Retrying(...)` loop, a function decorated
    with tenacity, backoff, retrying or retry, a Celery task with `autoretry_for` or `self.retry(...)` (with
    `self.retry` alone, only calls that a later `self.retry` can repeat: one after every retry point runs once), a
    task a queue runs again when it raises (a Dramatiq actor, retried by default unless `max_retries=0`; a Huey task
    given `retries`), or an arq job that raises `Retry` (judged like `self.retry`). A call written over several
    lines is reported over all of them.
    Side effects are: Stripe `Charge`/`PaymentIntent`/`Refund`/`Transfer`/... `.create`, `.capture`, `.confirm`;
    methods named `charge`, `refund`, `create_payment` (and `charge_*`/`refund_*`, but not a name that works out a
    sum: `refund_for`, `charge_amount`, `refund_due`), `send_email`, `send_mail`, `sendmail`, `send_sms`,
    `publish`, `basic_publish`, `produce`, an SQS client's `send_message`, a Twilio client's `messages.create`
    (also a client a helper builds, in a file that imports twilio); a `send_*`/`notify_*` function imported from a
    notifications or mail
    module (a `send_*` one from any module of the app, not a framework's `send_file`); `mail.send(...)`, `producer.send(...)`; `create_*` on a boto3
    client; an imported function or a client method whose name creates something remote (`submit_order`,
    `api.create_shipment`); and an HTTP POST (`requests`, `httpx`, `aiohttp`, a `client`/`session`/`api`)
    whose URL — its literal text, the names it is built from, and the name and default of the environment
    variable it comes from — names a payment, a message or notification, or something created (orders,
    events, webhooks, batches, ingest, upload, coupons, vouchers) or a record kept at a partner (reservations,
    claims, shipping labels, pickups, holds). A call to a function defined in the same file is followed into
    it: `_charge_card(...)` inside a retry loop is reported at the call when the helper posts to `/charges`. A
    function handed to `asyncio.to_thread(...)` or `run_in_executor(...)` counts as called there.
    A request handler is re-sent by its client (a double click, a retry after a timeout): a call in one that
    takes the customer's money (a charge or payment intent; not a refund, payout or transfer, which the record's
    status guards, nor a checkout link or session, which moves no money) is reported with no retry in sight.
    It is not reported when the function (or the helper) mentions an idempotency or deduplication key before the
    call ends (one first named after it, a `dedupe_key` stored with the record of a message sent, was never given
    to it) (`idempotency_key=`, an `Idempotency-Key` header, `MessageDeduplicationId`, PayPal's `PayPal-Request-Id`
    header or `sender_batch_id`; a helper that takes the key as an optional parameter, `idempotency_key=None`,
    only when the call passes it), unless every key it passes is made new on each call
    (`idempotency_key=uuid.uuid4().hex`, `f"payout-{id}-{uuid4()}"`: a retry carries a new key, so it is reported;
    such a key is reported outside a retry too, since the code meant the call to be safe to send again and it is
    not), when the call sends an event-id or message-id header, when an argument is built by a same-file helper
    that sets such a key (not one that only gives its key to a call of its own, `_customer_for(user)` creating the
    Stripe customer with its own key), when the call is to a function of a project module the file imports
    (`billing.charge_period(...)` of `from . import billing`) whose text passes such a key, when
    the call passes `**kwargs`, when the POST's URL or the enclosing function reads (a token exchange, a
    search, a quote, a model inference), when a helper retries the call itself (reported there) or catches
    its failure, or when a retried task first commits a claim on the record and returns when the claim fails
    (the claim may be committed by a same-file helper: one that commits, or one that runs the `UPDATE` it is
    given and commits it; an early return whose test runs a query of its own is a check of other rows, not the
    claim), or when a Celery task retried only on one library's errors (`autoretry_for=(stripe.APIError, ...)`)
    makes the call after every call into that library and outside any loop that also calls it (nothing after it
    raises what the task retries on), or when it locks the record, returns when a field says the work was done
    (`if hold.notice_sent_at is not None: return`) and sets that field after the call, or when a retried task
    sends one mail (not by an HTTP POST, in no loop, not in a `with` block whose exit may fail, unless the task
    retries only errors of opening a connection: `SMTPConnectError`, a refused connection, httpx's `ConnectError`)
    and nothing after it can fail but logging: the task runs again only when the send itself raised, or when the
    call runs in a loop over the rows whose field is not set yet (`sent_at__isnull=True`, `.is_(None)`, `IS NULL`)
    and stores that field for the row right after it, in the same round (`.filter(pk=n.pk).update(sent_at=now)`,
    or set and then saved or committed): a retry starts from the rows not sent yet, or when the call runs in a
    transaction block that first inserts a record of it, in a `try` that catches `IntegrityError` (a unique
    sent-record: a retry after a sent one fails to insert it and skips the call). A POST to a record's own path
    (`f"{API}/invoices/{invoice_id}/sent"`) is judged by the path after the record's id only (`sent`: a state
    change, not reported; `refunds`: a payment), not by the service or collection named before it.

    ## Why is this bad?
    A timeout does not mean the call failed: the payment provider may have charged the card and only the
    answer was lost. Retrying then charges (or e-mails, or publishes, or creates the shipment) a second time.
    An idempotency key makes the provider recognise the retry and return the first result instead of
    repeating the action.

    ## Known limits
    Helpers are followed only within the file and only by name (`helper(...)`, `self.helper(...)`); a function
    of an imported module is read as text, for a key only, not followed; a retry
    done by the caller of this function or by a queue's redelivery is not seen. Only the names and URL words
    above count as side effects, so a custom client method called `do_request` is missed, and a POST to a URL
    that is only a parameter (`post(url, ...)`) is not judged. Mentioning a key anywhere in the function is
    taken as using it for every call there. E-mail and SMS APIs rarely accept a key; the fix for them is a
    claimed "sending" record checked before sending, which is recognised only in its commit-then-`if ...:
    return` form and as a field tested and then set under a row lock in the function. `publish` counts only on a broker-like receiver (`producer`, `publisher`, `sns`, `channel`,
    a Redis or Kafka client), so a CMS `page.publish()` is not taken for one. A record's own path is recognised
    only in an f-string (directly or through one assignment) whose last interpolation sits between two `/`; an
    action on a record that moves money without naming it (`/claims/{id}/reverse`) is not taken for a payment.
    """

    id = "REL003"
    VALID = (
        # The sent-record is inserted in the mail's transaction under a unique constraint: a retry skips what was sent.
        """
from celery import shared_task
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

@shared_task(autoretry_for=(ConnectionError,), max_retries=3)
def send_digests(month):
    for member in Member.objects.filter(active=True).iterator():
        try:
            with transaction.atomic():
                DigestSent.objects.create(member=member, month=month)
                send_mail("Your digest", render_digest(member, month), None, [member.email])  # ok: REL003, REL004
        except IntegrityError:
            continue
""",
        # PayPal's own names for the key: the retried batch carries the same request id and batch id.
        """
import requests
from celery import shared_task

def _send_batch(batch_key, items, token):
    resp = requests.post(
        "https://api-m.paypal.com/v1/payments/payouts",
        json={"sender_batch_header": {"sender_batch_id": batch_key}, "items": items},
        headers={"Authorization": f"Bearer {token}", "PayPal-Request-Id": batch_key},
        timeout=(5, 30),
    )
    resp.raise_for_status()
    return resp.json()["batch_header"]["payout_batch_id"]

@shared_task(bind=True, autoretry_for=(requests.ConnectionError,), max_retries=4)
def run_batch(self, week, ids, items, token):
    return _send_batch(f"buyback-{week}-{ids[0]}-{ids[-1]}", items, token)  # ok: REL003
""",
        # A handler's charge keyed by the order, a refund guarded by the booking's status, and a message about a
        # payment.
        """
import stripe
from django.views.decorators.http import require_POST

@require_POST
def pay_order(request, order_id):
    order = get_object_or_404(Order, pk=order_id, customer=request.user)
    stripe.PaymentIntent.create(amount=order.total, currency="usd", confirm=True,  # ok: REL003
                                idempotency_key=f"order-{order.id}")
    return JsonResponse({"ok": True})

@require_POST
def cancel_booking(request, booking_id):
    booking = get_object_or_404(Booking, pk=booking_id, customer=request.user)
    stripe.Refund.create(payment_intent=booking.payment_intent)  # ok: REL003
    notify_incomplete_payment(booking)  # ok: REL003
    return JsonResponse({"ok": True})
""",
        """
from celery import shared_task

@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_confirmation(inspection_id):
    inspection = Inspection.objects.get(pk=inspection_id)
    send_plain_email(to=inspection.email, subject="Booked", body="...",  # ok: REL003
                     message_id=f"<inspection-{inspection.pk}@permits.example.gov>")
""",
        """
from celery import shared_task
from django.db import transaction
from django.core.mail import send_mail

@shared_task(bind=True, max_retries=5)
def send_ready_notice(self, hold_id):
    with transaction.atomic():
        hold = Hold.objects.select_for_update().get(pk=hold_id)
        if hold.notice_sent_at is not None:
            return
        try:
            send_mail("Ready for pickup", "...", None, [hold.email])  # ok: REL003
        except OSError as exc:
            raise self.retry(exc=exc)
        hold.notice_sent_at = timezone.now()
        hold.save(update_fields=["notice_sent_at"])
""",
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
        """
import os
import httpx
import backoff

AUTH_URL = os.environ.get("IDP_TOKEN_URL", "https://idp.example.com/oauth2/token")

@backoff.on_exception(backoff.expo, httpx.TransportError, max_tries=4)
def access_token(client_id, secret):
    resp = httpx.post(AUTH_URL, data={"grant_type": "client_credentials"}, auth=(client_id, secret))  # ok: REL003
    return resp.json()["access_token"]
""",
        """
import time
import httpx

def _open_ticket(desk_api, issue):
    resp = desk_api.post("/v2/tickets", json=issue.as_dict(), headers={"Idempotency-Key": issue.uid})
    resp.raise_for_status()
    return resp.json()["id"]

def escalate(desk_api, issue):
    for attempt in range(4):
        try:
            return _open_ticket(desk_api, issue)  # ok: REL003
        except httpx.TransportError:
            time.sleep(attempt + 1)
""",
        """
import aiohttp

async def replay(http, hook, body):
    headers = {"X-Hook-Event-Id": hook.event_id, "Content-Type": "application/json"}
    for attempt in range(5):
        try:
            async with http.post(hook.target_url, data=body, headers=headers) as resp:  # ok: REL003
                if resp.status < 500:
                    return resp.status < 400
        except aiohttp.ClientError:
            pass
    return False
""",
        """
import smtplib
from celery import shared_task
from sqlalchemy import update

@shared_task(bind=True, autoretry_for=(smtplib.SMTPServerDisconnected,), max_retries=3)
def mail_statement(self, statement_id):
    with Session() as db:
        won = db.execute(update(Statement).where(Statement.id == statement_id, Statement.state == "ready")
                         .values(state="mailing")).rowcount
        db.commit()
        if not won:
            return
        statement = db.get(Statement, statement_id)
        with smtplib.SMTP(RELAY, timeout=20) as relay:
            relay.send_message(render(statement))  # ok: REL003
        statement.state = "mailed"
        db.commit()
""",
        # Each notice is stamped as sent right after its mail, in the same round: a retry starts from the rows not
        # sent yet. Stamped on the objects and committed once after the loop, a failed send loses every stamp.
        """
from celery import shared_task
from django.core.mail import send_mail

@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_cancellation(night_id, subject, body):
    outstanding = CancellationNotice.objects.filter(night_id=night_id, sent_at__isnull=True).order_by("pk")
    for notice in outstanding.iterator():
        send_mail(subject, body, None, [notice.recipient])  # ok: REL003
        CancellationNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())

@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_reminders(outing_id):
    with Session() as session:
        seats = session.scalars(select(Seat).where(Seat.outing_id == outing_id, Seat.reminded_at.is_(None))).all()
        for seat in seats:
            send_mail("Reminder", "Boats out at six.", None, [seat.email])  # expect: REL003
            seat.reminded_at = utcnow()
        session.commit()
""",
        # Retried only when the connection could not be opened: a failure after the mail went out (QUIT on leaving
        # the `with` block) is not retried, so the mail is not sent twice. Retrying every SMTP error would be.
        """
import smtplib
from celery import shared_task

CONNECT_ERRORS = (smtplib.SMTPConnectError, ConnectionRefusedError)

def _send(to, body):
    with smtplib.SMTP(SMTP_HOST, 587, timeout=15) as smtp:
        smtp.send_message(_message(to, body))

@shared_task(autoretry_for=CONNECT_ERRORS, retry_backoff=True, max_retries=3)
def send_reset_email(user_id, token):
    user = User.query.get(user_id)
    _send(user.email, f"Reset link: {token}")  # ok: REL003

@shared_task(autoretry_for=(smtplib.SMTPException, ConnectionRefusedError), max_retries=3)
def send_welcome_email(user_id):
    user = User.query.get(user_id)
    _send(user.email, "Welcome")  # expect: REL003
""",
        """
from kafka.errors import KafkaError
from celery import shared_task

def _tell_downstream(producer, lot_id):
    try:
        producer.send("lots.closed", {"lot": lot_id}).get(timeout=5)
    except KafkaError:
        log.warning("could not announce lot %s", lot_id)

@shared_task(autoretry_for=(Exception,), max_retries=4)
def close_lot(lot_id):
    close_in_db(lot_id)
    _tell_downstream(PRODUCER, lot_id)  # ok: REL003
""",
        """
import requests
from celery import shared_task

@shared_task(autoretry_for=(requests.RequestException,), retry_backoff=True, max_retries=5)
def confirm_reconciled(payout_id):
    resp = requests.post(f"{PAYMENTS_API}/payouts/{payout_id}/reconciled", timeout=10)  # ok: REL003
    resp.raise_for_status()
""",
        """
import boto3
import psycopg2
from celery import shared_task

sns = boto3.client("sns")

def _one(sql, params):
    conn = psycopg2.connect(DSN)
    try:
        cur = conn.cursor()
        cur.execute(sql, params)
        row = cur.fetchone()
        conn.commit()
        return row
    finally:
        conn.close()

@shared_task(autoretry_for=(ConnectionError,), max_retries=3)
def text_pickup_code(parcel_id):
    claimed = _one("UPDATE parcels SET code_sent_at = now() WHERE id = %s AND code_sent_at IS NULL "
                   "RETURNING phone, code", (parcel_id,))
    if claimed is None:
        return
    phone, code = claimed
    sns.publish(PhoneNumber=phone, Message=f"Your pickup code is {code}")  # ok: REL003
""",
        # The task retries only while the payment row is missing, before anything is sent.
        """
from celery import shared_task
from django.core.mail import send_mail

@shared_task(bind=True, max_retries=5)
def send_payment_receipt(self, payment_id):
    try:
        payment = Payment.objects.get(pk=payment_id)
    except Payment.DoesNotExist as exc:
        raise self.retry(exc=exc, countdown=10)
    send_mail("Payment received", f"Thanks for {payment.amount}", None, [payment.email])  # ok: REL003
""",
        # The same helper, given a key derived from the booking.
        """
import requests

def _pay_api(path, payload, idempotency_key=None):
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    return requests.post(f"https://pay.example.com{path}", json=payload, headers=headers, timeout=10)

def capture_deposit(booking):
    for attempt in range(4):
        try:
            return _pay_api("/charges", {"amount": booking.deposit}, idempotency_key=f"deposit-{booking.id}")  # ok: REL003
        except requests.ConnectionError:
            continue
""",
        # A Dramatiq actor told not to retry, and a Huey task with no `retries`: each mail goes out once.
        """
import dramatiq
from huey.contrib.djhuey import db_task

@dramatiq.actor(max_retries=0)
def send_digest(user_id):
    send_mail("Your digest", render_digest(user_id), None, [email_of(user_id)])  # ok: REL003
    Digest.objects.create(user_id=user_id)

@db_task()
def send_receipt(order_id):
    order = Order.objects.get(pk=order_id)
    send_mail("Receipt", order.summary, None, [order.email])  # ok: REL003
    order.receipt_sent = True
    order.save()
""",
    )
    INVALID = (
        # The Twilio client comes from a helper; the task retries on Twilio's errors and re-sends every SMS.
        """
from celery import shared_task
from twilio.rest import Client

def _twilio():
    return Client(ACCOUNT_SID, AUTH_TOKEN)

@shared_task(autoretry_for=(ConnectionError,), max_retries=4)
def send_reminders():
    sms = _twilio()
    for booking in Booking.objects.filter(reminded=False)[:200]:
        sms.messages.create(to=booking.phone, from_=FROM_NUMBER, body="See you tomorrow")  # expect: REL003
""",
        # A DRF view set's `create` is the POST handler; a double submit charges twice.
        """
import stripe
from rest_framework import mixins, viewsets
from rest_framework.response import Response

class PreorderViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    def create(self, request, *args, **kwargs):
        book = Book.objects.get(pk=request.data["book"])
        intent = stripe.PaymentIntent.create(amount=book.price_pence, currency="gbp", confirm=True,  # expect: REL003
                                             customer=request.user.profile.stripe_customer_id)
        return Response({"intent": intent.id}, status=201)
""",
        # `off_session=True` says the customer is not at the keyboard, not that no money moves (nor a `session`).
        """
import stripe
from flask import Blueprint, jsonify

bp = Blueprint("orders", __name__)

@bp.post("/orders/<int:order_id>/buy-again")
def buy_again(order_id):
    order = Order.query.get_or_404(order_id)
    intent = stripe.PaymentIntent.create(amount=order.total_cents, currency="usd", confirm=True,  # expect: REL003
                                         customer=order.customer_id, off_session=True)
    return jsonify(intent=intent.id)
""",
        # The helper's key is the customer's; the charge the customer is handed to has none.
        """
import stripe
from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_POST

def _customer_for(user):
    profile = user.profile
    if not profile.stripe_customer_id:
        customer = stripe.Customer.create(email=user.email, idempotency_key=f"customer-{user.pk}")
        profile.stripe_customer_id = customer.id
        profile.save(update_fields=["stripe_customer_id"])
    return profile.stripe_customer_id

@login_required
@require_POST
def pay(request, trip_id):
    trip = Trip.objects.get(pk=trip_id)
    intent = stripe.PaymentIntent.create(amount=trip.fare_cents, currency="usd", confirm=True,  # expect: REL003
                                         customer=_customer_for(request.user), payment_method=request.POST["pm"])
    return JsonResponse({"intent": intent.id})
""",
        # The dedup key is made after the message went out, for the record of it: the provider never saw it.
        """
from celery import shared_task

@shared_task(autoretry_for=(ConnectionError,), max_retries=5)
def page_doctor(self, shift_id, text):
    shift = Shift.objects.get(pk=shift_id)
    sid = sms_client.send_message(to=shift.phone, body=text)  # expect: REL003
    Page.objects.create(shift=shift, provider_sid=sid, dedupe_key=f"{shift_id}-{self.request.id}")
""",
        # A shipping label is bought: a retry after a lost answer buys a second one (the reference is only printed).
        """
import requests
from celery import shared_task

@shared_task(autoretry_for=(requests.RequestException,), retry_backoff=True, max_retries=5)
def buy_postage(parcel_id):
    parcel = Parcel.objects.get(pk=parcel_id)
    resp = requests.post(f"{CARRIER_URL}/labels", json={"reference": f"parcel-{parcel.id}"}, timeout=20)  # expect: REL003
    resp.raise_for_status()
    Parcel.objects.filter(pk=parcel.pk).update(label_url=resp.json()["label_url"])
""",
        # One mail, the last thing in the task that can fail: the task is retried only when the send raised. A
        # mail followed by a save is sent again when the save fails; an SMS POST whose answer was lost is too.
        """
import logging
import requests
from celery import shared_task
from django.core.mail import send_mail

logger = logging.getLogger(__name__)

@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_card_email(card_id):
    card = GiftCard.objects.get(pk=card_id)
    send_mail("Your gift card", f"Code: {card.code}", None, [card.email])  # ok: REL003
    logger.info("gift card %s mailed", len(card.code))

@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_reminder(booking_id):
    booking = Booking.objects.get(pk=booking_id)
    send_mail("Tomorrow", booking.summary, None, [booking.email])  # expect: REL003
    booking.reminded = True
    booking.save(update_fields=["reminded"])

@shared_task(autoretry_for=(requests.RequestException,), max_retries=3)
def text_pickup(phone, body):
    requests.post(f"{SMS_API}/messages", json={"to": phone, "body": body}, timeout=10)  # expect: REL003
""",
        # A voucher is worth money: retrying its creation can issue two.
        """
import requests
from tenacity import retry, stop_after_attempt, wait_exponential

@retry(stop=stop_after_attempt(4), wait=wait_exponential(max=10))
def issue_voucher(api, member_ref, amount):
    resp = requests.post(f"{api}/vouchers", json={"member": member_ref, "amount": amount}, timeout=5)  # expect: REL003
    resp.raise_for_status()
    return resp.json()["code"]
""",
        # Retried only on Stripe's errors, and the receipt goes out after the last Stripe call: nothing after it
        # raises what the task retries on, so the receipt is not sent twice (the charge is).
        """
import stripe
from celery import shared_task

def _send_receipt(ses, member):
    ses.send_email(Source="club@example.org", Destination={"ToAddresses": [member.email]}, Message=RECEIPT)

@shared_task(bind=True, autoretry_for=(stripe.APIConnectionError, stripe.RateLimitError), max_retries=5)
def charge_member(self, member_id, amount_cents):
    member = Member.objects.get(pk=member_id)
    stripe.PaymentIntent.create(amount=amount_cents, currency="usd",  # expect: REL003
                                customer=member.stripe_id, confirm=True)
    _send_receipt(SES, member)  # ok: REL003
""",
        # Receipts sent in a loop after the charging loop are not sent again; one sent inside it is, when a later
        # round's charge raises and the task starts over.
        """
import stripe
from celery import shared_task

@shared_task(bind=True, autoretry_for=(stripe.APIConnectionError,), max_retries=5)
def renew_all(self, plan_ids):
    renewed = []
    for plan in Plan.objects.filter(pk__in=plan_ids):
        stripe.PaymentIntent.create(amount=plan.price, currency="eur",  # expect: REL003
                                    customer=plan.customer_ref, confirm=True)
        send_mail("Renewed", f"{plan.name} renewed", None, [plan.email])  # expect: REL003
        renewed.append(plan)
    for plan in renewed:
        send_mail("Receipt", f"{plan.name}: {plan.price}", None, [plan.email])  # ok: REL003
""",
        # The shipment row is made first, but the early return tests other rows: a retry after a lost answer from
        # Stripe finds no succeeded charge and charges again.
        """
import stripe
from celery import shared_task

@shared_task(bind=True, autoretry_for=(stripe.APIConnectionError,), retry_backoff=True, max_retries=5)
def charge_member(self, member_id, quarter, amount_cents):
    member = Member.objects.get(pk=member_id)
    shipment, _ = Shipment.objects.get_or_create(member=member, quarter=quarter)
    if ShipmentCharge.objects.filter(shipment=shipment, status="succeeded").exists():
        return
    intent = stripe.PaymentIntent.create(amount=amount_cents, currency="usd",  # expect: REL003
                                         customer=member.stripe_id, confirm=True)
    ShipmentCharge.objects.create(shipment=shipment, intent_id=intent.id, status="succeeded")
""",
        # No retry loop: the client is the retry. A double click on "Pay" charges twice.
        """
import stripe
from django.views.decorators.http import require_POST

@require_POST
def pay_fines(request):
    total = outstanding_fines(request.user)
    intent = stripe.PaymentIntent.create(  # expect: REL003
        amount=total, currency="usd", payment_method=request.POST["payment_method"], confirm=True,
    )
    return JsonResponse({"status": intent.status})
""",
        # Outside a retry too: a fresh key makes a re-sent request a second payout.
        """
import uuid

async def pay_claim(claim, body):
    return await gateway.send_payout(amount=body.amount, iban=body.iban, idempotency_key=uuid.uuid4().hex)  # expect: REL003
""",
        # A key made new on every attempt: the provider sees each retry as a new transfer.
        """
import uuid
import stripe
from tenacity import retry, stop_after_attempt, wait_exponential

@retry(stop=stop_after_attempt(4), wait=wait_exponential())
def pay_out(seller_id, amount_cents):
    key = f"payout-{seller_id}-{uuid.uuid4().hex}"
    return stripe.Transfer.create(amount=amount_cents, currency="eur", destination=seller_id, idempotency_key=key)  # expect: REL003
""",
        """
from celery import shared_task
from django.core.mail import send_mail

@shared_task(bind=True, max_retries=5)
def send_ready_notice(self, hold_id):
    hold = Hold.objects.get(pk=hold_id)
    if hold.notice_sent_at is not None:
        return
    try:
        send_mail("Ready for pickup", "...", None, [hold.email])  # expect: REL003
    except OSError as exc:
        raise self.retry(exc=exc)
    hold.notice_sent_at = timezone.now()
    hold.save(update_fields=["notice_sent_at"])
""",
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
        """
import time
import httpx

GATEWAY = "https://psp.example.net/v3"

def _debit(card, cents):
    resp = httpx.post(f"{GATEWAY}/charges", json={"card": card, "amount": cents}, timeout=10)
    resp.raise_for_status()
    return resp.json()["id"]

def renew(member):
    for attempt in range(3):
        try:
            return _debit(member.card_ref, member.fee_cents)  # expect: REL003
        except httpx.TransportError:
            time.sleep(2 * attempt)
""",
        """
import os
import time
import requests

RELAY_URL = os.environ.get("PAGER_RELAY_URL", "https://pager.example.org/api/notifications")

def page_on_call(person, text):
    while True:
        try:
            reply = requests.post(RELAY_URL, json={"to": person.phone, "text": text}, timeout=5)  # expect: REL003
        except requests.ConnectionError:
            time.sleep(3)
            continue
        return reply.json()["id"]
""",
        """
import time
from .carrier import book_pickup

def schedule(parcel):
    for attempt in range(1, 4):
        try:
            return book_pickup(parcel)  # expect: REL003
        except ConnectionError:
            time.sleep(attempt)
""",
        """
import boto3
from tenacity import retry, stop_after_attempt

iot = boto3.client("iot")

@retry(stop=stop_after_attempt(3))
def enrol(sensor):
    iot.create_thing(thingName=sensor.serial)  # expect: REL003
""",
        """
import httpx
from tenacity import retry, stop_after_attempt

@retry(stop=stop_after_attempt(4))
def refund_return(shop_api, ret):
    shop_api.post(f"/orders/{ret.order_id}/refunds", json={"amount": ret.amount_cents})  # expect: REL003
    shop_api.post(f"/returns/{ret.id}/received")  # ok: REL003
""",
        """
import asyncio
import stripe
from tenacity import AsyncRetrying, stop_after_attempt

async def charge_no_show_fee(customer_id: str, amount: int):
    async for attempt in AsyncRetrying(stop=stop_after_attempt(3), reraise=True):
        with attempt:
            return await asyncio.to_thread(  # expect: REL003
                stripe.PaymentIntent.create, amount=amount, currency="eur", customer=customer_id, confirm=True,
            )
""",
        # The helper can send a key, but this retried call never gives it one.
        """
import requests

def _pay_api(path, payload, idempotency_key=None):
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    return requests.post(f"https://pay.example.com{path}", json=payload, headers=headers, timeout=10)

def capture_deposit(booking):
    for attempt in range(4):
        try:
            return _pay_api("/charges", {"amount": booking.deposit})  # expect: REL003
        except requests.ConnectionError:
            continue
""",
        # Task queues that run the whole function again when it raises: a Dramatiq actor (retried by default), a
        # Huey task given `retries`, an arq job that raises `Retry`. A failure after some mails resends them all.
        """
import dramatiq

@dramatiq.actor(queue_name="invoices", time_limit=30 * 60 * 1000)
def send_monthly_invoices(period):
    invoices = list(Invoice.select().where((Invoice.period == period) & Invoice.sent_at.is_null()))
    with smtplib.SMTP(settings.smtp_host, 587, timeout=30) as smtp:
        for invoice in invoices:
            smtp.send_message(build_message(invoice))  # expect: REL003
    Invoice.update(sent_at=datetime.now(timezone.utc)).where(Invoice.id.in_([i.id for i in invoices])).execute()
""",
        """
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

@db_periodic_task(crontab(minute="*/15"), retries=2, retry_delay=120)
def notify_dispatched_orders():
    shipped = list(Order.objects.filter(status="shipped", notified_at__isnull=True).order_by("pk")[:200])
    for order in shipped:
        send_mail("Dispatched", order.tracking_number, None, [order.email])  # expect: REL003
    Order.objects.filter(pk__in=[o.pk for o in shipped]).update(notified_at=timezone.now())
""",
        """
import asyncio
from arq import Retry

async def charge_deposit(ctx, quote_id):
    order_id, customer_ref, amount = await asyncio.to_thread(_deposit_context, quote_id)
    try:
        charge = await asyncio.to_thread(ctx["payments"].charge, customer_ref=customer_ref,  # expect: REL003
                                         amount_pence=amount)
    except PaymentProviderError as exc:
        raise Retry(defer=30 * ctx["job_try"]) from exc
    await asyncio.to_thread(_record_deposit, order_id, charge.id)
""",
    )

    _helpers: Helpers | None = None

    def judge(self, scope: Scope) -> None:
        retried: list[cst.CSTNode] = []
        function_body = None
        if isinstance(scope.root, cst.FunctionDef) and is_retried_function(scope.root, scope, self.ctx):
            function_body = scope.root.body
            retried.append(function_body)
        for found in retry_loops(scope, self.ctx):
            retried.extend([found.loop.body] if found.whole_body else [t.body for t in found.tries])
        helpers = self._helpers_for(scope)
        if not retried:
            self._judge_fresh_keys(scope, helpers)
            if isinstance(scope.root, cst.FunctionDef) and self.ctx.is_handler(scope.root):
                self._judge_resent_payments(scope, helpers)
            return
        in_class = helpers.class_of(scope.root) if isinstance(scope.root, cst.FunctionDef) else ""
        keyed_here = mentions_idempotency(scope, self)
        fresh_key = not keyed_here and fresh_idempotency_key(scope)
        # A task that retries itself only with `self.retry(...)`: a call after every such retry never runs twice.
        retry_points = self_retry_calls(scope.root, scope, self.ctx) if function_body is not None else None
        seen: set[cst.Call] = set()
        for block in retried:
            for call in scope.calls_within(block):
                if call in seen or has_star_kwargs(call) or scope.in_except(call, within=block):
                    continue
                seen.add(call)
                effect = helpers.effect(call, scope, in_class, self, RETRY)
                if effect is None or effect.retried_inside or effect.swallowed:
                    continue  # a helper that retries the call reports it there; one that swallows its failure never retries
                if (keyed_here and _key_named_by(call, scope)) or self._keyed(call, effect, scope, helpers, in_class):
                    continue
                if block is function_body and retry_points and all(scope.before(point, call)
                                                                   for point in retry_points):
                    continue
                if block is function_body and _after_every_raiser(call, scope, self.ctx, helpers, in_class):
                    continue
                if block is function_body and _last_message_sent(call, effect, scope, self.ctx, helpers):
                    continue
                if block is function_body and (_claimed_before(call, scope, self.ctx, helpers, in_class)
                                               or _marked_done_under_lock(call, scope, self)
                                               or _stamped_row_by_row(call, scope)):
                    continue
                if unique_record_first(call, scope, self.ctx):
                    continue
                if fresh_key:
                    message = (f"This call is retried with an idempotency key made new on every attempt: a retry "
                               f"after a timeout can {_WHAT[effect.kind]}; derive the key from the operation.")
                else:
                    message = (f"This call is retried with no idempotency key: a retry after a timeout can "
                               f"{_WHAT[effect.kind]}.")
                self._report_effect(call, effect, message)

    def _keyed(self, call: cst.Call, effect: Effect, scope: Scope, helpers: Helpers, in_class: str) -> bool:
        """The call carries an idempotency key or a dedup id: itself, through its helper, or in a helper-built
        argument."""
        return effect.keyed or carries_dedup_header(call, scope) or _keyed_through_helper(
            call, scope, helpers, in_class, self)

    def _report_effect(self, call: cst.Call, effect: Effect, message: str) -> None:
        # `asyncio.to_thread(stripe.Charge.create, ...)`: the finding reaches the function handed over.
        handed = handed_function(call, self.ctx)
        # Through a helper: the call inside it that makes the side effect is where the key belongs too.
        inside = [effect.site] if effect.site is not None and effect.site is not call else []
        # A call written over several lines (`EmailMessage(...)` then `.send()`) is reported over all of them.
        self.report(call, message, end_node=handed.func if handed is not None else call, related=inside)

    def _judge_resent_payments(self, scope: Scope, helpers: Helpers) -> None:
        """A request handler that moves money with no idempotency key: the client re-sends the request (a double
        click, a retry after a timeout, a refresh) and the customer is charged twice."""
        if mentions_idempotency(scope, self):
            return
        in_class = helpers.class_of(scope.root)
        for call in scope.calls():
            if has_star_kwargs(call) or scope.in_except(call):
                continue
            effect = helpers.effect(call, scope, in_class, self, RETRY)
            if effect is None or effect.kind != "payment" or effect.retried_inside:
                continue
            # Money taken from the customer; a refund or payout is guarded by the record's status (DB005's
            # concern), and a checkout link moves no money until the customer pays.
            sites = [call] + ([effect.site] if effect.site is not None else [])
            if any(_NOT_A_CHARGE.search(_what_is_called(site)) for site in sites):
                continue
            if self._keyed(call, effect, scope, helpers, in_class):
                continue
            self._report_effect(call, effect, "This request handler moves money with no idempotency key: when the "
                                              "client sends the request again (a double click, a retry after a "
                                              f"timeout) it can {_WHAT[effect.kind]}.")

    def _judge_fresh_keys(self, scope: Scope, helpers: Helpers) -> None:
        """Outside a retry: a side effect whose idempotency key is made new on each call. The code meant the call to
        be safe to repeat and it is not: a client or a job that sends it again repeats the effect."""
        in_class = helpers.class_of(scope.root) if isinstance(scope.root, cst.FunctionDef) else ""
        for call in scope.calls():
            if not fresh_idempotency_key(scope, within=call):
                continue
            effect = helpers.effect(call, scope, in_class, self, RETRY)
            if effect is None:
                continue
            # The finding runs to the key it passes (`idempotency_key=str(uuid.uuid4())` a few lines down the call).
            key = next((arg for arg in call.args
                        if arg.keyword is not None and _IDEMPOTENCY.search(arg.keyword.value)), None)
            self.report(call, f"This call's idempotency key is made new on every call: a request or job that sends it "
                              f"again can {_WHAT[effect.kind]}; derive the key from the operation.", end_node=key)

    def _helpers_for(self, scope: Scope) -> Helpers:
        if self._helpers is None:
            module_scope = self._module_scope or scope
            assert isinstance(module_scope.root, cst.Module)
            self._helpers = helpers_of(module_scope.root, module_scope, self.ctx)
        return self._helpers


def _commits(call: cst.Call, scope: Scope, ctx, helpers: Helpers, in_class: str) -> bool:
    if db_write(call, scope, ctx) == "commit":
        return True
    helper = helpers.resolve(call, in_class)
    if helper is None:
        return False
    return helpers.commits(helper) or (sql_verb(positional(call), scope) in _WRITE_VERBS
                                       and helpers.commits_what_it_runs(helper))


_WRITE_VERBS = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "UPSERT"})


def _keyed_through_helper(call: cst.Call, scope: Scope, helpers: Helpers, in_class: str, check: PythonCheck) -> bool:
    """`headers=_headers(order)` where the same-file helper sets the `Idempotency-Key`; not `customer=_customer_for(
    user)` whose helper gives its key only to a call of its own (`stripe.Customer.create(..., idempotency_key=...)`):
    that key makes the customer safe to create again, not the charge the customer is handed to."""
    for arg in call.args:
        for inner in scope.calls_within(arg):
            fn = helpers.resolve(inner, in_class)
            if fn is None:
                continue
            helper_scope = helpers.scope(fn)
            if mentions_idempotency(helper_scope, check) and not _keys_only_its_own_calls(helper_scope, check):
                return True
    return False


def _keys_only_its_own_calls(scope: Scope, check: PythonCheck) -> bool:
    """Every idempotency key the helper names is the keyword argument of a call it makes itself (not `dict(...)`,
    which builds the arguments it hands back)."""
    keyed = [node for node in scope.calls() if method(node) != "dict"
             and any(arg.keyword is not None and _IDEMPOTENCY.search(arg.keyword.value) for arg in node.args)]
    # A key named anywhere else too (a header dict, a returned value) may be what the helper hands back.
    return bool(keyed) and len(_IDEMPOTENCY.findall(scope.code(check))) == len(keyed)


def _marked_done_under_lock(call: cst.Call, scope: Scope, check: PythonCheck) -> bool:
    """A retried task that locks the record (`select_for_update`, `with_for_update`, `FOR UPDATE`), returns early
    on what it read (`if hold.notice_sent_at is not None: return`, or `if not fines: return` after a locked query
    filtered on `receipt_sent_at__isnull=True`), and after the call sets the field it read (`hold.notice_sent_at =
    now`, `.update(receipt_sent_at=now)`): a second run waits for the first's lock, then finds the work done."""
    if not has_lock(scope, check):
        return False
    marked: set[str] = set()  # fields written after the call
    for node in scope.of_type(cst.Assign):
        if scope.before(call, node):
            marked.update(t.target.attr.value for t in node.targets if isinstance(t.target, cst.Attribute))
    for other in scope.calls():
        if scope.before(call, other) and method(other) == "update":
            marked.update(arg.keyword.value for arg in other.args if arg.keyword is not None)
    if not marked:
        return False
    exits = [branch for branch in scope.of_type(cst.If)
             if scope.last[branch] < scope.index[call] and ends_in_exit(branch.body)]
    if not exits:
        return False
    read = " ".join(node_code(n) for n in [*(b.test for b in exits), *(c for c in scope.calls() if scope.before(c, call))])
    return any(re.search(rf"\b{re.escape(field)}(\b|__)", read) for field in marked)


def _key_named_by(call: cst.Call, scope: Scope) -> bool:
    """An idempotency or dedup key is named before the call ends: one that first appears after it (a `dedupe_key`
    stored on the record of a message already sent) cannot have been given to it."""
    end = scope.last[call]
    for node in scope.nodes:
        if scope.index[node] > end:
            return False
        text = (node.value if isinstance(node, (cst.Name, cst.SimpleString)) else
                node.keyword.value if isinstance(node, cst.Arg) and node.keyword is not None else None)
        if isinstance(text, str) and _IDEMPOTENCY.search(text):
            return True
    return False


def _after_every_raiser(call: cst.Call, scope: Scope, ctx, helpers: Helpers, in_class: str) -> bool:
    """A Celery task retried only on one library's errors (`autoretry_for=(stripe.APIConnectionError, ...)`) and a
    call that runs after every call into that library (and is none itself): nothing after it raises what the task
    retries on, so once it has run the task is not run again."""
    fn = scope.root
    if not isinstance(fn, cst.FunctionDef):
        return False
    elements = _autoretried_errors(fn)
    if not elements:
        return False
    roots = {(ctx.qualify(e) or "").split(".", 1)[0] for e in elements}
    if len(roots) != 1 or not all(isinstance(e, cst.Attribute) for e in elements):
        return False  # builtins (`OSError`, `Exception`) or several libraries: anything may raise them
    library = roots.pop()
    if not library:
        return False

    def raises(node: cst.Call, inner: Scope, depth: int = 0) -> bool:
        if (ctx.qualify(node.func) or "").split(".", 1)[0] == library:
            return True
        root = node.func
        while isinstance(root, (cst.Attribute, cst.Call)):
            root = root.value if isinstance(root, cst.Attribute) else root.func
        made = inner.binding(root.value, node) if isinstance(root, cst.Name) and node in inner.index else None
        if made is not None and isinstance(made.value, cst.Call) and (
                ctx.qualify(made.value.func) or "").split(".", 1)[0] == library:
            return True  # `smtp.send_message(...)` of `smtp = smtplib.SMTP(...)`
        helper = helpers.resolve(node, in_class)
        if helper is None or depth > 2:
            return False
        helper_scope = helpers.scope(helper)
        return any(raises(c, helper_scope, depth + 1) for c in helper_scope.calls())

    if raises(call, scope):
        return False
    raisers = [other for other in scope.calls() if other is not call and raises(other, scope)]
    # In a loop that also calls the library, the next round's call may raise and run this one's again.
    loops = [node for node in scope.ancestors(call) if isinstance(node, (cst.For, cst.While))]
    if any(scope.contains(loop, other) for loop in loops for other in raisers):
        return False
    # None found: which calls raise is not known (the library reached through a helper's return value).
    return bool(raisers) and all(scope.before(other, call) for other in raisers)


_HTTP_SENDS = frozenset({"post", "put", "request", "urlopen", "fetch"})
_HARMLESS_BUILTINS = frozenset({"len", "str", "int", "float", "bool", "round", "min", "max", "sum", "sorted"})


def _last_message_sent(call: cst.Call, effect: Effect, scope: Scope, ctx, helpers: Helpers) -> bool:
    """A mail sent once (in no loop) with nothing after it that can fail but logging: the task is retried only
    when the send itself raised, and an SMTP or mail API call that raised has, as a rule, sent nothing. A lost
    answer after a payment is another matter, and so is an HTTP POST to a gateway whose read timed out (or whose
    answer then fails to parse), so this is for messages not sent by an HTTP call."""
    site = effect.site or call
    if effect.kind != "message" or method(site) in _HTTP_SENDS or scope.innermost_loop(call) is not None:
        return False
    # Leaving a `with smtplib.SMTP(...)` block sends QUIT, which can fail after the mail went out; that failure is
    # retried only when the task retries more than failures to connect.
    site_scope = helpers.scope(effect.helper) if effect.helper is not None else scope
    if any(isinstance(node, cst.With) for node in (*scope.ancestors(call), *site_scope.ancestors(site))) and (
            not _retried_only_on_connecting(scope)):
        return False
    loggers = [c for c in scope.calls() if logging_level(ctx, c) is not None]
    for other in scope.calls():
        if scope.index[other] <= scope.last[call] or scope.in_except(other):
            continue  # before it, inside its arguments, or in a handler of its own failure
        if any(scope.contains(log, other) for log in loggers):
            continue
        if isinstance(other.func, cst.Name) and other.func.value in _HARMLESS_BUILTINS:
            continue
        return False
    return True


# A filter that keeps the rows whose field is not set yet: `sent_at__isnull=True`, `Notice.sent_at.is_(None)`,
# `sent_at IS NULL`, `reminded_at=None`.
_UNSET_FIELD = re.compile(r"\b(\w+)__isnull\s*=\s*True|\.(\w+)\.is_\(\s*None\s*\)|\b(\w+)\s+IS\s+NULL\b"
                          r"|\b(\w+)\s*==?\s*None\b", re.IGNORECASE)


def _stamped_row_by_row(call: cst.Call, scope: Scope) -> bool:
    """A send in a loop over the rows whose field is still unset (`for notice in Notice.objects.filter(sent_at__isnull
    =True)`), with that field stored for the row right after it, in the same round (`.filter(pk=notice.pk)
    .update(sent_at=now)`, or `notice.sent_at = now` and then `notice.save()` or a commit): a retry starts from the
    rows not sent yet. Set on the object and committed once after the loop, it is not stored when a later send
    fails."""
    loop = scope.innermost_loop(call)
    if not isinstance(loop, cst.For):
        return False
    # The loop's iterable, and the query a name in it was bound to (`outstanding.iterator()`).
    text = node_code(loop.iter)
    root = loop.iter
    while isinstance(root, (cst.Call, cst.Attribute)):
        root = root.func if isinstance(root, cst.Call) else root.value
    if isinstance(root, cst.Name):
        binding = scope.binding(root.value, loop)
        if binding is not None and not binding.unpacked:
            text = node_code(binding.value) + "\n" + text
    unset = {next(g for g in found.groups() if g) for found in _UNSET_FIELD.finditer(text)}
    if not unset:
        return False
    later = [node for node in scope.within(loop.body) if scope.before(call, node)]
    for node in later:
        if isinstance(node, cst.Call) and method(node) == "update" and any(
                arg.keyword is not None and arg.keyword.value in unset for arg in node.args):
            return True
        if isinstance(node, cst.Assign) and any(isinstance(t.target, cst.Attribute) and t.target.attr.value in unset
                                                for t in node.targets):
            if any(isinstance(other, cst.Call) and method(other) in ("save", "commit") and scope.before(node, other)
                   for other in later):
                return True
    return False


# Errors raised while a connection is opened, before anything is sent (`smtplib.SMTPConnectError`, a refused
# connection, httpx's `ConnectError` and `ConnectTimeout`); a builtin `ConnectionError` also covers a reset mid-send.
_CONNECT_PHASE_ERRORS = frozenset({"SMTPConnectError", "ConnectionRefusedError", "ConnectTimeout", "ConnectError",
                                   "ClientConnectorError", "gaierror"})


def _retried_only_on_connecting(scope: Scope) -> bool:
    """A Celery task whose `autoretry_for` lists only errors of opening a connection (also through a module
    constant, `CONNECT_ERRORS = (smtplib.SMTPConnectError, ConnectionRefusedError)`): it runs again only when
    nothing could be sent."""
    fn = scope.root
    elements = _autoretried_errors(fn, scope) if isinstance(fn, cst.FunctionDef) else None
    names = [(attribute_path(e) or "").rsplit(".", 1)[-1] for e in elements or ()]
    return bool(names) and all(name in _CONNECT_PHASE_ERRORS for name in names)


def _autoretried_errors(fn: cst.FunctionDef, scope: Scope | None = None) -> list[cst.BaseExpression] | None:
    """The exceptions a Celery task's `autoretry_for=(...)` lists (given the scope, also those of a module constant it
    names: `autoretry_for=CONNECT_ERRORS`); None for a function that is no such task."""
    found = None
    for deco in fn.decorators:
        task = deco.decorator
        if isinstance(task, cst.Call) and method(task) in ("task", "shared_task"):
            found = keyword(task, "autoretry_for") or found
    if found is None:
        return None
    listed = found.value
    if isinstance(listed, cst.Name) and scope is not None:
        binding = scope.binding(listed.value)
        listed = binding.value if binding is not None and not binding.unpacked else listed
    return [e.value for e in listed.elements] if isinstance(listed, (cst.Tuple, cst.List)) else [listed]


def _claimed_before(call: cst.Call, scope: Scope, ctx, helpers: Helpers, in_class: str) -> bool:
    """A retried task that first commits a claim on the record (`UPDATE ... SET state = 'sending' WHERE state IN
    (...)`, then `if not claimed: return`) and only then sends: a second run finds the claim and stops. The claim
    may be committed by a same-file helper: one that commits, or one given the `UPDATE` that runs it in a
    transaction block (`_run("UPDATE ... RETURNING id", ...)`)."""
    commits = [c for c in scope.calls() if scope.before(c, call) and not scope.in_except(c)
               and _commits(c, scope, ctx, helpers, in_class)]
    if not commits:
        return False
    first = scope.index[commits[0]]
    # The test reads what the claim left (`if not claimed:`); one that runs a query of its own (`if Charge.objects
    # .filter(...).exists(): return`) is a check of other rows, which a retry after a lost answer passes again.
    return any(first < scope.index[node] < scope.index[call] and ends_in_exit(node.body)
               and not any(is_query_call(c, scope, ctx) for c in scope.calls_within(node.test))
               for node in scope.of_type(cst.If))
