"""REL004: an external side effect and a database write that can end half done."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import PythonCheck, attribute_path, findall
from reviewer.checks._data import (
    Scope,
    body_statements,
    db_write,
    is_camel,
    mentions_idempotency,
    method,
    not_production_code,
    positional,
    receiver,
    scope_of,
    string_text,
    tokens,
)
from reviewer.checks._effects import (
    WRITE,
    Helpers,
    carries_dedup_header,
    failure_swallowed,
    helpers_of,
    name_tokens,
    scheduled_apart,
    transaction_of,
    unique_record_first,
)
from reviewer.checks._rows import node_code

# Calls in an `except` branch that undo the side effect or the record it made (or, for `rollback`, the staged write).
_COMPENSATE = re.compile(r"refund|cancel|void|reverse|compensat|revert|undo|release|delete|remove|destroy", re.IGNORECASE)
# A function that hands the side effect to an outbox or to a commit hook has made it safe.
_DEFERRED = re.compile(r"outbox|on_commit|after_commit", re.IGNORECASE)
_NOUN = {"payment": "the customer is charged", "message": "the message is sent", "publish": "the event is published",
         "enqueue": "the job is queued", "create": "the external record is created"}


_SAVE_SIGNALS = frozenset({"post_save", "post_delete", "m2m_changed", "pre_save", "pre_delete"})


def _save_signal_receiver(fn: cst.FunctionDef, ctx) -> bool:
    """`@receiver(post_save, sender=Model)` (also a list of signals): Django calls it from inside `save()`."""
    for decorator in fn.decorators:
        call = decorator.decorator
        if not (isinstance(call, cst.Call) and (ctx.qualify(call.func) or "").endswith("receiver") and call.args):
            continue
        first = call.args[0].value
        signals = [el.value for el in first.elements] if isinstance(first, (cst.List, cst.Tuple)) else [first]
        if any((ctx.qualify(s) or "").rsplit(".", 1)[-1] in _SAVE_SIGNALS for s in signals):
            return True
    return False

class SideEffectAndWriteWithoutTransaction(PythonCheck):
    """A charge, e-mail, published event or queued job and a database write that can fail separately.

    ## What it does
    Within one function, finds side-effect calls — a payment, an e-mail/SMS (also a `send_*`/`notify_*`
    function imported from a notifications or mail module, or `send_*` from any module of the app), a published
    message, a Celery
    `.delay()`/`.apply_async()`, `create_*` on a boto3 client, a POST to a payment or messaging URL (see REL003
    for the names) or to a URL of records made at a partner (`/reservations`, `/orders`, `/claims`,
    `/shipments`, `/labels`: an external create) — and database writes (`session.add`, `commit()`, `.save()`, `Model.objects.create`,
    `execute("INSERT/UPDATE ...")`). A call to a function defined in the same file counts as the side effect
    or the commit it makes. The finding starts on the side effect's line and, when the write or commit it
    races comes after it, spans to that write (the window in which a failure leaves one without the other), in
    these cases:
    (1) a payment or external create runs before a write, and nothing was committed before it (a transaction
    block around both does not help: it rolls back the write, not the charge); (2) a message or published
    event runs before the commit of a business change — a row staged before it, or an attribute set that is
    not only the record of the sending (`sent_at`, `notified`, `attempts`, or what the send answered:
    `page.provider_sid = message.sid`); (3) a message, event or job
    inside a transaction block that has already written; (4) a job queued after a change is staged or set and
    before its commit; (5) a payment after a commit with nothing after it and no `try`, or an event published after
    a commit with nothing written after it; (6) a message, event or job sent from a Django save signal's
    receiver (`@receiver(post_save, sender=...)`), which runs inside the transaction that saved the row. It is
    not reported when an `except` around the side effect or the
    later write compensates (refund, cancel, void, reverse, release, deleting the row; `rollback` only when
    the write was staged before the side effect), when the function uses an outbox or `transaction.on_commit`,
    when the call carries an idempotency key or dedup id (itself, or inside a function of an imported project
    module, `billing.charge_period(...)`, whose text passes one) and the function is not a request handler (a task or
    job that is run again converges; except case (5): a job that finds the record already committed does not
    make the payment again) or is a handler whose key is built from the client's `Idempotency-Key`, which it
    also stores or looks up (the client's retry converges), or a handler's refund whose key is built from a record
    it loaded (`f"refund-{deposit.id}"`: the record still says "paid" after a failed write, so a second click sends
    the same key and gets the first refund back; a charge is not taken so: the retry may find the hold expired),
    when a message's failure is caught and ignored (best effort; an `except` for database errors only, such as
    `psycopg.Error`, does not catch it), when a message is sent inside the transaction that first inserts the
    record of sending it, in a `try` that catches `IntegrityError` (a
    unique sent-record: the send and its record stand or fall together, and a second run skips it), or when the
    only later write is `.save()` on an object the caller passed in. A write counts as "after" the side effect
    only when it can run after it: a call in a branch that returns or raises (`if taken: refund(...); return`)
    does not precede the writes below that branch.

    ## Why is this bad?
    The external call cannot be rolled back. If the process charges the card and then the commit fails (a
    deadlock, a constraint, a crash, a deploy), the customer has paid for an order that does not exist. If
    it commits a paid order and then the charge fails, the shop ships an order nobody paid for. An e-mail or
    event sent before the commit announces a change that may never be stored, and a consumer may read the
    database before it is; one published after the commit is lost if the publish fails. Record the intent
    first (a pending row), make the call with an idempotency key, then record the result; or write the request
    to an outbox in the same transaction and let a worker perform it.

    ## Known limits
    A function that commits before the side effect and writes again after it (the pending-then-confirmed
    pattern) is taken as correct, although the last commit can still fail; so is recording the result on a
    passed-in record. Helpers are followed only within the file, so a view that calls an imported
    `charge(order)` is judged by the name alone and an imported `save_order(order)` is not seen. An e-mail sent
    after the commit, or one whose failure is caught and ignored, is not reported (it is best effort), nor is a
    job queued after the commit. An idempotency key is taken as making a background job safe without checking
    that the job is really retried or swept. Attribute names decide whether a write only records the sending.
    Paths are read from the block structure only: a side effect followed by `abort(...)` or a call that always
    raises is still taken to reach the writes below it, and a write in a loop's next round after a `continue`
    is taken as after it.
    """

    id = "REL004"
    VALID = (
        # A refund keyed by the loaded deposit: when the write after it fails the deposit still says "paid", and a
        # second click sends the same key and gets the first refund back. A charge keyed by the loaded booking is
        # not safe so: the retry finds the hold expired and turns the customer away, charged.
        """
import stripe
from flask import jsonify

@bp.post("/deposits/<int:deposit_id>/refund")
@admin_required
def refund_deposit(deposit_id):
    deposit = db.get_or_404(Deposit, deposit_id)
    if deposit.status != "paid":
        return jsonify(error="nothing to refund"), 409
    stripe.Refund.create(payment_intent=deposit.intent_id, idempotency_key=f"deposit-refund-{deposit.id}")  # ok: REL004
    deposit.status = "refunded"
    db.session.commit()
    return jsonify(status="refunded")

@bp.post("/bookings/<int:booking_id>/confirm")
@login_required
def confirm_booking(booking_id):
    booking = db.get_or_404(Booking, booking_id)
    if booking.held_until < utcnow():
        return jsonify(error="hold expired"), 410
    stripe.PaymentIntent.create(amount=booking.price_cents, currency="eur", confirm=True,  # expect: REL004
                                idempotency_key=f"booking-{booking.id}")
    booking.status = "confirmed"
    db.session.commit()
    return jsonify(status="confirmed")
""",
        # The receipt's record is the transaction's only write, under a unique constraint: the mail and its record
        # stand or fall together.
        """
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

def send_receipt(order):
    try:
        with transaction.atomic():
            ReceiptSent.objects.create(order=order)
            send_mail("Your receipt", render_receipt(order), None, [order.email])  # ok: REL004
    except IntegrityError:
        return False
    return True
""",
        # The charge is keyed by the client's own Idempotency-Key, which the handler also stores and looks up: a
        # client that retries after the save failed gets the same charge back and the pass recorded once.
        """
from fastapi import APIRouter, Header
from sqlalchemy.exc import IntegrityError

router = APIRouter()

@router.post("/day-passes")
async def buy_day_pass(body: PassIn, session: Session, idempotency_key: str = Header(alias="Idempotency-Key")):
    existing = await _purchase(session, body.climber_id, idempotency_key)
    if existing is not None:
        return existing
    payment = await processor.charge(amount_pence=1500, customer_id=body.customer_id,  # ok: REL004
                                     idempotency_key=f"day-pass-{idempotency_key}")
    session.add(DayPass(climber_id=body.climber_id, payment_id=payment["id"], purchase_key=idempotency_key))
    await session.commit()
    return {"payment": payment["id"]}
""",
        # The helper charges and then records the payment itself: pending, then confirmed, across two functions.
        """
import stripe
from django.db import transaction
from django.db.models import F

def reserve(order):
    with transaction.atomic():
        Product.objects.filter(pk=order.product_id).update(stock=F("stock") - 1)
        Order.objects.filter(pk=order.pk).update(status="reserved")

def charge_reserved(order, method_id):
    intent = stripe.PaymentIntent.create(amount=order.total, currency="eur", payment_method=method_id,
                                         confirm=True, idempotency_key=f"order-{order.pk}")
    Order.objects.filter(pk=order.pk, status="reserved").update(status="paid", intent_id=intent.id)
    return intent.id

def checkout(order, method_id):
    reserve(order)
    return charge_reserved(order, method_id)  # ok: REL004
""",
        # `refund_for` only works out an amount: imported, its name says so (`_for`, `_amount`, `_due`, ...).
        """
from app.services.cancellations import refund_for

async def cancel_trip(session, trip, deposit):
    refund_cents = refund_for(deposit.amount_cents, trip.arrive)  # ok: REL004
    trip.status = "cancelled"
    session.add(Cancellation(reservation_id=trip.id, refund_cents=refund_cents))
    await session.commit()
""",
        # `refund_for` only works out an amount: its name is not a refund when its body reaches nothing outside.
        """
from datetime import date

def refund_for(deposit_cents, arrive):
    return deposit_cents if (arrive - date.today()).days >= 14 else deposit_cents // 2

async def cancel(session, reservation, deposit):
    refund_cents = refund_for(deposit.amount_cents, reservation.arrive)  # ok: REL004
    reservation.status = "cancelled"
    session.add(Cancellation(reservation_id=reservation.id, refund_cents=refund_cents))
    await session.commit()
""",
        # A push notification about a refund, sent after the commit: a message, not the refund.
        """
import aiohttp

async def _notify(http, request):
    try:
        async with http.post(f"{NOTIFY_URL}/push/refund", json={"pass_id": request.pass_id}):
            pass
    except aiohttp.ClientError:
        log.warning("refund push failed", exc_info=True)

async def run_batch(session, http, done):
    for request in done:
        request.status = "done"
    await session.commit()
    for request in done:
        await _notify(http, request)  # ok: REL004
""",
        """
from celery import shared_task
from django.db import transaction

@shared_task(bind=True, max_retries=5)
def send_fine_receipt(self, intent_id):
    with transaction.atomic():
        fines = list(Fine.objects.select_for_update().filter(intent=intent_id, receipt_sent_at__isnull=True))
        if not fines:
            return
        send_mail("Your receipt", "...", None, [fines[0].email])  # ok: REL004
        Fine.objects.filter(pk__in=[f.pk for f in fines]).update(receipt_sent_at=timezone.now())
""",
        """
import stripe
from flask import jsonify
from app.models import db, Order

def checkout(cart, token):
    order = Order(user_id=cart.user_id, total=cart.total, status="pending")
    db.session.add(order)
    db.session.commit()
    intent = stripe.PaymentIntent.create(  # ok: REL004
        amount=order.total_cents, currency="usd", payment_method=token,
        confirm=True, idempotency_key=f"order-{order.id}",
    )
    order.status = "paid"
    order.payment_intent_id = intent.id
    db.session.commit()
    return jsonify(id=order.id), 201
""",
        """
import stripe
from django.db import DatabaseError

def checkout(request, cart):
    charge = stripe.Charge.create(amount=cart.total_cents, currency="usd", source=request.POST["token"])  # ok: REL004
    try:
        order = Order.objects.create(user=request.user, total=cart.total, charge_id=charge.id)
    except DatabaseError:
        stripe.Refund.create(charge=charge.id)
        raise
    return JsonResponse({"id": order.id})
""",
        """
from django.db import transaction

def place_order(request, cart):
    with transaction.atomic():
        order = Order.objects.create(user=request.user, total=cart.total)
        OutboxEvent.objects.create(topic="orders.placed", payload={"order": order.id})
        transaction.on_commit(lambda: send_order_email(order.id))  # ok: REL004
    return JsonResponse({"id": order.id})
""",
        """
from app.models import db, User
from app.mail import send_welcome_email

def register(form):
    user = User(email=form.email, name=form.name)
    db.session.add(user)
    db.session.commit()
    send_welcome_email(user.email)  # ok: REL004
    return user
""",
        """
import stripe

def charge_and_record(conn, order):
    with conn:
        conn.execute("INSERT INTO payments (order_id, amount) VALUES (?, ?)", (order.id, order.total))
        stripe.Charge.create(amount=order.total_cents, currency="usd", source=order.token)  # ok: REL004
""",
        """
from django.core.mail import send_mail

def remind_renewals(members):
    for member in members:
        send_mail("Your membership ends soon", renewal_text(member), "club@example.org", [member.email])  # ok: REL004
        member.reminded_at = now()
        member.save(update_fields=["reminded_at"])
""",
        """
import stripe
from celery import shared_task

def _bill(invoice):
    return stripe.PaymentIntent.create(amount=invoice.cents, currency="eur", customer=invoice.customer_ref,
                                       confirm=True, idempotency_key=f"invoice-{invoice.id}")

@shared_task(acks_late=True)
def settle_invoice(invoice_id):
    with Session() as db:
        invoice = db.get(Invoice, invoice_id)
        intent = _bill(invoice)  # ok: REL004
        invoice.intent_ref = intent.id
        invoice.state = "settled"
        db.commit()
""",
        """
import stripe
from flask import Blueprint, jsonify

shop = Blueprint("shop", __name__)

def _open_order(basket):
    order = Order(basket_id=basket.id, state="awaiting_payment")
    db.session.add(order)
    db.session.commit()
    return order

@shop.post("/pay")
def pay(basket, method_id):
    order = _open_order(basket)
    intent = stripe.PaymentIntent.create(amount=order.cents, currency="eur", payment_method=method_id,  # ok: REL004
                                         confirm=True, idempotency_key=f"order-{order.id}")
    order.state = "paid"
    db.session.commit()
    return jsonify(id=order.id)
""",
        """
import boto3
from sqlalchemy.exc import IntegrityError

queues = boto3.client("sqs")

def add_tenant(session, slug):
    queue = queues.create_queue(QueueName=f"tenant-{slug}")  # ok: REL004
    try:
        session.add(Tenant(slug=slug, queue_url=queue["QueueUrl"]))
        session.commit()
    except IntegrityError:
        session.rollback()
        queues.delete_queue(QueueUrl=queue["QueueUrl"])
        raise
""",
        """
from fastapi import APIRouter

router = APIRouter()

@router.post("/reports")
def request_report(spec, session):
    report = Report(spec=spec.dict(), state="queued")
    session.add(report)
    session.commit()
    build_report.delay(report.id)  # ok: REL004
    return {"id": report.id}
""",
        """
import requests

def close_shift(conn, shift):
    conn.execute("UPDATE shifts SET closed_at = now() WHERE id = %s", (shift.id,))
    try:
        requests.post(NOTIFY_URL + "/sms", json={"to": shift.manager_phone}, timeout=5)  # ok: REL004
    except requests.RequestException:
        log.warning("manager not notified of shift %s", shift.id)
    conn.commit()
""",
        """
import requests

def push_counts(conn, rows):
    for row in rows:
        requests.post(f"{STOCK_API}/orders/{row.order_ref}/counts", json=row.payload, timeout=5)  # ok: REL004
        conn.execute("UPDATE stock_counts SET exported_at = now() WHERE id = %s", (row.id,))
    conn.commit()
""",
        """
from django.core.mail import send_mail
from flask import jsonify

@app.post("/signup")
def sign_up(form):
    if User.query.filter_by(email=form.email).first() is not None:
        send_mail("Sign-up attempt", "Someone tried to register with your address.", "noreply@example.org",  # ok: REL004
                  [form.email])
        return jsonify(error="address already registered"), 409
    user = User(email=form.email, name=form.name)
    db.session.add(user)
    db.session.commit()
    return jsonify(id=user.id), 201
""",
        # The charge and the write are in different branches: one run never does both.
        """
import stripe

def on_event(session, event):
    if event["type"] == "invoice.overdue":
        stripe.PaymentIntent.create(amount=event["amount"], currency="eur", customer=event["customer"])  # ok: REL004
    elif event["type"] == "invoice.paid":
        session.add(Payment(invoice_id=event["invoice"]))
        session.commit()
""",
        # A retry scheduled on the event loop runs on its own, after this function's commit.
        """
import asyncio
import stripe

async def _charge_again(subscription_id):
    await asyncio.sleep(3600)
    stripe.PaymentIntent.create(amount=900, currency="eur", metadata={"subscription": subscription_id})

async def on_payment_failed(session, subscription):
    subscription.status = "past_due"
    await session.commit()
    asyncio.create_task(_charge_again(subscription.id))  # ok: REL004
""",
        # The row written after the text message keeps the provider's id: it records the sending.
        """
def send_reminders(appointments):
    for appointment in appointments:
        result = sms_client.send_sms(appointment.phone, "See you tomorrow")  # ok: REL004
        Reminder.objects.create(appointment=appointment, provider_message_id=result["id"])
""",
        # asyncpg: the pending top-up is recorded (and committed: no transaction) before the keyed charge.
        """
import aiohttp
from aiohttp import web

routes = web.RouteTableDef()

@routes.post("/wallet/topups")
async def top_up(request):
    pool, body = request.app["db"], await request.json()
    row = await pool.fetchrow(
        "INSERT INTO topups (customer_id, idem_key, amount_cents, status) VALUES ($1, $2, $3, 'pending') "
        "ON CONFLICT (customer_id, idem_key) DO UPDATE SET idem_key = EXCLUDED.idem_key RETURNING id",
        request["user"]["id"], request.headers["Idempotency-Key"], body["amount_cents"])
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        async with session.post(f"{PSP_BASE}/payments", json={"amount": body["amount_cents"]},  # ok: REL004
                                headers={"Idempotency-Key": f"topup-{row['id']}"}) as resp:
            payment_id = (await resp.json())["id"]
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("UPDATE topups SET status = 'credited', external_ref = $2 WHERE id = $1",
                           row["id"], payment_id)
    return web.json_response({"id": row["id"]})
""",
        # Sending, then keeping the provider's id for the message and when it went: the record of the sending.
        """
from django.db import transaction
from twilio.rest import Client

def deliver(page_id):
    with transaction.atomic():
        page = Page.objects.select_for_update().get(pk=page_id)
        if page.sent_at is not None:
            return page.provider_sid
        message = twilio_client().messages.create(to=page.phone, from_=FROM_NUMBER, body=page.text)  # ok: REL004
        page.provider_sid = message.sid
        page.sent_at = timezone.now()
        page.save(update_fields=["provider_sid", "sent_at"])
        return message.sid
""",
    )
    INVALID = (
        # The commit before the charge is on a path that returns: nothing is durable when the charge runs.
        """
import stripe
from celery import shared_task

@shared_task(bind=True, autoretry_for=(stripe.error.APIConnectionError,), max_retries=5)
def collect_deposit(self, appointment_id):
    appt = db.session.get(Appointment, appointment_id)
    if not appt.customer.default_payment_method:
        appt.deposit_status = "no_card"
        db.session.commit()
        return None
    intent = stripe.PaymentIntent.create(amount=2000, currency="gbp", confirm=True)  # expect: REL004
    appt.deposit_intent_id = intent.id
    appt.deposit_status = "paid"
    db.session.commit()
""",
        # The invoice's transaction also charges the account before the mail: a failed commit drops what it announced.
        """
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

def issue_invoice(account, period, total):
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(account=account, period=period, total=total)
            account.balance += total
            account.save(update_fields=["balance"])
            send_mail("Your invoice", render_invoice(invoice), None, [account.email])  # expect: REL004
    except IntegrityError:
        return None
    return invoice.id
""",
        # The client's key reaches the charge only: a retry after the insert failed charges once but the session
        # row is still written separately from it, with nothing tying the two.
        """
from flask import g, jsonify, request

@bp.post("/sessions")
def start_session():
    idem_key = request.headers.get("Idempotency-Key")
    with pool.connection() as conn:
        charge_id = payments.charge(wallet_id=g.user["wallet_id"], amount_cents=300,  # expect: REL004
                                    idempotency_key=idem_key)
        conn.execute("INSERT INTO parking_sessions (user_id, charge_id) VALUES (%s, %s)", (g.user["id"], charge_id))
    return jsonify(charge=charge_id), 201
""",
        # An SQS message is an event for the services that consume the queue, published after the commit.
        """
import json
import boto3
from flask import Flask, jsonify

app = Flask(__name__)

def _sqs():
    return boto3.client("sqs")

@app.post("/webhooks/payouts")
def payout_webhook():
    event = load_event()
    mark_payout_paid(db.session, event["transfer_id"])
    db.session.add(WebhookEvent(provider_event_id=event["id"]))
    db.session.commit()
    _sqs().send_message(QueueUrl=app.config["QUEUE_URL"], MessageBody=json.dumps(event))  # expect: REL004
    return jsonify(status="ok")
""",
        # A reservation made at a partner, then recorded: if the commit fails, the partner holds a unit for nobody.
        """
import requests

def _reserve_unit(payload):
    resp = requests.post(f"{PARTNER}/reservations", json=payload, timeout=10)
    resp.raise_for_status()
    return resp.json()

@bp.post("/quotes/<int:quote_id>/storage")
def book_storage(quote_id):
    result = _reserve_unit({"quote": quote_id})  # expect: REL004
    db.session.add(StorageBooking(quote_id=quote_id, external_ref=result["reservation_id"]))
    db.session.commit()
    return {"ok": True}
""",
        """
from django.db.models.signals import post_save
from django.dispatch import receiver

@receiver(post_save, sender=PermitApplication)
def push_status(sender, instance, created, **kwargs):
    if instance.status == "approved":
        notify_gis.delay(instance.pk)  # expect: REL004

@receiver(post_save, sender=Permit)
def index_permit(sender, instance, **kwargs):
    transaction.on_commit(lambda: reindex.delay(instance.pk))  # ok: REL004
""",
        """
import stripe
from flask import request, jsonify
from app.models import db, Order

@app.post("/checkout")
def checkout():
    cart = load_cart(request.json["cart_id"])
    token = request.json["token"]
    charge = stripe.Charge.create(amount=cart.total_cents, currency="usd", source=token)  # expect: REL004
    order = Order(user_id=cart.user_id, total=cart.total, charge_id=charge.id, status="paid")
    db.session.add(order)
    db.session.commit()
    return jsonify(id=order.id), 201
""",
        """
import stripe
from django.http import JsonResponse

def checkout(request, cart):
    order = Order.objects.create(user=request.user, total=cart.total, status="paid")
    stripe.PaymentIntent.create(amount=cart.total_cents, currency="usd",  # expect: REL004
                                payment_method=request.POST["pm"], confirm=True)
    return JsonResponse({"id": order.id})
""",
        """
import secrets
from app.models import db, User
from app.mail import send_reset_email

def request_password_reset(email):
    user = User.query.filter_by(email=email).first_or_404()
    token = secrets.token_urlsafe(32)
    send_reset_email(user.email, token)  # expect: REL004
    user.reset_token = token
    db.session.commit()
""",
        """
import requests
from app.db import Session

def _wire(claim):
    resp = requests.post(f"{TREASURY_API}/payouts", json={"iban": claim.iban, "amount": str(claim.amount)}, timeout=20)
    resp.raise_for_status()
    return resp.json()

def settle_claims(claims):
    with Session() as session:
        for claim in claims:
            receipt = _wire(claim)  # expect: REL004
            claim.state = "settled"
            claim.payout_ref = receipt["id"]
            session.commit()
""",
        """
import boto3
from flask import request, jsonify

buckets = boto3.client("s3")

@app.post("/workspaces")
def create_workspace():
    name = request.json["name"]
    buckets.create_bucket(Bucket=f"ws-{name}")  # expect: REL004
    db.session.add(Workspace(name=name))
    db.session.commit()
    return jsonify(name=name), 201
""",
        """
from kafka.errors import KafkaError

def record_return(session, producer, parcel, reason):
    parcel.state = "returned"
    session.add(ReturnNote(parcel_id=parcel.id, reason=reason))
    session.commit()
    try:
        producer.send("parcels.returned", {"parcel": parcel.id})  # expect: REL004
    except KafkaError:
        pass
""",
        """
from django.core.mail import EmailMessage
from django.db import transaction

def approve_leave(request, leave):
    with transaction.atomic():
        leave.status = "approved"
        leave.save()
        EmailMessage("Leave approved", "Enjoy!", to=[leave.employee.email]).send()  # expect: REL004
    return JsonResponse({"status": leave.status})
""",
        """
def archive_projects(session, owner):
    for project in owner.projects:
        snapshot = Snapshot(project_id=project.id, state="pending")
        session.add(snapshot)
        session.flush()
        export_snapshot.delay(snapshot.id)  # expect: REL004
    session.commit()
""",
        """
import stripe
from flask import jsonify

@app.post("/donate")
def donate(form):
    intent = stripe.PaymentIntent.create(amount=form.cents, currency="usd",  # expect: REL004
                                         payment_method=form.method, confirm=True, idempotency_key=form.nonce)
    db.session.add(Donation(amount=form.cents, intent_id=intent.id))
    db.session.commit()
    return jsonify(ok=True)
""",
        """
import stripe
from flask import jsonify

@app.post("/lessons/<int:slot_id>/book")
def book_lesson(slot_id, payment_method):
    slot = Slot.query.get_or_404(slot_id)
    intent = stripe.PaymentIntent.create(amount=slot.price_cents, currency="eur",  # expect: REL004
                                         payment_method=payment_method, confirm=True)
    if slot.booked_by is not None:
        stripe.Refund.create(payment_intent=intent.id)  # ok: REL004
        return jsonify(error="slot taken"), 409
    if intent.status != "succeeded":
        raise PaymentFailed(intent.id)
    slot.booked_by = current_user.id
    db.session.commit()
    return jsonify(id=slot.id), 201
""",
        # A key makes a refund safe to repeat, not safe to fail: the commit already says it was made.
        """
import stripe
from celery import shared_task

@shared_task
def refund_invoice(invoice_id):
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or invoice.status != "paid":
        return
    invoice.status = "refunded"
    db.session.commit()
    stripe.Refund.create(payment_intent=invoice.payment_intent_id,  # expect: REL004
                         idempotency_key=f"invoice-{invoice.id}-refund")
""",
    )

    _module_scope: Scope | None = None
    _helpers: Helpers | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self._module_scope = scope_of(node)
        self._helpers = helpers_of(node, self._module_scope, self.ctx)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not_production_code(self.ctx) or self._helpers is None:
            return
        helpers, ctx = self._helpers, self.ctx
        scope = scope_of(node, self._module_scope)
        in_class = helpers.class_of(node)
        effects = [(call, effect) for call in scope.calls() if not scope.in_except(call)
                   and not scheduled_apart(call, scope)
                   and (effect := helpers.effect(call, scope, in_class, self, WRITE)) is not None]
        if not effects or _DEFERRED.search(scope.code(self)):
            return  # an outbox or a commit hook: the side effect happens only once the write is durable
        if _save_signal_receiver(node, ctx):
            # `@receiver(post_save, sender=Order)`: Django sends it from `save()`, inside the caller's transaction.
            for call, effect in effects:
                if effect.kind in ("message", "publish", "enqueue"):
                    self.report(call, "A save signal's receiver runs inside whatever transaction saved the row "
                                      "(`transaction.atomic()`, `ATOMIC_REQUESTS`), before it commits: "
                                      f"{_NOUN[effect.kind]} for a change that may still be rolled back, and a "
                                      "consumer may read the row before the change is visible. Use "
                                      "`transaction.on_commit(...)`.")
            return
        writes = self._writes(scope, in_class)
        if not writes:
            return
        keyed_here = mentions_idempotency(scope, self)
        # A keyed call can be repeated safely, so a job that is run again (a retried task, a sweep over pending
        # rows) converges; a request handler is not run again: the client is left charged with nothing recorded.
        handler = ctx.is_handler(node)
        for call, effect in effects:
            keyed = effect.keyed or keyed_here or carries_dedup_header(call, scope)
            if effect.kind == "message" and (effect.swallowed or failure_swallowed(call, scope)):
                continue  # a message whose failure is caught and ignored is sent on a best-effort basis
            if effect.kind == "message" and unique_record_first(call, scope, ctx):
                continue  # the transaction's write is the unique record that this message was sent
            # A key makes the call safe to repeat, not safe to fail: a payment after the commit that already
            # records it is not run again by a job that finds the record done.
            # A key made from the client's own `Idempotency-Key` converges when the client retries the request.
            retried_by_client = keyed and handler and (_keyed_by_client(call, node, scope)
                                                       or _refund_keyed_by_loaded_record(call, scope))
            self._judge(call, effect.kind, scope, writes,
                        after_commit_only=keyed and (not handler or retried_by_client),
                        records_result=self._records_result(effect))

    def _writes(self, scope: Scope, in_class: str) -> list[tuple[cst.Call, str]]:
        """Database writes in source order: direct ones ("stage" or "commit"), and same-file helpers that commit."""
        found = []
        helpers = self._helpers
        assert helpers is not None
        for call in scope.calls():
            if scope.in_except(call):
                continue
            kind = db_write(call, scope, self.ctx)
            if kind is None:
                helper = helpers.resolve(call, in_class)
                kind = "commit" if helper is not None and helpers.commits(helper) else None
            if kind is not None:
                found.append((call, kind))
        return found

    def _records_result(self, effect) -> bool:
        """A same-file helper that writes to the database after its own side effect (`charge_reserved_order`
        charges, then marks the order paid): the helper is judged on its own, and its caller's commit before it
        is not a record the payment never followed."""
        helper, site = effect.helper, effect.site
        if helper is None or site is None:
            return False
        inner = self._helpers.scope(helper)
        if site not in inner.index:
            return False  # made deeper down: which of this helper's writes follow it is not known
        return any(inner.before(site, write) for write, _ in self._writes(inner, self._helpers.class_of(helper)))

    def _judge(self, call: cst.Call, kind: str, scope: Scope, writes: list[tuple[cst.Call, str]],
               after_commit_only: bool = False, records_result: bool = False) -> None:
        ctx = self.ctx
        tx = transaction_of(call, scope, ctx)
        in_tx = [w for w, _ in writes if tx is not None and transaction_of(w, scope, ctx) is tx]
        later = [w for w, _ in writes if scope.before(call, w) and not _records_on_existing(w, scope)]
        # Writes the call can be followed by: not those below a branch that returns or raises after the call, nor
        # those in another branch of an `if` the call is in (`if failed: notify(...) elif paid: save(...)`).
        after = [w for w in later if not _leaves_before(call, w, scope) and not _other_branch(call, w, scope)]
        # The window ends when the write is durable: at the first commit among them, else at the first write.
        commits = {w for w, k in writes if k == "commit"}
        durable = next((w for w in after if w in commits), after[0] if after else None)
        # Durable before the call: a commit, a Django write or a helper that commits, outside the call's
        # transaction; or any write inside a transaction block that has closed before the call.
        # Not a write in a branch that returns or raises before the call (`if no_card: mark; commit; return`).
        reaching = [(w, k) for w, k in writes if scope.before(w, call) and not _leaves_before(w, call, scope)]
        committed_before = [w for w, k in reaching if w not in in_tx and (
            k == "commit" or transaction_of(w, scope, ctx) is not None)]
        staged_before = [w for w, _ in reaching if w not in committed_before]
        if _compensated([call, *later], scope, rollback_counts=bool(staged_before)):
            return
        if after_commit_only and not (kind == "payment" and not later and committed_before):
            return
        if kind in ("message", "publish", "enqueue") and tx is not None and any(scope.before(w, call) for w in in_tx):
            self.report(call, f"This side effect runs inside the transaction, before it commits: if the commit fails, "
                              f"{_NOUN[kind]} for a change that was rolled back, and a consumer may read the "
                              "database before the change is visible.")
            return
        if kind in ("payment", "create"):
            if after and not committed_before:
                self.report(call, f"This side effect runs before the database write on line "
                                  f"{self.line_of(after[0])} with no compensation or outbox: if the write fails, "
                                  f"{_NOUN[kind]} but nothing records it.", end_node=durable)
            elif (kind == "payment" and not later and committed_before and tx is None and not records_result
                  and not any(isinstance(a, cst.Try) for a in scope.ancestors(call))):
                self.report(call, f"The record is committed on line {self.line_of(committed_before[-1])} before this "
                                  "payment and nothing handles its failure: if the payment call fails, the database "
                                  "keeps a change the money never followed (an order nobody paid for, a refund "
                                  "never made).")
            return
        if kind == "enqueue":
            commit_after = [w for w, k in writes if k == "commit" and scope.before(call, w)]
            if commit_after and _persists_state(call, scope, self.ctx, writes, committed_before, before_only=True):
                self.report(call, f"This job is queued before the commit on line {self.line_of(commit_after[0])}: "
                                  "the worker may run before the change is visible, or for a change the failed "
                                  "commit never stored.", end_node=commit_after[0])
            return
        # A message or a published event.
        if after and not committed_before and _persists_state(call, scope, self.ctx, writes, committed_before):
            self.report(call, f"This side effect runs before the database write on line {self.line_of(after[0])} "
                              f"with no transaction, outbox or commit hook: if the write fails, {_NOUN[kind]} "
                              "about a change that was never stored.", end_node=durable)
        elif kind == "publish" and not later and committed_before and not _fire_and_forget(call, ctx):
            self.report(call, f"The change is committed on line {self.line_of(committed_before[-1])} before this "
                              "event is published, with no outbox: if the publish fails or the process dies in "
                              "between, the change is stored but never announced.")


def _fire_and_forget(call: cst.Call, ctx) -> bool:
    """`redis.publish(...)`: Redis pub/sub keeps nothing for a subscriber that is away, so an outbox would not
    make it reliable; it is used for signals that may be lost (cache invalidation, live updates)."""
    recv = receiver(call)
    if recv is None:
        return False
    qualified = ctx.qualify(recv) or ""
    return qualified.split(".")[0] == "redis" or bool(tokens(attribute_path(recv) or "") & {"redis", "cache"})


# Attribute and model names that record that a message went out, not the business change it announces.
_SENT_RECORD = frozenset({"sent", "notified", "notification", "notifications", "delivered", "delivery", "deliveries",
                          "mailed", "emailed", "attempt", "attempts", "retries", "reminded", "alerted", "published",
                          "log", "logs", "history", "outbox", "announced", "reminder", "reminders"})


def _is_sent_record(name: str) -> bool:
    return bool(set(name_tokens(name)) & _SENT_RECORD)


def _persists_state(call: cst.Call, scope: Scope, ctx, writes: list[tuple[cst.Call, str]],
                    committed_before: list[cst.Call], *, before_only: bool = False) -> bool:
    """Whether the commit around a message stores a business change (a status, a token, a new row) rather than
    only the record that the message was sent (`entry.notified = True`, `log.sent_at = now()`): sending first and
    then marking it sent is the usual at-least-once pattern, not a half-done change."""
    start = scope.index[committed_before[-1]] if committed_before else 0
    later = [w for w, k in writes if scope.before(call, w) and k == "commit"]
    end = scope.index[call] if before_only else (scope.index[later[0]] if later else len(scope.nodes))
    position = scope.index[call]
    bound = scope.parent.get(call)
    bound = scope.parent.get(bound) if isinstance(bound, cst.Await) else bound
    result = bound.targets[0].target.value if isinstance(bound, cst.Assign) and isinstance(
        bound.targets[0].target, cst.Name) else None
    # The message object itself (`msg.subject = ...; smtp.send_message(msg)`) is not a database row.
    used = {arg.value.value for arg in call.args if isinstance(arg.value, cst.Name)}
    if isinstance(receiver(call), cst.Name):
        used.add(receiver(call).value)
    for node in scope.nodes[start:end + 1]:
        if isinstance(node, (cst.Assign, cst.AugAssign, cst.AnnAssign)):
            # `page.provider_sid = message.sid`: what the send answered is the record of the sending.
            if result is not None and node.value is not None and any(
                    isinstance(inner, cst.Name) and inner.value == result for inner in scope.within(node.value)):
                continue
            targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            for target in targets:
                if (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name)
                        and target.value.value not in ("self", "cls") and target.value.value not in used
                        and not _is_sent_record(target.attr.value)):
                    return True
        elif isinstance(node, cst.Call) and node is not call and method(node) not in ("commit", "save", "flush"):
            if db_write(node, scope, ctx) is None:
                continue
            if scope.index[node] < position or not _writes_sent_record(node, scope, result):
                return True
    return False


def _writes_sent_record(write: cst.Call, scope: Scope, result: str | None = None) -> bool:
    """`session.add(EmailLog(...))`, `SentMessage.objects.create(...)`, `UPDATE notifications SET sent_at = ...`,
    `.update(sent_at=now())`."""
    text = string_text(positional(write), scope)
    if text is not None:
        return _is_sent_record(text[0])
    if method(write) == "update" and write.args and all(a.keyword is not None for a in write.args):
        # `Fine.objects.filter(pk__in=ids).update(receipt_sent_at=now())`: the fields say what is written.
        return all(_is_sent_record(a.keyword.value) for a in write.args)
    first = positional(write)
    built = first if isinstance(first, cst.Call) else write
    # `Reminder.objects.create(appointment=a, provider_id=result["id"])`: the row keeps what the sending returned,
    # so it is the record of that sending.
    if result is not None and any(isinstance(node, cst.Name) and node.value == result
                                  for arg in built.args for node in scope.within(arg.value)):
        return True
    return _is_sent_record(attribute_path(built.func) or "")


def _other_branch(call: cst.CSTNode, write: cst.CSTNode, scope: Scope) -> bool:
    """The write sits in another branch of an `if` (or `elif`/`else`) that holds the call: never both in one run."""
    for ancestor in scope.ancestors(call):
        if not isinstance(ancestor, cst.If) or not scope.contains(ancestor, write):
            continue
        for branch in (ancestor.body, ancestor.orelse):
            if branch is not None and scope.contains(branch, call) != scope.contains(branch, write):
                return True
    return False


def _leaves_function(block: cst.BaseSuite) -> bool:
    """The block ends in `return` or `raise` (on every branch of a final if/else)."""
    statements = body_statements(block)
    last = statements[-1] if statements else None
    if isinstance(last, cst.If):
        orelse = last.orelse
        if orelse is None or not _leaves_function(last.body):
            return False
        return _leaves_function(orelse.body if isinstance(orelse, cst.Else) else cst.IndentedBlock(body=[orelse]))
    return isinstance(last, cst.SimpleStatementLine) and bool(last.body) and isinstance(
        last.body[-1], (cst.Raise, cst.Return))


def _leaves_before(call: cst.Call, write: cst.Call, scope: Scope) -> bool:
    """The call is on a path that returns or raises before the write: `if taken: refund(...); return 409` (also
    with the two swapped: a write on a path that leaves before the call)."""
    for ancestor in scope.ancestors(call):
        if ancestor is scope.root:
            break
        if not isinstance(ancestor, cst.BaseSuite) or scope.contains(ancestor, write) or not _leaves_function(ancestor):
            continue
        owner = scope.parent.get(ancestor)
        if isinstance(owner, cst.Try) and owner.finalbody is not None and scope.contains(owner.finalbody, write):
            continue  # a `finally` still runs
        return True
    return False


def _records_on_existing(write: cst.Call, scope: Scope) -> bool:
    """`payment.save()` on an object the caller passed in: the record existed before the side effect."""
    if method(write) != "save" or not isinstance(scope.root, cst.FunctionDef):
        return False
    root = (attribute_path(receiver(write) or cst.Name("_")) or "").split(".")[0]
    return root in scope.params or root == "self"


def _compensated(calls: list[cst.Call], scope: Scope, *, rollback_counts: bool) -> bool:
    """A `try` around any of these calls whose `except` undoes the side effect or deletes what it made."""
    for call in calls:
        for ancestor in scope.ancestors(call):
            if not isinstance(ancestor, cst.Try):
                continue
            for handler in ancestor.handlers:
                for inner in scope.calls_within(handler):
                    path = attribute_path(inner.func) or ""
                    if _COMPENSATE.search(path) or (rollback_counts and method(inner) == "rollback"):
                        return True
    return False


_CLIENT_KEY = re.compile(r"idempot", re.IGNORECASE)


def _key_of(call: cst.Call) -> cst.BaseExpression | None:
    """The idempotency key a call passes: `idempotency_key=...`, or an `Idempotency-Key` entry of its headers."""
    for arg in call.args:
        if arg.keyword is not None and _CLIENT_KEY.search(arg.keyword.value):
            return arg.value
        if isinstance(arg.value, cst.Dict):
            for element in arg.value.elements:
                if (isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString)
                        and _CLIENT_KEY.search(element.key.value)):
                    return element.value
    return None


_MAKES_RECORD = re.compile(r"^_?(create|insert|add|new|make|build)", re.IGNORECASE)


_REFUND = re.compile(r"refund", re.IGNORECASE)


def _refund_keyed_by_loaded_record(call: cst.Call, scope: Scope) -> bool:
    """A refund whose key is made from a record the handler loaded, not one it made (`idempotency_key=f"refund-
    {deposit.id}"` after `deposit = session.get(Deposit, deposit_id)`): the record still says "paid" when the write
    after the refund failed, so a second click loads it, sends the same key and gets the first refund back. A
    charge is not taken as converging so: a hold that expired or seats sold in between turn the retry away, with
    the customer's money taken."""
    key = _key_of(call)
    first = positional(call)
    if key is None or not _REFUND.search(node_code(call.func) + (node_code(first) if first is not None else "")):
        return False
    for node in findall(key, cst.Attribute) + findall(key, cst.Subscript):
        record = node.value
        if not isinstance(record, cst.Name) or record not in scope.index:
            continue
        binding = scope.binding(record.value, call)
        if binding is None or binding.unpacked or binding.value is None:
            continue
        loads = findall(binding.value, cst.Call)
        if loads and not any(_makes_record(c) for c in loads):
            return True
    return False


def _makes_record(call: cst.Call) -> bool:
    """`Order(...)`, `Payment.objects.create(...)`, `_create_booking(...)`: a record made by this request."""
    name = method(call) or ""
    return bool(_MAKES_RECORD.search(name)) or (isinstance(call.func, cst.Name) and is_camel(name))


def _keyed_by_client(call: cst.Call, fn: cst.FunctionDef, scope: Scope) -> bool:
    """The call's idempotency key is built from the key the client sent (a handler parameter named for it,
    `idempotency_key: str = Header(alias="Idempotency-Key")`, or a local read from that header), and the handler
    also hands that key to something else (`_purchase(session, climber.id, idempotency_key)` looking up the
    earlier attempt, `DayPass(..., purchase_key=idempotency_key)` storing it): the whole request is idempotent."""
    key = next((arg.value for arg in call.args if arg.keyword is not None
                and _CLIENT_KEY.search(arg.keyword.value)), None)
    if key is None:
        return False
    params = {p.name.value for p in (*fn.params.params, *fn.params.kwonly_params)}
    for name in findall(key, cst.Name):
        binding = scope.binding(name.value, call) if name in scope.index else None
        from_client = (name.value in params and bool(_CLIENT_KEY.search(name.value))) or (
            binding is not None and not binding.unpacked and binding.value is not None and re.search(
                r"idempotency[-_]key", node_code(binding.value), re.IGNORECASE) is not None)
        if from_client and any(
                other is not call and not scope.contains(call, other) and not scope.contains(other, call)
                and any(isinstance(n, cst.Name) and n.value == name.value for arg in other.args
                        for n in findall(arg.value, cst.Name))
                for other in scope.calls()):
            return True
    return False
