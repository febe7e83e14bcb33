"""REL004: an external side effect and a database write that can end half done."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import PythonCheck, attribute_path
from reviewer.checks._data import (
    Scope,
    db_write,
    in_transaction,
    mentions_idempotency,
    method,
    not_production_code,
    receiver,
    scope_of,
    side_effect,
)

# Calls in an `except` branch that undo the side effect (or, for `rollback`, the staged write).
_COMPENSATE = re.compile(r"refund|cancel|void|reverse|compensat|revert|undo|release", re.I)
# A function that hands the side effect to an outbox or to a commit hook has made it safe.
_DEFERRED = re.compile(r"outbox|on_commit|after_commit", re.I)
_NOUN = {"payment": "the customer is charged", "message": "the message is sent", "publish": "the event is published"}


class SideEffectAndWriteWithoutTransaction(PythonCheck):
    """A charge, e-mail or published event and a database write that can fail separately.

    ## What it does
    Within one function, reports the side-effect call (a payment, an e-mail/SMS, a published message, or a
    POST to a payment URL; see REL003 for the list) in two cases, reporting the side effect's line in both:
    (1) the side effect runs *before* a database write or commit (`session.add`, `commit()`, `.save()`,
    `Model.objects.create`, `execute("INSERT ...")`) and no commit precedes it; (2) a payment runs *after* a
    commit, nothing is written after it, and it is not inside any `try`. It is not reported when the side
    effect is inside a transaction block (`transaction.atomic()`, `session.begin()`, `engine.begin()`,
    `with conn:`, `@transaction.atomic`), when an `except` around the side effect or the later write
    compensates (refund, cancel, void, reverse; `rollback` only when the write was staged before the side
    effect), when the function uses an outbox, `transaction.on_commit` or an idempotency key (then the whole
    operation can be retried safely), or when the only later write is `.save()` on an object the caller passed
    in (the record existed before the call and now stores its result).

    ## Why is this bad?
    The external call cannot be rolled back. If the process charges the card and then the commit fails (a
    deadlock, a constraint, a crash, a deploy), the customer has paid for an order that does not exist. If
    it commits a paid order and then the charge fails, the shop ships an order nobody paid for. Record the
    intent first (a pending row), make the call with an idempotency key, then record the result; or write
    the request to an outbox in the same transaction and let a worker perform it.

    ## Known limits
    A function that commits before the side effect and writes again after it (the pending-then-confirmed
    pattern) is taken as correct, although the last commit can still fail; so is recording the result on a
    passed-in record. Side effects and writes inside helper functions are not followed, so a view that calls
    `charge(order)` and `save_order(order)` is missed. An e-mail sent after the commit is not reported (it is
    usually best effort). Inside a transaction block the call is taken as covered, although a commit failing
    after a charge still leaves the charge.
    """

    id = "REL004"
    VALID = (
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
    )
    INVALID = (
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
    )

    _module_scope: Scope | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self._module_scope = scope_of(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not_production_code(self.ctx):
            return
        scope = scope_of(node, self._module_scope)
        effects = [(call, kind) for call in scope.calls()
                   if (kind := side_effect(call, scope, self.ctx)) is not None and not scope.in_except(call)]
        if not effects or _DEFERRED.search(scope.code(self)) or mentions_idempotency(scope, self):
            return  # an outbox, a commit hook, or a keyed call that can be repeated safely after a failure
        writes = [(call, kind) for call in scope.calls()
                  if not scope.in_except(call) and (kind := db_write(call, scope, self.ctx)) is not None]
        if not writes:
            return
        for call, kind in effects:
            if in_transaction(call, scope, self.ctx):
                continue
            after = [w for w, _ in writes if scope.before(call, w) and not _records_on_existing(w, scope)]
            committed_before = [w for w, k in writes if k == "commit" and scope.before(w, call)]
            staged_before = any(k == "stage" and scope.before(w, call) for w, k in writes)
            if _compensated([call, *after], scope, rollback_counts=staged_before):
                continue
            if after and not committed_before:
                self.report(call, f"This side effect runs before the database write on line {self.line_of(after[0])} "
                                  f"with no transaction, compensation or outbox: if the write fails, {_NOUN[kind]} "
                                  "but nothing records it.")
            elif (not after and committed_before and kind == "payment"
                  and not any(isinstance(a, cst.Try) for a in scope.ancestors(call))):
                self.report(call, f"The record is committed on line {self.line_of(committed_before[-1])} before this "
                                  "payment and nothing handles its failure: if the charge fails, the database keeps "
                                  "an order nobody paid for.")


def _records_on_existing(write: cst.Call, scope: Scope) -> bool:
    """`payment.save()` on an object the caller passed in: the record existed before the side effect."""
    if method(write) != "save" or not isinstance(scope.root, cst.FunctionDef):
        return False
    root = (attribute_path(receiver(write) or cst.Name("_")) or "").split(".")[0]
    return root in scope.params or root == "self"


def _compensated(calls: list[cst.Call], scope: Scope, *, rollback_counts: bool) -> bool:
    """A `try` around any of these calls whose `except` undoes the side effect."""
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
