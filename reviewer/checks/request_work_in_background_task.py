"""REL005: a request handler that hands a side effect to a background task living only in this process."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import attribute_path, is_name, keyword
from reviewer.checks._data import Scope, ScopeCheck, is_remote_call, method, positional
from reviewer.checks._effects import RETRY, Helpers, helpers_of
from reviewer.checks._runtime import APP_FACTORIES

_TASK_STARTERS = frozenset({"create_task", "ensure_future"})
_WHAT = {"payment": "a payment", "message": "a message", "publish": "an event", "create": "a remote record",
         "post": "a POST to another service", "enqueue": "a job",
         "write": "a database write or a change at another service"}
# Calls that change a record at another service: HTTP's PUT, PATCH and DELETE, an SDK's `modify`.
_CHANGING = frozenset({"put", "patch", "delete", "modify"})


class RequestWorkInBackgroundTask(ScopeCheck):
    """A request handler that hands a charge, a message, a webhook or a remote create to a background task of this
    process, and answers before it has run.

    ## What it does
    Inside request handlers (routed functions, Django views, view-class methods), reports
    `asyncio.create_task(f(...))` / `asyncio.ensure_future(f(...))` (not a task group's `tg.create_task(...)`,
    which finishes inside its `async with`) and `background_tasks.add_task(f, ...)` (FastAPI/Starlette
    `BackgroundTasks`) when `f` has a side effect another system keeps: a payment, an e-mail
    or SMS, a published event, a POST that creates or delivers something, a remote create (the kinds REL003 and
    REL004 recognise, following a function of the same file into its body); also `threading.Thread(target=f,
    ...)`, there and in any top-level function of a web app's module (`_in_background(msg)`, which the views
    call), but not in an app factory, whose thread runs once per worker (SCL003). A thread a request handler starts
    is reported too when its target (a function of the same file) writes to the database or changes a record at
    another service (a PUT, PATCH or DELETE, `stripe.Customer.modify(...)`): work the client was told is done; a
    thread that only reads (warming a cache) is not. For `worker = Thread(...)`, the finding spans to
    `worker.start()`.

    ## Why is this bad?
    The client is told the request succeeded while the work exists only as a task in this process's memory. A
    deploy, a crash, an autoscaler removing the instance or an out-of-memory kill drops it with no error anywhere
    and no retry: the receipt is never sent, the webhook never delivered. Put the job in a durable queue (Celery
    or RQ with a broker, SQS, an outbox table written in the request's transaction) and let a worker acknowledge
    it when done.

    A thread started per request (`threading.Thread(target=send_mail, args=(...))`) is judged the same way, by its
    target and arguments: CON003 reports the thread itself (unbounded, never joined), this check the work it
    carries (lost with the process).

    ## Known limits
    Work whose effect stays in the
    process or the database (a cache warm-up, a thumbnail written to disk, a metrics flush) is not reported:
    losing it is not silent data loss in another system. A function handed over from another module is judged by
    its name only (`send_*`/`notify_*` from a notifications or mail module, `send_*` from any module of the app); executors (`pool.submit(f)`) are not
    followed. A module-level queue that a worker drains is reported by `WorkQueuedInMemory` on its definition.
    """

    id = "REL005"
    VALID = (
        """
import threading
from flask import Flask, jsonify

app = Flask(__name__)

def _warm(product_id):
    cache.set(product_id, load_product(product_id))

@app.get("/products/<int:product_id>")
def product(product_id):
    threading.Thread(target=_warm, args=(product_id,), daemon=True).start()  # ok: REL005
    return jsonify(load_product(product_id))
""",
        """
import asyncio
from fastapi import FastAPI

app = FastAPI()

async def warm_cache(product_id):
    cache.set(product_id, await load_product(product_id))

@app.get("/products/{product_id}")
async def product(product_id: int):
    asyncio.create_task(warm_cache(product_id))  # ok: REL005
    return await load_product(product_id)
""",
        """
import asyncio
from app.notifications import send_digest

async def start_digest_loop():
    # Started once at boot, not by a request.
    asyncio.create_task(send_digest())  # ok: REL005
""",
        """
from fastapi import BackgroundTasks, FastAPI
from app.tasks import deliver_receipt

app = FastAPI()

@app.post("/orders")
def create_order(order: dict):
    saved = save(order)
    deliver_receipt.delay(saved.id)  # ok: REL005
    return {"id": saved.id}
""",
        """
import asyncio
from fastapi import FastAPI
from app.notifications import send_receipt_email

app = FastAPI()

@app.post("/orders")
async def create_order(order: dict):
    saved = await save(order)
    async with asyncio.TaskGroup() as tg:
        tg.create_task(send_receipt_email(saved.email, saved.id))  # ok: REL005
    return {"id": saved.id}
""",
        # A thread that only reads (to warm a cache) loses nothing that matters when it dies.
        """
import threading
from django.http import JsonResponse

def _warm_prices(product_id):
    cache.set(f"price:{product_id}", Product.objects.get(pk=product_id).price)

def product(request, product_id):
    threading.Thread(target=_warm_prices, args=(product_id,), daemon=True).start()  # ok: REL005
    return JsonResponse({"id": product_id})
""",
    )
    INVALID = (
        # The receipt goes out through `aiosmtplib`, in a task the response does not wait for.
        """
import asyncio
import aiosmtplib
from email.message import EmailMessage
from fastapi import APIRouter

router = APIRouter()

async def _email_receipt(to, sku):
    msg = EmailMessage()
    msg["To"] = to
    msg.set_content(f"You have rented {sku}.")
    await aiosmtplib.send(msg, hostname="smtp.internal", port=587, start_tls=True, timeout=10)

@router.post("/rentals")
async def rent(body: RentIn):
    rental = await save_rental(body)
    asyncio.create_task(_email_receipt(body.email, rental.sku))  # expect: REL005
    return {"id": rental.id}
""",
        # The helper posts to the URL it is handed; its name says it sends an SMS.
        """
import threading
import requests
from flask import Flask, current_app, jsonify

app = Flask(__name__)

def _send_booking_sms(api_url, phone, text):
    requests.post(api_url, data={"to": phone, "text": text}, timeout=10)

@app.post("/bookings")
def book():
    booking = create_booking()
    threading.Thread(  # expect: REL005
        target=_send_booking_sms, args=(current_app.config["SMS_URL"], booking.phone, "booked"), daemon=True,
    ).start()
    return jsonify(id=booking.id), 201
""",
        # A mail module's helper hands the message to a thread; the views call it for every booking.
        """
import smtplib
import threading
from django.conf import settings

def _deliver(msg):
    with smtplib.SMTP(settings.EMAIL_HOST, timeout=10) as smtp:
        smtp.send_message(msg)

def _in_background(msg):
    worker = threading.Thread(target=_deliver, args=(msg,), daemon=True)  # expect: REL005
    worker.start()

def create_app():
    threading.Thread(target=_deliver, args=(STARTUP_NOTICE,), daemon=True).start()  # ok: REL005
""",
        """
import threading
from flask import Flask, jsonify
from app.mail import send_invitation

app = Flask(__name__)

@app.post("/invites")
def invite():
    email = request.json["email"]
    threading.Thread(target=send_invitation, args=(email,), daemon=True).start()  # expect: REL005
    return jsonify(invited=email), 202
""",
        """
from fastapi import BackgroundTasks, FastAPI
from app.notifications import send_receipt_email

app = FastAPI()

@app.post("/tickets")
def buy_tickets(body: dict, background: BackgroundTasks):
    order = save(body)
    background.add_task(send_receipt_email, order.email, order.id)  # expect: REL005
    return {"id": order.id}
""",
        """
import asyncio
import stripe
from fastapi import FastAPI

app = FastAPI()

async def _charge_late_fee(customer_id, cents):
    await asyncio.to_thread(stripe.PaymentIntent.create, amount=cents, currency="eur", customer=customer_id,
                            confirm=True)

@app.post("/returns/{loan_id}")
async def return_loan(loan_id: int):
    loan = await close_loan(loan_id)
    asyncio.create_task(_charge_late_fee(loan.customer_id, loan.fee_cents))  # expect: REL005
    return {"status": "returned"}
""",
        # A receipt sent by the app's own service, handed to the response's background tasks.
        """
from fastapi import APIRouter, BackgroundTasks

from app.services.receipts import send_order_receipt

router = APIRouter()

@router.post("/orders")
async def place_order(body: OrderIn, background: BackgroundTasks):
    order_id = await save_order(body)
    background.add_task(send_order_receipt, order_id, body.email)  # expect: REL005
    return {"order_id": order_id}
""",
        # The mail module is the app's own, imported relatively.
        """
import threading
from flask import Blueprint, jsonify

from .mailer import send_order_confirmation

bp = Blueprint("orders", __name__)

@bp.post("/orders")
def place_order():
    order_id = save_order()
    threading.Thread(target=send_order_confirmation, args=(order_id,), daemon=True).start()  # expect: REL005
    return jsonify(id=order_id), 201
""",
        # A thread per request that saves the customer's new address at Stripe: lost if the worker restarts.
        """
import threading
import stripe
from django.http import JsonResponse

def _push_address(customer_id, address):
    stripe.Customer.modify(customer_id, shipping={"address": address})

def update_address(request):
    address = parse_address(request.POST)
    customer_id = request.user.stripe_id
    threading.Thread(target=_push_address, args=(customer_id, address), daemon=True).start()  # expect: REL005
    return JsonResponse({"ship_to": address})
""",
    )

    _helpers: Helpers | None = None

    def judge(self, scope: Scope) -> None:
        root = scope.root
        if not isinstance(root, cst.FunctionDef):
            return
        # A web app's helper that starts a thread for a message (`_in_background(msg)` called by the views) runs
        # in the request's process as a handler does; a task or coroutine elsewhere may be a worker's own.
        threads_only = not self.ctx.is_handler(root)
        if threads_only and (not self.ctx.is_web_app or self.ctx.class_stack or len(self.ctx.function_stack) != 1
                             or root.name.value in APP_FACTORIES):
            return  # (a thread an app factory starts runs once per worker: SchedulerStartedAtImport's to judge)
        if self._helpers is None:
            module_scope = self._module_scope or scope
            assert isinstance(module_scope.root, cst.Module)
            self._helpers = helpers_of(module_scope.root, module_scope, self.ctx)
        helpers = self._helpers
        in_class = helpers.class_of(root)
        for call in scope.calls():
            if _in_task_group(call, scope):
                continue  # `async with asyncio.TaskGroup() as tg: tg.create_task(...)` ends before the answer
            if threads_only and not _starts_thread(call, self.ctx):
                continue
            handed = self._handed(call)
            if handed is None:
                continue
            effect = helpers.effect(handed, scope, in_class, self, RETRY)
            kind = effect.kind if effect is not None else None
            if kind is None and not threads_only and _starts_thread(call, self.ctx):
                # A thread a handler starts whose target writes to the database or changes a record at another
                # service (`requests.put(...)`, `stripe.Customer.modify(...)`): a write the client was told is done.
                target = helpers.resolve(handed, in_class)
                kind = "write" if target is not None and self._changes_something(target, helpers) else None
            if kind is None:
                continue
            self.report(call, f"This request hands {_WHAT.get(kind, 'a side effect')} to a background task in this "
                              "process and answers before it runs: a restart or crash loses it silently; put it "
                              "on a durable queue.", end_node=_started_by(call, scope))

    def _changes_something(self, fn: cst.FunctionDef, helpers) -> bool:
        """The function writes to the database, or sends a PUT, PATCH or DELETE, or modifies a record through an
        SDK (`stripe.Customer.modify`)."""
        if helpers.writes(fn):
            return True
        scope = helpers.scope(fn)
        return any(method(call) in _CHANGING and (is_remote_call(call, scope, self.ctx)
                                                  or (attribute_path(call.func) or "").startswith("stripe."))
                   for call in scope.calls())

    def _handed(self, call: cst.Call) -> cst.Call | None:
        """The call the background task will make, as a call node."""
        qualified = self.ctx.qualify(call.func) or ""
        name = method(call)
        if name in _TASK_STARTERS and (qualified.startswith("asyncio.") or isinstance(call.func, cst.Attribute)):
            first = positional(call)
            return first if isinstance(first, cst.Call) else None
        if _starts_thread(call, self.ctx):
            target, given = keyword(call, "target"), keyword(call, "args")
            if target is None:
                return None
            values = [el.value for el in given.value.elements] if given is not None and isinstance(
                given.value, (cst.Tuple, cst.List)) else []
            return cst.Call(func=target.value, args=[cst.Arg(value=v) for v in values])
        if name == "add_task" and call.args and call.args[0].keyword is None:
            return cst.Call(func=call.args[0].value,
                            args=[arg.with_changes(comma=cst.MaybeSentinel.DEFAULT) for arg in call.args[1:]])
        return None


def _started_by(call: cst.Call, scope: Scope) -> cst.Call | None:
    """For `worker = threading.Thread(...)`, the `worker.start()` after it: the finding spans to it."""
    assign = scope.parent.get(call)
    if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)):
        return None
    name = assign.targets[0].target.value
    return next((other for other in scope.calls() if method(other) == "start" and scope.before(call, other)
                 and isinstance(other.func, cst.Attribute) and is_name(other.func.value, name)), None)


def _starts_thread(call: cst.Call, ctx) -> bool:
    qualified = ctx.qualify(call.func) or ""
    return qualified == "threading.Thread" or (method(call) == "Thread" and qualified.endswith("threading.Thread"))


def _in_task_group(call: cst.Call, scope: Scope) -> bool:
    """`tg.create_task(...)` where `tg` is the target of an enclosing `with`: a task group (asyncio's TaskGroup,
    anyio's) waits for its tasks before the block ends, so the work is done before the request answers."""
    func = call.func
    if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
        return False
    for ancestor in scope.ancestors(call):
        if isinstance(ancestor, cst.With) and any(
                item.asname is not None and isinstance(item.asname.name, cst.Name)
                and item.asname.name.value == func.value.value for item in ancestor.items):
            return True
    return False
