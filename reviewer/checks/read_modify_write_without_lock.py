"""DB004: a row read, changed in Python from its old value, and written back without a lock."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import libcst as cst

from reviewer.checks._base import attribute_path
from reviewer.checks._data import (
    Scope,
    chain_root,
    _LOCKED,
    has_lock_or_atomic_update,
    method,
    orm_model,
    positional,
    receiver,
    scope_of,
    unwrap,
)
from reviewer.checks._rows import (
    RowsCheck,
    Origin,
    conditionally_updated,
    is_arithmetic,
    is_redis,
    is_saved,
    node_code,
    same_model,
    saving_call,
    update_columns,
)


# A parameter that hands a function the caller's ORM session (and with it the caller's transaction).
# The SET clause of an upsert: `ON CONFLICT (...) DO UPDATE SET ...` or MySQL's `ON DUPLICATE KEY UPDATE ...`.
_UPSERT_SET = re.compile(r"(?:DO\s+UPDATE\s+SET|ON\s+DUPLICATE\s+KEY\s+UPDATE)\s+(.*?)(?:\bWHERE\b|\bRETURNING\b|$)",
                         re.I | re.S)
# One assignment that overwrites the column with the inserted value: `used = EXCLUDED.used`, `qty = VALUES(qty)`.
_OVERWRITE = re.compile(r"^\s*(\w+)\s*=\s*(?:EXCLUDED\.(\w+)|VALUES\s*\(\s*(\w+)\s*\))\s*$", re.I)


def _upsert_overwrites(text: str) -> set[str]:
    """The columns an upsert overwrites with the value the caller computed (not `used = t.used + EXCLUDED.used`)."""
    clause = _UPSERT_SET.search(text)
    if clause is None:
        return set()
    found = set()
    for assignment in clause.group(1).split(","):
        match = _OVERWRITE.match(assignment)
        if match is not None and match.group(1).lower() == (match.group(2) or match.group(3)).lower():
            found.add(match.group(1).lower())
    return found
_SESSION_PARAM = re.compile(r"(db_|async_|orm_)?(session|sess|db|s)")


class ReadModifyWriteWithoutLock(RowsCheck):
    """A record loaded, a field recomputed from its old value in Python, and written back, with no lock.

    ## What it does
    In one function, follows values back to the query that read them: a record loaded with
    `Model.objects.get`, `.filter().first()`, `Model.query.get`, `session.get`, `get_object_or_404`,
    `cur.fetchone()` after a `SELECT`, `result.scalar_one()` of an executed `select`, `get_or_create`,
    `rows[0]` of a query result, a `for` loop over a query, rows kept in a dict by a key
    (`{r["sku"]: r for r in cur.execute(...)}`, then `by_sku[sku]`), rows paired with other values and unpacked in
    a loop (`[(p, qty[p.id]) for p in products]`, then `for product, qty in lines:`), the signed-in user
    (`request.user`, Flask-Login's `current_user`) and its related records (`request.user.landlord`), a related
    record (`item.product`), a child record loaded through a loaded record's related manager
    (`firing.shelves.filter(...).first()`), or any of these kept through `row[0] if row else 0` or `row[0] or 0`,
    or returned by a helper function of the same module (`_load_account(id)`,
    `self._meter(id)`, a helper that returns `row[0]`, or one that picks an item of the rows it is handed:
    `return agents[i]`, `min(agents, key=...)`), or by a function imported from another module of the app
    that is handed the session or connection and whose name says it loads one (`get_wallet(db, wallet_id)`,
    `exhibitor_for_principal(exhibitor_id, db, principal)`; locked if its name says so, `get_for_update`), also when a
    new record is made in its place only if none was found (`if card is None: card = LoyaltyCard(...)`), or a
    parameter typed with a model class imported from a models module, beside a session parameter (`def
    save_job(db: Session, merchant: Merchant)`: a record its caller loaded). It
    reports a write of a value computed by arithmetic on that old value:
    an attribute change that is saved (`acct.balance -= amount` or `acct.balance = old + n`, also one item of a
    tuple assignment, `f.seats, f.kg = f.seats + n, f.kg + kg`, then `.save()`,
    `commit()`, or inside a transaction block; with SQLAlchemy, a record loaded through a session the function
    was handed is written by the caller's commit); an `UPDATE ... SET col = %s` whose parameter is computed from
    the same column read before (`(row[0] - 1, isbn)`, or a name assigned such a sum; also an upsert that
    overwrites the column with it, `ON CONFLICT (...) DO UPDATE SET used = EXCLUDED.used`; a column read from a
    joined table, `a.balance` of `FROM bills b JOIN accounts a`, belongs to that table); a queryset
    `.update(stock=product.stock - qty)` or `update(Model).values(...)`; and a Redis `set(key, old + n)` of a
    value read with `get(key)`. It reports the write (the attribute change, the `UPDATE`, the `set`), also
    when the new value was computed in a statement above it; an attribute change spans to the `save()` or
    `commit()` that stores it, a write call spans the whole call (`update(t).where(...).values(...)`). A queryset's `.iterator()` is a loop over its rows like the queryset itself.

    Several fields of one record changed and stored by one save are one finding, at the first change.
    It is not reported when the function reads that record's model or table under `select_for_update()` /
    `with_for_update()` / `FOR UPDATE` (there, or in the helper that loads the record; a lock on another
    model guards only that model's rows), a Django `F()` expression, an atomic
    `UPDATE ... SET x = x - %s`, a version check, an advisory or named lock, Redis `WATCH`, or a
    conditional update of the same table (`UPDATE ... WHERE id = %s AND qty = %s`, `filter(stock=old).update(...)`;
    claiming an order with `... AND status = 'ready'` does not guard the stock row changed next), and not
    when the model maps a `version_id_col`. A value read from one column and written to another (a price
    copied into an order total) is not a read-modify-write. Tests and migrations are skipped; a command-line
    script (`if __name__ == "__main__":`) is judged, since the rows it updates are the live service's too (a
    billing run posting to balances that payments also change), unless it works on a SQLite file (one writer).
    A background task (`@shared_task`, `@app.task`, `@actor`) that the module dispatches only from a
    loop over query rows (`for m in due: renew.delay(m.id)`): each run owns the record it was queued for.

    ## Why is this bad?
    Two requests read the same balance of 100, each subtracts 30 and writes 70: one withdrawal is lost.
    Under load this oversells stock, double-spends credit and loses counter increments, and it never
    shows up in tests that run one request at a time. Let the database do the arithmetic
    (`F("stock") - qty`, `SET stock = stock - %s WHERE stock >= %s`, Redis `INCRBY`), or lock the row while
    deciding.

    ## Known limits
    The change and the write must be in the same function (the load may be in a helper of the same
    module); a model method that does `self.balance -= x; self.save()` is not followed, nor helpers imported
    from other modules. Any lock word, version check, `F()` or conditional update anywhere in the function is
    taken to cover every change in it. Changes that are not arithmetic on the old value (appending to a JSON
    list through a method call, toggling a state) are not reported, nor are objects that were not loaded by
    a query (`request.user.login_count += 1`). A `with lock:` of any kind counts as a lock, although a
    threading lock does not protect against other processes. Scheduled jobs are judged like request code:
    a nightly job that adds to balances races with the requests that spend them. A fanned-out task is taken
    as the only writer of its record even if another module also queues it or changes the same field, and
    two overlapping runs of the dispatching job are left to the idempotency checks.
    """

    id = "DB004"
    VALID = (
        # A loader from another module whose name says it locks the row.
        """
from app.accounts import get_account_for_update

def withdraw(db, account_id, amount):
    account = get_account_for_update(db, account_id)
    account.balance -= amount  # ok: DB004
    db.commit()
""",
        # The upsert adds to the stored value: the database does the arithmetic.
        """
async def meter(conn, agency_id, words):
    row = await conn.fetchrow("SELECT words_used FROM agency_usage WHERE agency_id = $1", agency_id)
    log.info("agency %s had used %s", agency_id, row["words_used"] if row else 0)
    await conn.execute(  # ok: DB004
        "INSERT INTO agency_usage (agency_id, words_used) VALUES ($1, $2) "
        "ON CONFLICT (agency_id) DO UPDATE SET words_used = agency_usage.words_used + EXCLUDED.words_used",
        agency_id, words)
""",
        """
from django.db import transaction
from django.db.models import F

def withdraw(account_id, amount):
    updated = (Account.objects.filter(pk=account_id, balance__gte=amount)
               .update(balance=F("balance") - amount))  # ok: DB004
    if not updated:
        raise InsufficientFunds(account_id)
""",
        """
from sqlalchemy import select

def reserve_stock(session, product_id, qty):
    with session.begin():
        product = session.execute(select(Product).where(Product.id == product_id).with_for_update()).scalar_one()
        if product.stock < qty:
            raise OutOfStock(product_id)
        product.stock -= qty  # ok: DB004
""",
        """
def rename_user(session, user_id, name):
    user = session.get(User, user_id)
    user.display_name = name.strip()  # ok: DB004
    session.commit()
""",
        """
def debit(conn, account_id, amount):
    with conn.cursor() as cur:
        cur.execute("UPDATE accounts SET balance = balance - %s WHERE id = %s AND balance >= %s",  # ok: DB004
                    (amount, account_id, amount))
        if cur.rowcount == 0:
            raise InsufficientFunds(account_id)
    conn.commit()
""",
        # The helper locks the row it returns.
        """
from django.db import transaction

def _wallet_for_update(owner_id):
    return Wallet.objects.select_for_update().get(owner_id=owner_id)

def pay(owner_id, cents):
    with transaction.atomic():
        wallet = _wallet_for_update(owner_id)
        wallet.cents -= cents  # ok: DB004
        wallet.save()
""",
        # Compare-and-set: the UPDATE only applies while the column still holds the value read.
        """
def take_units(conn, bin_id, units):
    row = conn.execute("SELECT units FROM bins WHERE id = ?", (bin_id,)).fetchone()
    cur = conn.execute("UPDATE bins SET units = ? WHERE id = ? AND units = ?",  # ok: DB004
                       (row[0] - units, bin_id, row[0]))
    if cur.rowcount != 1:
        raise Retry()
    conn.commit()
""",
        # A value read from another table is copied, not modified.
        """
def price_line(conn, sku, line_id, qty):
    row = conn.execute("SELECT unit_cents FROM catalog WHERE sku = ?", (sku,)).fetchone()
    conn.execute("UPDATE lines SET amount_cents = ? WHERE id = ?", (row[0] * qty, line_id))  # ok: DB004
    conn.commit()
""",
        # Values from the request, not from the database; a request-local object.
        """
def record_visit(request, conn):
    request.session["visit_count"] = request.session.get("visit_count", 0) + 1  # ok: DB004
    total = int(request.form["a"]) + int(request.form["b"])
    conn.execute("UPDATE carts SET total = ? WHERE id = ?", (total, request.form["id"]))  # ok: DB004
    conn.commit()
""",
        # A command-line script is the only writer while it runs.
        """
import sqlite3

def recount(conn):
    for row in conn.execute("SELECT id, hits FROM pages").fetchall():
        conn.execute("UPDATE pages SET hits = ? WHERE id = ?", (row[1] + 1, row[0]))  # ok: DB004
    conn.commit()

if __name__ == "__main__":
    recount(sqlite3.connect("pages.db"))
""",
        # Redis: INCRBY is atomic; a cache filled after a miss is not a read-modify-write.
        """
import redis

store = redis.Redis()

def add_score(player_id, points):
    store.incrby(f"score:{player_id}", points)  # ok: DB004

def profile(player_id):
    cached = store.get(f"profile:{player_id}")
    if cached is None:
        cached = build_profile(player_id)
        store.set(f"profile:{player_id}", cached, ex=60)  # ok: DB004
    return cached
""",
        # A job queues one task per due row: each task run is the only writer of its subscription.
        """
from celery import shared_task

@shared_task
def extend_subscription(sub_id, months):
    sub = Subscription.query.get(sub_id)
    sub.months_paid = sub.months_paid + months  # ok: DB004
    db.session.commit()

@shared_task
def extend_due():
    for sub in Subscription.query.filter_by(auto_renew=True, due=True).all():
        extend_subscription.delay(sub.id, 1)
""",
        # The joined balance is read, but only the bill is written, and with a value of its own.
        """
def waive_fee(conn, bill_id):
    bill = conn.execute(
        "SELECT b.id, b.late_fee, a.balance FROM bills b JOIN accounts a ON a.id = b.account_id WHERE b.id = %s",
        (bill_id,)).fetchone()
    conn.execute("UPDATE bills SET late_fee = %s WHERE id = %s", (0, bill["id"]))  # ok: DB004
""",
    )
    INVALID = (
        # A child record loaded through the related manager of a loaded record, then changed from its old value.
        """
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404

def book_shelf(request, firing_id):
    width_cm = int(request.POST["width_cm"])
    firing = get_object_or_404(Firing, pk=firing_id, status="open")
    shelf = firing.shelves.filter(free_cm__gte=width_cm).order_by("position").first()
    with transaction.atomic():
        shelf.free_cm -= width_cm  # expect: DB004
        shelf.save(update_fields=["free_cm"])
    return JsonResponse({"shelf": shelf.pk})
""",
        # Two counters of one row changed in one tuple assignment, each from its old value.
        """
def book_seats(flight_id, seats, load_kg):
    flight = db.session.get(Flight, flight_id)
    flight.seats_booked, flight.payload_kg = flight.seats_booked + seats, flight.payload_kg + load_kg  # expect: DB004
    db.session.add(Booking(flight_id=flight.id, seats=seats))
    db.session.commit()
""",
        # The helper picks one of the rows the handler loaded; the counter is then bumped in Python.
        """
from flask import Blueprint, jsonify
from sqlalchemy import select

bp = Blueprint("assign", __name__)

def _least_busy(agents):
    return min(agents, key=lambda a: a.open_tickets)

@bp.post("/tickets/<int:ticket_id>/assign")
def assign(ticket_id):
    session = get_session()
    ticket = session.get(Ticket, ticket_id)
    agents = session.scalars(select(Agent).where(Agent.team_id == ticket.team_id)).all()
    agent = _least_busy(agents)
    ticket.assignee_id = agent.id
    agent.open_tickets = agent.open_tickets + 1  # expect: DB004
    session.commit()
    return jsonify(assignee=agent.id)
""",
        # `.only(...)` loads fewer fields of the same rows: the fee is still added in Python and written back.
        """
from celery import shared_task

@shared_task
def apply_late_fees(today):
    overdue = Loan.objects.filter(status="active", due_on__lt=today).only("id", "fees_due")
    for loan in overdue.iterator(chunk_size=500):
        loan.fees_due = loan.fees_due + LATE_FEE  # expect: DB004
        loan.save(update_fields=["fees_due"])
""",
        # The card is the one loaded, or a new one made when there was none: the loaded one is raced.
        """
from sqlalchemy import select

async def record_visit(session, customer_id):
    card = await session.scalar(select(LoyaltyCard).where(LoyaltyCard.customer_id == customer_id))
    if card is None:
        card = LoyaltyCard(customer_id=customer_id, stamps=0)
        session.add(card)
    card.stamps += 1  # expect: DB004
    await session.commit()
""",
        # A monthly billing script: the balance it posts to is the one the live service's payments change too.
        """
import asyncio
import asyncpg

async def bill_account(conn, account_id, total):
    balance = await conn.fetchval("SELECT balance FROM accounts WHERE id = $1", account_id)
    await conn.execute("UPDATE accounts SET balance = $1 WHERE id = $2", balance - total, account_id)  # expect: DB004

async def main():
    conn = await asyncpg.connect()
    for account_id, total in await due(conn):
        await bill_account(conn, account_id, total)

if __name__ == "__main__":
    asyncio.run(main())
""",
        # An upsert that overwrites the column with a total computed from the value read.
        """
async def meter(conn, agency_id, words):
    row = await conn.fetchrow("SELECT words_used FROM agency_usage WHERE agency_id = $1", agency_id)
    used = row["words_used"] if row else 0
    await conn.execute(  # expect: DB004
        "INSERT INTO agency_usage (agency_id, words_used) VALUES ($1, $2) "
        "ON CONFLICT (agency_id) DO UPDATE SET words_used = EXCLUDED.words_used",
        agency_id, used + words)
""",
        # The value read is kept through a conditional expression (`row[0] if row else 0`).
        """
def take(conn, item_id, qty):
    cur = conn.cursor()
    cur.execute("SELECT stock FROM items WHERE id = %s", (item_id,))
    row = cur.fetchone()
    stock = row[0] if row else 0
    cur.execute("UPDATE items SET stock = %s WHERE id = %s", (stock - qty, item_id))  # expect: DB004
    conn.commit()
""",
        # The signed-in user's profile is a row like any other: two requests spend the same credits.
        """
from django.http import JsonResponse

def order_report(request):
    profile = request.user.landlord
    profile.credit_balance -= PRICE  # expect: DB004
    profile.save(update_fields=["credit_balance"])
    return JsonResponse({"credits": profile.credit_balance})
""",
        # The rows come back from a helper paired with their quantities, and each is unpacked in the loop.
        """
from flask import jsonify
from shop.models import Product, db

def _load_cart(wanted):
    products = Product.query.filter(Product.id.in_(wanted)).all()
    return [(p, wanted[p.id]) for p in products]

@bp.post("/checkout")
def place_order():
    lines = _load_cart(request.get_json()["items"])
    for product, qty in lines:
        product.stock -= qty  # expect: DB004
    db.session.commit()
    return jsonify(ok=True)
""",
        # The record a view set's URL names, loaded with `self.get_object()`.
        """
from rest_framework import viewsets
from rest_framework.decorators import action

class EventViewSet(viewsets.ModelViewSet):
    @action(detail=True, methods=["post"])
    def rsvp(self, request, pk=None):
        event = self.get_object()
        event.seats_taken += int(request.data["party_size"])  # expect: DB004
        event.save(update_fields=["seats_taken"])
        return Response(status=201)
""",
        # The record comes from a loader in another module of the app, handed the session.
        """
from expo.security import exhibitor_for_principal

@router.post("/exhibitors/{exhibitor_id}/badges")
def issue_badge(exhibitor_id: int, db: Session = Depends(get_db), principal=Depends(current_principal)):
    exhibitor = exhibitor_for_principal(exhibitor_id, db, principal)
    db.add(Badge(exhibitor_id=exhibitor.id))
    exhibitor.badges_issued += 1  # expect: DB004
    db.commit()
""",
        # A firmware version in a SELECT's WHERE is not an optimistic-lock version check.
        """
def report_installed(conn, device_id, version):
    rollout = conn.fetchrow("SELECT r.id, r.installed_count FROM rollouts r WHERE r.device_id = $1 AND r.version = $2",
                            device_id, version)
    installed = rollout["installed_count"] + 1
    conn.execute("UPDATE rollouts SET installed_count = $2 WHERE id = $1", rollout["id"], installed)  # expect: DB004
""",
        """
from django.shortcuts import get_object_or_404

def withdraw(request, account_id):
    account = get_object_or_404(Account, pk=account_id, owner=request.user)
    amount = int(request.POST["amount"])
    if account.balance < amount:
        return HttpResponseBadRequest("insufficient funds")
    account.balance -= amount  # expect: DB004
    account.save(update_fields=["balance"])
    return HttpResponse("ok")
""",
        """
from app.models import db, Product

def reserve(product_id, qty):
    product = Product.query.get(product_id)
    product.stock = product.stock - qty  # expect: DB004
    db.session.commit()
""",
        """
def add_credit(conn, user_id, credit):
    cur = conn.cursor()
    cur.execute("SELECT credits FROM users WHERE id = %s", (user_id,))
    (credits,) = cur.fetchone()
    new_total = credits + credit
    cur.execute("UPDATE users SET credits = %s WHERE id = %s", (new_total, user_id))  # expect: DB004
    conn.commit()
""",
        """
def count_view(post_id):
    post = Post.objects.get(pk=post_id)
    post.views += 1  # expect: DB004
    post.save()
""",
        # The record comes from a helper; the old value from another helper.
        """
from app.models import db, Quota

def _quota(tenant_id):
    return Quota.query.filter_by(tenant_id=tenant_id).one()

def _used(tenant_id):
    return _quota(tenant_id).used

def consume(tenant_id, n):
    quota = _quota(tenant_id)
    quota.remaining -= n  # expect: DB004
    used = _used(tenant_id)
    quota.used = used + n  # one race on one row, reported once
    db.session.commit()
""",
        # Computed inline in the UPDATE's parameters, from a value a helper read.
        """
def _level(cur, tank_id):
    cur.execute("SELECT litres FROM tanks WHERE id = %s", (tank_id,))
    return float(cur.fetchone()[0])

def draw(conn, tank_id, litres):
    cur = conn.cursor()
    level = _level(cur, tank_id)
    cur.execute("UPDATE tanks SET litres = %s WHERE id = %s", (level - litres, tank_id))  # expect: DB004
    conn.commit()
""",
        # Rows of a query: by index, in a loop, and a related record.
        """
from app.models import db, Poll, BasketLine

def vote(poll_slug):
    polls = list(Poll.objects.raw("SELECT * FROM polls WHERE slug = %s", [poll_slug]))
    poll = polls[0]
    poll.votes = poll.votes + 1  # expect: DB004
    poll.save(update_fields=["votes"])

def ship(basket_id):
    for line in BasketLine.query.filter_by(basket_id=basket_id).all():
        part = line.part
        part.on_hand -= line.count  # expect: DB004
    db.session.commit()
""",
        # A queryset update of a value computed in Python.
        """
def redeem(card_id, cents):
    card = GiftCard.objects.get(pk=card_id)
    GiftCard.objects.filter(pk=card_id).update(cents=card.cents - cents)  # expect: DB004
""",
        # A record from a result object, and one from get_or_create.
        """
from sqlalchemy import select

async def tip(session, jar_id, cents):
    result = await session.execute(select(TipJar).where(TipJar.id == jar_id))
    jar = result.scalar_one()
    jar.cents += cents  # expect: DB004
    await session.commit()

def count_signup(day):
    tally, _ = SignupTally.objects.get_or_create(day=day)
    tally.signups = tally.signups + 1  # expect: DB004
    tally.save()
""",
        # Redis GET then SET of the sum.
        """
import redis

counters = redis.Redis.from_url("redis://cache:6379/0")

def bump(page):
    hits = int(counters.get(f"hits:{page}") or 0)
    counters.set(f"hits:{page}", hits + 1)  # expect: DB004
""",
        # Claiming the ticket guards the ticket, not the pool the new value is written to.
        """
def redeem_ticket(conn, ticket_id):
    pool = conn.execute("SELECT points FROM pools WHERE id = 1").fetchone()
    left = pool[0] - 10
    cur = conn.execute("UPDATE tickets SET state = 'used' WHERE id = ? AND state = 'new'", (ticket_id,))
    if cur.rowcount == 0:
        return False
    conn.execute("UPDATE pools SET points = ? WHERE id = 1", (left,))  # expect: DB004
    conn.commit()
    return True
""",
        # A task queued from a request, once per event: runs for one account overlap.
        """
from celery import shared_task

@shared_task
def add_points(account_id, points):
    account = Account.query.get(account_id)
    account.points += points  # expect: DB004
    db.session.commit()

@app.post("/purchases")
def purchase():
    add_points.delay(current_user.id, 10)
    return "", 204
""",
        """
from sqlalchemy.orm import Session
from payouts.models import Seller

def credit_sale(session: Session, seller_id: int, amount_cents: int) -> None:
    seller = session.get(Seller, seller_id)
    seller.available_cents = seller.available_cents + amount_cents  # expect: DB004
""",
        # Rows kept in a dict by key, each picked by that key and written back.
        """
def place_order(db, wanted):
    blanks = {r["sku"]: r for r in db.execute("SELECT sku, stock FROM blanks WHERE sku IN (?, ?)", tuple(wanted))}
    for sku, qty in wanted.items():
        db.execute("UPDATE blanks SET stock = ? WHERE sku = ?", (blanks[sku]["stock"] - qty, sku))  # expect: DB004
    db.commit()
""",
        # The balance is a joined table's column, and that table is written back.
        """
def waive_fee(conn, bill_id):
    bill = conn.execute(
        "SELECT b.id, b.account_id, b.late_fee, a.balance FROM bills b JOIN accounts a ON a.id = b.account_id "
        "WHERE b.id = %s", (bill_id,)).fetchone()
    conn.execute("UPDATE accounts SET balance = %s WHERE id = %s",  # expect: DB004
                 (bill["balance"] - bill["late_fee"], bill["account_id"]))
""",
        # A helper handed the record and the session: its caller loaded the balance this spends. A counter object
        # handed in the same way is not a record.
        """
from sqlalchemy.orm import Session

from .models import Wallet
from .stats import TransferStats

def count(session: Session, stats: TransferStats) -> None:
    stats.transfers += 1  # ok: DB004
    session.commit()

def debit(db: Session, wallet: Wallet, amount: int) -> None:
    wallet.balance_cents -= amount  # expect: DB004
    db.commit()
""",
    )

    def skips_script(self) -> bool:
        # A script's update races with the live service writing the same rows (a billing run and payments); a
        # script over a SQLite file is the only writer of that file.
        return self.ctx.imports_module("sqlite3", "aiosqlite")

    def judge(self, node: cst.FunctionDef, scope: Scope) -> None:
        if not scope.of_type(cst.AugAssign) and not scope.of_type(cst.BinaryOperation):
            return
        found: dict[int, tuple[cst.CSTNode, str | None]] = {}
        for statement in scope.of_type(cst.AugAssign, cst.Assign):
            record = self._record_change(statement, scope)
            if record is not None:
                model = record.model
                if record.kind == "attr" and record.field:  # `listing = offer.listing`: a related record
                    model = record.field.title().replace("_", "")
                found.setdefault(self.line_of(statement), (statement, model))
        for call in scope.calls():
            model = self._computed_write(call, scope)
            if model is not False:
                found.setdefault(self.line_of(call), (call, model))
        if not found or self._fanned_out(node):
            return
        # Only now look at the whole function's text: it needs positions, which files with no candidate never pay for.
        if _WATCHED.search(scope.code(self)):
            return
        locked = self._row_locks(scope) if has_lock_or_atomic_update(scope, self) else set()
        if locked is None:
            return  # an atomic update, an advisory or named lock, a version check: it guards what it guards
        claimed = conditionally_updated(scope, self._rows)
        # One finding per record and save: `a.points += n; a.total += n; a.save()` is one race on one row.
        saved: set[tuple[int, str]] = set()
        for _line, (node_, model) in sorted(found.items()):
            if model is None and locked:
                continue
            if any(same_model(m, model) for m in locked):
                continue  # the row was read under `select_for_update()`/`FOR UPDATE`
            if any(c is None or model is None or same_model(c, model) for c in claimed):
                continue  # a compare-and-set on this table; a claim on another table does not guard this one
            end = node_ if isinstance(node_, cst.Call) else saving_call(node_, _changed_object(node_), scope, self.ctx)
            if end is not None and end is not node_:
                record = (id(end), _changed_object(node_) or "")
                if record in saved:
                    continue
                saved.add(record)
            self.report(node_, "This writes back a value computed from the row's old value with no lock or atomic "
                               "update: two concurrent requests both read the old value and one update is lost.",
                        end_node=end)

    def _row_locks(self, scope: Scope) -> set[str] | None:
        """The models or tables whose rows the function locks (`Reservation.objects.select_for_update()`,
        `SELECT ... FROM stock ... FOR UPDATE`); None when it guards in a way not tied to one of them (an atomic
        update, an advisory or named lock, a version check) or a lock whose table is not known."""
        matches = [m.group(0).lower() for m in _LOCKED.finditer(scope.code(self))]
        if any(not (m in ("select_for_update", "with_for_update") or m.startswith("for ")) for m in matches):
            return None
        models: set[str] = set()
        for call in scope.calls():
            name = method(call)
            if name in ("select_for_update", "with_for_update"):
                orm = orm_model(call, scope, self.ctx)
                if orm is None:
                    return None
                models.add(orm[1])
            elif name in ("execute", "fetch", "fetchrow", "fetchval", "fetchone", "fetch_one", "fetch_all", "fetch_val"):
                text = self._rows.sql(positional(call), scope)
                if text is not None and re.search(r"\bFOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE)\b", text[0], re.I):
                    table = self._rows.table(positional(call), scope)
                    if table is None:
                        return None
                    models.add(table)
        return models or None

    def _fanned_out(self, fn: cst.FunctionDef) -> bool:
        """A background task that this module dispatches once per row of a query (`for m in due: renew.delay(m.id)`),
        and from nowhere else in it: each run owns its record, so it is the single writer of that record. Two
        overlapping runs of the job dispatch duplicates, which is the idempotency checks' concern."""
        if self.ctx.class_stack or len(self.ctx.function_stack) != 1 or not any(
                _decorator_name(d) in _TASK_DECORATORS for d in fn.decorators):
            return False
        dispatched = False
        for other in self._rows.functions.values():
            if other is fn:
                continue
            scope = scope_of(other, self._module_scope)
            for call in scope.calls():
                func = call.func
                if not (method(call) in _DISPATCH and isinstance(func, cst.Attribute)
                        and isinstance(func.value, cst.Name) and func.value.value == fn.name.value):
                    continue
                if self.ctx.is_handler(other):
                    return False
                loop = scope.innermost_loop(call)
                rows = self._rows.origin(loop.iter, loop, scope) if isinstance(loop, cst.For) else None
                if rows is None or rows.kind != "rows":
                    return False
                dispatched = True
        return dispatched

    # --- records: obj.field -= n; obj.save() / commit() -------------------------------------------
    def _record_change(self, statement: cst.AugAssign | cst.Assign, scope: Scope) -> Origin | None:
        if isinstance(statement, cst.AugAssign):
            pairs = [(statement.target, None)]
        else:
            pairs = [(t.target, statement.value) for t in statement.targets]
            # `flight.seats, flight.load_kg = flight.seats + n, flight.load_kg + kg`: each target with its value.
            pairs += [(t, v.value) for target, value in list(pairs)
                      if isinstance(target, cst.Tuple) and isinstance(value, cst.Tuple)
                      and len(target.elements) == len(value.elements)
                      for t, v in zip((e.value for e in target.elements), value.elements)]
        for target, value in pairs:
            if not isinstance(target, cst.Attribute):
                continue
            record = self._rows.origin(target.value, statement, scope)
            if record is None or not record.is_record or record.locked or record.source != "orm":
                continue
            same_field = functools.partial(_old_value_of, record, target, scope)
            if value is not None and self._from_old(value, statement, scope, same_field) is None:
                continue
            if (is_saved(statement, attribute_path(target.value), scope, self.ctx)
                    or self._flushed_by_caller(target.value, statement, scope)):
                return record
        return None

    def _flushed_by_caller(self, obj: cst.BaseExpression, at: cst.CSTNode, scope: Scope) -> bool:
        """`seller = session.get(Seller, id); seller.cents = seller.cents + n` with `session` handed in: SQLAlchemy's
        unit of work writes the change when the caller commits (a Django object would need `save()`)."""
        if not isinstance(obj, cst.Name) or not self.ctx.imports_module("sqlalchemy", "flask_sqlalchemy", "sqlmodel") \
                or self.ctx.imports_module("django"):
            return False
        binding = scope.binding(obj.value, at)
        if binding is None or binding.unpacked:
            return False
        root = chain_root(binding.value)
        return isinstance(root, cst.Name) and root.value in scope.params and bool(_SESSION_PARAM.fullmatch(root.value))

    def _from_old(self, value: cst.BaseExpression, at: cst.CSTNode, scope: Scope,
                  matches: Callable[[Origin, cst.CSTNode], bool], depth: int = 0) -> cst.CSTNode | None:
        """The statement or expression where `value` is computed by arithmetic on an old value read from the
        database (`balance - amount`, `row[0] + 1`, or a name assigned such a sum above)."""
        if value not in scope.index:
            return None
        for node in scope.within(value):
            if is_arithmetic(node) and any(self._is_old(n, at, scope, matches) for n in (node.left, node.right)):
                return value
        if isinstance(value, cst.Name) and depth < 2:
            binding = scope.binding(value.value, at)
            if binding is None or binding.unpacked or binding.at not in scope.index:
                return None
            for change in scope.of_type(cst.AugAssign):  # `total = row[0]; total -= qty`
                if (isinstance(change.target, cst.Name) and change.target.value == value.value
                        and binding.index < scope.index[change] < scope.index[at]
                        and self._is_old(binding.value, change, scope, matches)):
                    return change
            if self._from_old(binding.value, binding.at, scope, matches, depth + 1) is not None:
                return binding.at
        return None

    def _is_old(self, node: cst.BaseExpression, at: cst.CSTNode, scope: Scope,
                matches: Callable[[Origin, cst.CSTNode], bool]) -> bool:
        """An operand that is a value read from the database (through names, conversions and helpers)."""
        for operand in _operands(node):
            found = self._rows.origin(operand, at, scope)
            if found is not None and found.is_value and not found.locked and matches(found, operand):
                return True
        return False

    # --- values: UPDATE t SET x = %s with (old - n); .update(x=old - n); redis.set(k, old + n) -----------
    def _computed_write(self, call: cst.Call, scope: Scope) -> str | None | bool:
        """The model or table (None when unknown) a write stores a value computed from its old value in, or
        False. The write itself is what is reported: that is where the lost update happens and where the fix
        (an atomic `SET x = x - %s`) goes, even when the new value was computed a few lines above."""
        name = method(call)
        if name in ("execute", "executemany"):
            return self._sql_update(call, scope)
        if name in ("update", "values") and call.args:
            return self._orm_update(call, scope)
        if name in _REDIS_WRITES and len(call.args) >= 2 and is_redis(receiver(call), scope, self):
            key = node_code(call.args[0].value)
            if name == "hset" and len(call.args) >= 3:
                key, value = key + "|" + node_code(call.args[1].value), call.args[2].value
            else:
                value = call.args[-1].value if name in ("setex", "psetex") else call.args[1].value
            if any(arg.keyword is not None and arg.keyword.value in ("nx", "xx") for arg in call.args):
                return False
            hit = self._from_old(value, call, scope, lambda o, _n: o.source == "redis" and o.field == key)
            return "redis" if hit is not None else False
        return False

    def _sql_update(self, call: cst.Call, scope: Scope) -> str | None | bool:
        sql = positional(call)
        verb = self._rows.sql_verb(sql, scope)
        text = self._rows.sql(sql, scope)
        if verb == "INSERT" and text is not None:
            # `INSERT ... ON CONFLICT (...) DO UPDATE SET used = EXCLUDED.used`: the upsert overwrites the column
            # with the value the caller computed, as an UPDATE would.
            overwritten = _upsert_overwrites(text[0])
            if not overwritten:
                return False
            assigned = overwritten
        elif verb != "UPDATE":
            return False
        else:
            assigned = update_columns(text[0])[0] if text is not None else set()
        table = self._rows.table(sql, scope)

        def matches(origin: Origin, _node: cst.CSTNode) -> bool:
            if origin.source == "redis" or (origin.field is not None and assigned and origin.field not in assigned):
                return False  # a price read from one column and written to another is not a read-modify-write
            return origin.model is None or table is None or same_model(origin.model, table)
        for param in (arg.value for arg in call.args[1:]):
            for element in _elements(param):
                if self._from_old(element, call, scope, matches) is not None:
                    return table
        return False

    def _orm_update(self, call: cst.Call, scope: Scope) -> str | None | bool:
        """`Model.objects.filter(pk=pk).update(stock=product.stock - qty)`, `update(Model).values(...)`."""
        orm = orm_model(call, scope, self.ctx)
        if method(call) == "update" and orm is None:
            return False
        if method(call) == "values" and not any(
                method(inner) == "update" for inner in scope.calls_within(call) if inner is not call):
            return False
        for arg in call.args:
            pairs = [(arg.keyword.value, arg.value)] if arg.keyword is not None else [
                (str(el.key.evaluated_value), el.value) for el in getattr(arg.value, "elements", ())
                if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString)]
            for field, value in pairs:
                if self._from_old(value, call, scope, functools.partial(_same_column, field)) is not None:
                    return orm[1] if orm is not None else None
        return False


_REDIS_WRITES = frozenset({"set", "hset", "setex", "psetex", "getset"})
# Decorators that make a function a background task, and the calls that queue one run of it.
_TASK_DECORATORS = frozenset({"task", "shared_task", "actor", "job", "periodic_task", "db_task", "db_periodic_task"})
_DISPATCH = frozenset({"delay", "apply_async", "send", "send_with_options", "s", "si", "signature"})


def _decorator_name(decorator: cst.Decorator) -> str:
    """`@shared_task(bind=True)` -> "shared_task", `@app.task` -> "task"."""
    expr = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
    return (attribute_path(expr) or "").rsplit(".", 1)[-1]
_WATCHED = re.compile(r"\.watch\(|\bWATCH\b")


def _same_column(field: str, found: Origin, _node: cst.CSTNode) -> bool:
    return found.field == field and found.source != "redis"


def _old_value_of(record: Origin, target: cst.Attribute, scope: Scope, found: Origin, node: cst.CSTNode) -> bool:
    """Whether a value read from the database (`found`, at `node`) is the old value of `record.field`."""
    if found.field != target.attr.value:
        return False
    if _path_of(node, scope) == attribute_path(target):
        return True
    if found.kind == "value" and (found.model is None or record.model is None):
        return True
    return record.model is not None and same_model(found.model, record.model)


def _path_of(node: cst.CSTNode, scope: Scope) -> str | None:
    """`acct.balance`, or the attribute a local name was read from (`old = acct.balance`)."""
    if isinstance(node, cst.Name):
        binding = scope.binding(node.value, node)
        if binding is not None and not binding.unpacked and isinstance(binding.value, cst.Attribute):
            return attribute_path(binding.value)
    return attribute_path(node) if isinstance(node, cst.Attribute) else None


def _operands(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The values an arithmetic operand is made of: `int(row[0])`, `(a or 0)`, `a - b` -> the leaves."""
    node = unwrap(node)
    if is_arithmetic(node):
        return _operands(node.left) + _operands(node.right)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in ("max", "min") :
        return [leaf for arg in node.args for leaf in _operands(arg.value)]
    return [node]


def _elements(param: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(param, (cst.Tuple, cst.List)):
        return [el.value for el in param.elements]
    if isinstance(param, cst.Dict):
        return [el.value for el in param.elements if isinstance(el, cst.DictElement)]
    return [param]


def _changed_object(change: cst.CSTNode) -> str | None:
    """`member` for `member.balance += 5`: the record an attribute change belongs to."""
    targets = [change.target] if isinstance(change, cst.AugAssign) else [
        t.target for t in change.targets] if isinstance(change, cst.Assign) else []
    return next((attribute_path(t.value) for t in targets if isinstance(t, cst.Attribute)), None)
