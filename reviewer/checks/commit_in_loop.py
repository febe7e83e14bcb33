"""DB003: a database commit once per iteration of a loop over items."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import attribute_path
from reviewer.checks._data import (
    Scope,
    ScopeCheck,
    db_write,
    ends_in_exit,
    method,
    retry_loops,
    tokens,
)

# A loop over these is already batched, or is a long-running consumer where a commit per message is the design.
_BATCHED_OR_STREAM = frozenset({"batch", "batches", "batched", "chunk", "chunks", "chunked", "page", "pages",
                                "paginate", "consumer", "stream", "subscription", "listen", "poll", "pubsub", "queue"})
# A condition on these commits every N rows: the batched version of the same loop.
_BATCH_WORDS = frozenset({"batch", "chunk", "size", "every", "interval", "pending", "buffer", "flush", "commit"})


class CommitInLoop(ScopeCheck):
    """A database `commit()` inside a `for` loop body.

    ## What it does
    Reports `session.commit()`, `db.session.commit()`, `conn.commit()`, `transaction.commit()` (any commit on
    a session, connection or transaction) directly inside the body of a `for` loop. It is not reported when
    the commit is every N rows (inside an `if` that tests a modulo, a `len(...)` or a batch size), when the
    loop goes over batches, chunks or pages, when the loop is a consumer or a retry loop, when the commit is
    in a `try` whose `except` rolls back (a deliberate transaction per item), or when the block ends in
    `break`/`return` (it runs once).

    ## Why is this bad?
    Each commit is a round trip and a durable flush: a loop over 100,000 rows spends most of its time
    waiting on commits and holds the connection for minutes. A failure halfway leaves half the rows
    written with no easy way to resume or undo. Commit once after the loop, in batches, or use a bulk
    statement (`executemany`, `bulk_save_objects`, `bulk_create`).

    ## Known limits
    `while` loops and `async for` loops are not judged (they are usually workers where one transaction per
    job is right). A commit inside a helper called from the loop is not followed. Django's autocommitted
    `.save()` per row is not reported here.
    """

    id = "DB003"
    VALID = (
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
    )
    INVALID = (
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
    )

    def judge(self, scope: Scope) -> None:
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
            if self._deliberate(call, loop, scope):
                continue
            self.report(call, "This commit runs once per loop iteration: every item is its own transaction, so the "
                              "loop is slow and a failure halfway leaves part of the data written.")

    @staticmethod
    def _deliberate(call: cst.Call, loop: cst.For, scope: Scope) -> bool:
        """Every N rows, per item with a rollback on failure, or once before leaving the loop."""
        for ancestor in scope.ancestors(call):
            if ancestor is loop:
                return False
            if isinstance(ancestor, cst.If) and _is_batch_test(ancestor.test, scope):
                return True
            if isinstance(ancestor, cst.Try) and any(method(c) == "rollback" for h in ancestor.handlers
                                                     for c in scope.calls_within(h)):
                return True
            if isinstance(ancestor, cst.IndentedBlock) and ends_in_exit(ancestor):
                return True
        return False


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
            stack.append(node.value)
        elif isinstance(node, cst.Call):
            stack.append(node.func)
            stack.extend(arg.value for arg in node.args)
        elif isinstance(node, (cst.Tuple, cst.List)):
            stack.extend(el.value for el in node.elements)
    return " ".join(names)
