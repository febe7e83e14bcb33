"""DB003: a database commit once per iteration of a loop over items."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import attribute_path, descendants
from reviewer.checks._data import (
    Scope,
    ScopeCheck,
    db_write,
    ends_in_exit,
    in_transaction,
    method,
    receiver,
    retry_loops,
    scope_of,
    side_effect,
    tokens,
)
from reviewer.checks.exception_swallowed import is_broad, logging_level

# A loop over these is already batched, or is a long-running consumer where a commit per message is the design.
_BATCHED_OR_STREAM = frozenset({"batch", "batches", "batched", "chunk", "chunks", "chunked", "page", "pages",
                                "paginate", "consumer", "stream", "subscription", "listen", "poll", "pubsub", "queue"})
# A condition on these commits every N rows: the batched version of the same loop.
_BATCH_WORDS = frozenset({"batch", "chunk", "size", "every", "interval", "pending", "buffer", "flush", "commit"})
# Calls that act outside the process (HTTP, mail, brokers, payment APIs): a commit after one records what was
# done out there, and must be durable before the next item, so that a crash does not make the loop do it again.
_OUTSIDE_MODULES = ("requests", "httpx", "aiohttp", "urllib.request", "urllib3", "http.client", "smtplib", "ftplib",
                    "grpc", "boto3", "botocore", "pika", "kafka", "confluent_kafka", "stripe", "twilio", "paramiko",
                    "sendgrid", "paho", "google.cloud")
_OUTSIDE_TOKENS = frozenset({"client", "api", "stub", "http", "gateway", "producer", "rpc", "remote", "smtp",
                             "mailer", "stripe", "s3", "sqs", "sns", "webhook", "upstream"})

# Calls that only read from the outside service (HTTP GET, S3 reads).
_OUTSIDE_READS = frozenset({"get", "head", "options", "get_object", "head_object", "list_objects", "list_objects_v2"})


class CommitInLoop(ScopeCheck):
    """A database `commit()` inside a `for` loop body.

    ## What it does
    Reports `session.commit()`, `db.session.commit()`, `conn.commit()`, `transaction.commit()` (any commit on
    a session, connection or transaction) directly inside the body of a `for` loop, and Django's `item.save()`
    in a task or job loop that only sets fields of each item and saves it (see Known limits). It is not reported when
    the commit is every N rows (inside an `if` that tests a modulo, a `len(...)` or a batch size), when the
    loop goes over batches, chunks or pages (`for batch in batches`, `chunked(rows, 500)`; not the items of one
    batch, `for reading in batch.readings`), when the loop is a consumer or a retry loop, when the commit is
    in a `try` whose `except` rolls back and either logs the item's failure or catches a specific
    exception (`IntegrityError`: a deliberate transaction per item), when the block ends in
    `break`/`return` (it runs once), or when earlier in the iteration a call acts outside the process
    (HTTP, mail, a broker, a payment API, directly or through one or two functions of the same module) and the
    row is then updated with its outcome: that commit records a payout or a sent message before the
    next item, so that a crash does not repeat it; likewise when such a call comes later in the iteration, after
    the commit, under a test of a write's result (`claimed = ...update(...).rowcount`, then `if claimed:`): the
    commit makes the item's claim durable before the message or payment goes out. A call that only reads from
    outside (an HTTP `GET`, an S3
    `get_object`) has nothing to record first, so a commit after it is still reported.

    ## Why is this bad?
    Each commit is a round trip and a durable flush: a loop over 100,000 rows spends most of its time
    waiting on commits and holds the connection for minutes. A failure halfway leaves half the rows
    written with no easy way to resume or undo. Commit once after the loop, in batches, or use a bulk
    statement (`executemany`, `bulk_save_objects`, `bulk_create`).

    ## Known limits
    `while` loops and `async for` loops are not judged (they are usually workers where one transaction per
    job is right). A commit inside a helper called from the loop is not followed. An outside call is
    recognised by its library, its receiver's name (`client`, `api`, `gateway`, ...) or a helper of the
    same module that makes one; one hidden in another module is not. Django's autocommitted
    `.save()` per row is reported only outside a request (a view may run under `ATOMIC_REQUESTS`), outside
    `transaction.atomic()`, and when the loop does nothing but set fields of each item to values that call
    nothing, count, and save it (`ticket.status = ABANDONED`, `ticket.save(update_fields=["status"])`): a loop
    that also sends, fetches or computes per item is not judged.
    """

    id = "DB003"
    VALID = (
        # Each reminder is claimed with a conditional UPDATE and the claim committed before the e-mail goes out.
        """
from sqlalchemy import update

def send_reminders(db, due, today):
    for row in due:
        claimed = db.session.execute(
            update(Subscription).where(Subscription.id == row.id, Subscription.reminded_on.is_(None))
            .values(reminded_on=today)
        ).rowcount
        db.session.commit()  # ok: DB003
        if claimed:
            send_email(row.email, "Your batteries ship soon")
""",
        """
def import_customers(session, rows):
    for row in rows:
        session.add(Customer(email=row["email"], name=row["name"]))
    session.commit()  # ok: DB003
""",
        """
def import_events(conn, events, batch_size=1000):
    cur = conn.cursor()
    for i, event in enumerate(events, start=1):
        cur.execute("INSERT INTO events (kind, payload) VALUES (%s, %s)", (event.kind, event.payload))
        if i % batch_size == 0:
            conn.commit()  # ok: DB003
    conn.commit()
""",
        """
import logging

def insert_new(session, rows):
    for row in rows:
        try:
            session.add(Subscriber(email=row["email"]))
            session.commit()  # ok: DB003
        except IntegrityError:
            session.rollback()

def settle_invoices(session, invoices):
    for invoice in invoices:
        try:
            invoice.settle()
            session.commit()  # ok: DB003
        except Exception:
            session.rollback()
            logging.exception("could not settle invoice %s", invoice.id)
""",
        """
def backfill(session, batches):
    for batch in batches:
        session.bulk_save_objects(batch)
        session.commit()  # ok: DB003
""",
        """
import requests

def _send_payout(claim):
    resp = requests.post("https://payouts.example.com/v1/payouts", json=claim.as_payload(), timeout=20)
    resp.raise_for_status()
    return resp.json()

def pay_claims(session, claims):
    for claim in claims:
        result = _send_payout(claim)
        claim.payout_id = result["id"]
        claim.state = "paid"
        session.commit()  # ok: DB003
""",
        # The text goes out two functions down: the loop's helper loads the customer, its helper posts.
        """
import requests

def _post_sms(to, body):
    resp = requests.post("https://sms.example.com/v1/messages", data={"to": to, "body": body}, timeout=10)
    resp.raise_for_status()
    return resp.json()["sid"]

async def send_reminder(session, appointment):
    customer = await session.get(Customer, appointment.customer_id)
    return _post_sms(customer.phone, f"See you tomorrow at {appointment.starts_at:%H:%M}")

async def send_due(session, due, now):
    for appointment in due:
        await send_reminder(session, appointment)
        appointment.reminder_sent_at = now
        await session.commit()  # ok: DB003
""",
        # Django: the loop runs inside one transaction, or the view may run under `ATOMIC_REQUESTS`.
        """
from celery import shared_task
from django.db import transaction

@shared_task
@transaction.atomic
def expire_holds(cutoff):
    for hold in Hold.objects.filter(created_at__lt=cutoff)[:500]:
        hold.status = Hold.EXPIRED
        hold.save(update_fields=["status"])  # ok: DB003

def pay_fines(request):
    for fine in Fine.objects.filter(member=request.user.member, status=Fine.DUE)[:50]:
        fine.status = Fine.PAID
        fine.save(update_fields=["status"])  # ok: DB003
    return JsonResponse({"ok": True})
""",
    )
    INVALID = (
        # A Django task that only sets a field of each row and saves it: one autocommitted transaction per row.
        """
from celery import shared_task
from django.utils import timezone

@shared_task
def flag_abandoned():
    flagged = 0
    cutoff = timezone.now() - ABANDON_AFTER
    for ticket in Ticket.objects.filter(status="ready", ready_at__lt=cutoff)[:2000]:
        ticket.status = "abandoned"
        ticket.save(update_fields=["status"])  # expect: DB003
        flagged += 1
    return flagged
""",
        # The readings of one uploaded batch, each committed on its own.
        """
async def store_backlog(db, batch):
    for reading in sorted(batch.readings, key=lambda r: r.seq):
        db.add(MeterReading(seq=reading.seq, wh=reading.wh))
        await db.commit()  # expect: DB003
""",
        """
import csv
from app.models import db, Product

def import_products(path):
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            db.session.add(Product(sku=row["sku"], name=row["name"], price=row["price"]))
            db.session.commit()  # expect: DB003
""",
        """
import sqlite3

def mark_shipped(order_ids):
    conn = sqlite3.connect("shop.db")
    for order_id in order_ids:
        conn.execute("UPDATE orders SET status = 'shipped' WHERE id = ?", (order_id,))
        conn.commit()  # expect: DB003
    conn.close()
""",
        """
from django.db import transaction

def recalculate(accounts):
    transaction.set_autocommit(False)
    for account in accounts:
        account.balance = sum(e.amount for e in account.entries.all())
        account.save()
        transaction.commit()  # expect: DB003
""",
        """
import requests

def apply_discounts(conn, rows):
    skipped = 0
    for row in rows:
        try:
            conn.execute("UPDATE products SET price = ? WHERE sku = ?", (row["price"], row["sku"]))
            conn.commit()  # expect: DB003
        except Exception:
            conn.rollback()
            skipped += 1
    return skipped

def flag_late(conn, loans):
    for loan in loans:
        conn.execute("UPDATE loans SET late = 1 WHERE id = ?", (loan.id,))
        requests.post("https://notify.example.com/late", json={"loan": loan.id}, timeout=5)
        conn.commit()  # expect: DB003
""",
        # Reading each meter from the gateway records nothing out there: the commit per reading is still one
        # transaction per row.
        """
import requests
def poll_meters(session, berths):
    for berth in berths:
        body = requests.get(f"https://gateway.example.com/meters/{berth.meter_id}", timeout=5).json()
        session.add(MeterReading(berth_id=berth.id, kwh=body["kwh"]))
        session.commit()  # expect: DB003
""",
    )

    def judge(self, scope: Scope) -> None:
        self._judge_autocommitted_saves(scope)
        commits = [c for c in scope.calls() if method(c) == "commit" and db_write(c, scope, self.ctx) == "commit"]
        if not commits:
            return
        retrying = {found.loop for found in retry_loops(scope, self.ctx)}
        for call in commits:
            loop = scope.innermost_loop(call)
            if (not isinstance(loop, cst.For) or loop.asynchronous is not None or loop in retrying
                    or not scope.contains(loop.body, call)):
                continue
            if tokens(_text(loop.iter) + " " + _text(loop.target)) & _BATCHED_OR_STREAM:
                continue
            if (self._deliberate(call, loop, scope) or self._records_outside_action(call, loop, scope)
                    or self._claims_before_outside_action(call, loop, scope)):
                continue
            self.report(call, "This commit runs once per loop iteration: every item is its own transaction, so the "
                              "loop is slow and a failure halfway leaves part of the data written.")

    def _judge_autocommitted_saves(self, scope: Scope) -> None:
        """In a module-level function outside a request (a task, a job, a service function), a Django loop that only
        sets fields of each item and saves it (`ticket.status = ABANDONED`, `ticket.save(update_fields=["status"])`):
        in autocommit every `save()` is its own transaction. A view is left alone: `ATOMIC_REQUESTS` may wrap it."""
        if (not isinstance(scope.root, cst.FunctionDef) or not self.ctx.imports_module("django")
                or self.module_function(scope.root.name.value) is not scope.root
                or self.ctx.is_handler(scope.root) or in_transaction(scope.root.body, scope, self.ctx)):
            return
        for loop in scope.of_type(cst.For):
            save = _only_sets_and_saves(loop)
            if save is not None and loop.asynchronous is None and not in_transaction(loop, scope, self.ctx):
                self.report(save, "Each `save()` in this loop is its own autocommitted transaction: the loop makes one "
                                  "round trip and commit per row, and a failure halfway leaves part of the rows "
                                  "changed; use one `update()` or `bulk_update()`, or wrap the loop in "
                                  "`transaction.atomic()`.")

    def _deliberate(self, call: cst.Call, loop: cst.For, scope: Scope) -> bool:
        """Every N rows, per item with a rollback and a log on failure, or once before leaving the loop."""
        for ancestor in scope.ancestors(call):
            if ancestor is loop:
                return False
            if isinstance(ancestor, cst.If) and _is_batch_test(ancestor.test, scope):
                return True
            if isinstance(ancestor, cst.Try) and any(_rolls_back_and_logs(h, scope, self.ctx)
                                                     for h in ancestor.handlers):
                return True
            if isinstance(ancestor, cst.IndentedBlock) and ends_in_exit(ancestor):
                return True
        return False


    def _records_outside_action(self, commit: cst.Call, loop: cst.For, scope: Scope) -> bool:
        """Earlier in the same iteration a call acts outside the process (directly or through a function of
        this module) and the row is then updated with its outcome: the commit makes that record durable
        before the next item, so a crash does not pay, mail or publish the same item twice."""
        position = scope.index[commit]
        for call in scope.calls_within(loop.body):
            if scope.index[call] >= position:
                break
            if self._acts_outside(call, scope) or self._helper_acts_outside(call):
                return self._written_between(scope.last[call], position, loop, scope)
        return False

    def _claims_before_outside_action(self, commit: cst.Call, loop: cst.For, scope: Scope) -> bool:
        """Later in the same iteration a call acts outside the process only when a write made before the commit
        succeeded (`claimed = ...update(...).rowcount`, then `if claimed: send_email(...)`): the commit makes that
        claim durable before the e-mail or payment goes out, so another worker, or this loop run again after a
        crash, does not act on the same item twice."""
        position = scope.index[commit]
        for call in scope.calls_within(loop.body):
            if scope.index[call] <= position or scope.in_except(call, within=loop):
                continue
            if not (self._acts_outside(call, scope) or self._helper_acts_outside(call)):
                continue
            for ancestor in scope.ancestors(call):
                if ancestor is loop:
                    break
                if isinstance(ancestor, cst.If) and self._tests_claim(ancestor.test, position, loop, scope):
                    return True
        return False

    def _tests_claim(self, test: cst.BaseExpression, commit_at: int, loop: cst.For, scope: Scope) -> bool:
        """The test reads a name bound in this iteration, before the commit, to a write's result (its row count
        or the row it returned)."""
        for name in scope.within(test):
            if not isinstance(name, cst.Name):
                continue
            binding = scope.binding(name.value, name)
            value = binding.value if binding is not None and not binding.unpacked else None
            if value is None or value not in scope.index or not scope.contains(loop.body, value) \
                    or scope.index[value] > commit_at:
                continue
            if any(isinstance(node, cst.Call) and db_write(node, scope, self.ctx) is not None
                   for node in scope.within(value)):
                return True
        return False

    def _helper_acts_outside(self, call: cst.Call, depth: int = 0) -> bool:
        """A function of this module that acts outside, itself or through one more of them (`send_reminder`
        loading the customer, then `_post_sms(...)` posting)."""
        if not isinstance(call.func, cst.Name):
            return False
        helper = self._module_function(call.func.value)
        if helper is None:
            return False
        inner = scope_of(helper, self._module_scope)
        return any(self._acts_outside(c, inner) or (depth < 1 and self._helper_acts_outside(c, depth + 1))
                   for c in inner.calls())

    def _written_between(self, start: int, end: int, loop: cst.For, scope: Scope) -> bool:
        """An attribute or item set, or a staged database write, after the outside call and before the commit."""
        for node in scope.within(loop.body):
            position = scope.index[node]
            if position <= start or position >= end or scope.in_except(node, within=loop):
                continue
            if isinstance(node, cst.Assign) and any(isinstance(t.target, (cst.Attribute, cst.Subscript))
                                                    for t in node.targets):
                return True
            if isinstance(node, cst.Call) and db_write(node, scope, self.ctx) == "stage":
                return True
        return False

    def _acts_outside(self, call: cst.Call, scope: Scope) -> bool:
        if method(call) in _OUTSIDE_READS:
            return False  # reading a meter or a job's status changes nothing out there: nothing to record first
        if isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Call):
            return False  # `requests.get(url).json()`: the inner call is the one that reaches out, judged itself
        qualified = self.ctx.qualify(call.func) or ""
        if any(qualified == mod or qualified.startswith(mod + ".") for mod in _OUTSIDE_MODULES):
            return True
        if side_effect(call, scope, self.ctx) is not None:
            return True
        recv = receiver(call)
        return recv is not None and bool(tokens(attribute_path(recv) or "") & _OUTSIDE_TOKENS)

    def _module_function(self, name: str) -> cst.FunctionDef | None:
        module = self._module_scope
        if module is None:
            return None
        for node in module.by_type.get(cst.FunctionDef, ()):
            if node.name.value == name:
                return node
        return None


def _only_sets_and_saves(loop: cst.For) -> cst.Call | None:
    """The `item.save(update_fields=[...])` of a loop `for item in ...:` whose body only sets fields of `item` to
    values that call nothing (`item.status = DONE`, `item.fee = item.fee + FEE`), counts (`done += 1`) and saves it
    once: a change of named fields that one `update()` or `bulk_update()` could make (not a copy being inserted)."""
    if not isinstance(loop.target, cst.Name) or not isinstance(loop.body, cst.IndentedBlock) or loop.orelse:
        return None
    item, save, sets = loop.target.value, None, 0
    for statement in loop.body.body:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(
                target := small.targets[0].target, cst.Attribute) and isinstance(target.value, cst.Name) \
                and target.value.value == item and not any(isinstance(n, cst.Call) for n in descendants(small.value)):
            sets += 1
        elif isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name) and isinstance(
                small.value, cst.Integer):
            continue
        elif (isinstance(small, cst.Expr) and isinstance(call := small.value, cst.Call) and save is None
              and method(call) == "save" and isinstance(call.func, cst.Attribute)
              and isinstance(call.func.value, cst.Name) and call.func.value.value == item
              and [arg.keyword.value for arg in call.args if arg.keyword is not None] == ["update_fields"]):
            save = call
        else:
            return None
    return save if sets else None


def _rolls_back_and_logs(handler: cst.ExceptHandler, scope: Scope, ctx) -> bool:
    """`except ...: session.rollback(); logger.exception(...)` or `except IntegrityError: session.rollback()`:
    each item is its own transaction on purpose, and its failure is reported or expected. A catch-all that
    only rolls back and carries on is not a design, it hides the failures."""
    calls = scope.calls_within(handler)
    return (any(method(c) == "rollback" for c in calls)
            and (not is_broad(ctx, handler) or any(logging_level(ctx, c) is not None for c in calls)))


def _is_batch_test(test: cst.BaseExpression, scope: Scope) -> bool:
    for node in scope.within(test):
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
            return True
        if isinstance(node, cst.Call) and method(node) == "len":
            return True
        if isinstance(node, (cst.Name, cst.Attribute)) and tokens(attribute_path(node) or "") & _BATCH_WORDS:
            return True
    return False


def _text(expr: cst.BaseExpression) -> str:
    """The names in an expression, joined: enough to recognise `batches`, `chunked(rows, 500)`, `consumer`."""
    names: list[str] = []
    stack: list[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            names.append(node.value)
        elif isinstance(node, cst.Attribute):
            names.append(node.attr.value)
            if not isinstance(node.value, cst.Name):
                # `batch.readings` are the items of one batch, not batches: the object named first is not what
                # the loop goes over (`self.consumer`, `client.stream(...)` still name it by their last part).
                stack.append(node.value)
        elif isinstance(node, cst.Call):
            stack.append(node.func)
            stack.extend(arg.value for arg in node.args)
        elif isinstance(node, (cst.Tuple, cst.List)):
            stack.extend(el.value for el in node.elements)
    return " ".join(names)
