"""DB001: a query run once per row of another query's result (N+1), directly or through a helper."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from reviewer.checks._base import PythonCheck, attribute_path, is_name, is_none, keyword
from reviewer.checks._data import (
    COMPREHENSIONS,
    ROW_LOADS,
    Scope,
    bound_here,
    chain_methods,
    chain_root,
    db_write,
    is_camel,
    is_chain_link,
    is_dbish,
    is_query_call,
    is_query_result,
    is_remote_call,
    method,
    not_production_code,
    orm_model,
    positional,
    receiver,
    scope_of,
    sql_text,
    tokens,
    unwrap,
)
from reviewer.checks._models import declared_relations

# A helper wrapped in one of these answers repeated calls from memory, not from the database.
_MEMOIZED = frozenset({"lru_cache", "cache", "cached", "memoize", "memoized", "cached_property"})
# Methods of a Django related manager (`order.items.all()`) that run a query; the first group is answered
# from the cache that `prefetch_related` fills, the second always queries.
_RELATED_CACHED = frozenset({"all", "count", "exists", "first", "last"})
_RELATED_QUERY = frozenset({"filter", "exclude", "get", "aggregate", "values", "values_list", "order_by", "annotate"})
# A queryset ending in one of these is lazy: handed to another function, it is not run here.
_LAZY = frozenset({"all", "filter", "exclude", "order_by", "select_related", "prefetch_related", "only", "defer",
                   "values", "values_list", "annotate", "distinct", "using"})
# Handing a lazy queryset to these runs it right away.
_EVALUATORS = frozenset({"list", "tuple", "len", "set", "sorted", "sum", "any", "bool", "dict", "iter", "next",
                         "enumerate", "JsonResponse"})
_EAGER = frozenset({"prefetch_related", "select_related", "joinedload", "selectinload", "subqueryload", "contains_eager",
                    "immediateload", "options"})
# Rows of an uploaded or imported file: as many as the file has lines.
_FILE_READERS = frozenset({"csv.reader", "csv.DictReader"})
# A loop variable named like this is a batch of rows: one query per batch is the fix for N+1, not an instance.
_BATCH_WORDS = frozenset({"chunk", "chunks", "batch", "batches", "page", "pages", "bulk"})
# A generator calling these waits for messages: a consumer, not a finite list of records.
_CONSUMER_METHODS = frozenset({"poll", "listen", "consume", "subscribe", "receive", "receive_messages", "get_message",
                               "recv", "watch", "blpop", "brpop", "xread", "xreadgroup", "basic_get", "pull"})
_CONSUMER_WORDS = frozenset({"consumer", "queue", "subscription", "subscriber", "pubsub", "listener", "inbox",
                             "socket", "websocket", "ws", "channel"})
# The database's own catalog: bounded by the number of tables, not by the data.
_CATALOG = re.compile(r"INFORMATION_SCHEMA|PG_CATALOG|PG_TABLES|PG_CLASS|PG_NAMESPACE|SQLITE_MASTER|SQLITE_SCHEMA"
                      r"|\bSHOW\s+(TABLES|COLUMNS|DATABASES)\b|\bSYS\.(TABLES|COLUMNS|OBJECTS)\b")
_IN_SQL = re.compile(r"\bIN\s*(\(|%|:|\?|\$)|=\s*ANY\s*\(")

Key = tuple[str, str]  # (class name or "", function name)


class QueryInLoop(PythonCheck):
    """A database query inside a loop over rows from another query or a growing input (N+1), also through a helper.

    ## What it does
    Finds loops (`for` statements and comprehensions) over records that grow with the data and reports each
    read query inside the loop body. Such records are: a query result (`Order.objects.filter(...)` or a slice
    of it, `Order.query.all()`, `session.scalars(select(...))`, `cur.fetchall()`, a cursor), a list built from
    one (`ids = [r[0] for r in cur.fetchall()]`), a page of one from Django's `Paginator` (`page.object_list`),
    the rows of a `csv` reader, and the result of a function in
    the same file that returns query rows or is a generator yielding from a loop (the pages of an API); a nested
    function (a streaming response's `def generate():`) loops over the rows of the function around it.
    Reads are `cursor.execute`, `session.query/get/scalars/execute`, `Model.objects.*`, `Model.query.*`,
    related-manager calls on the row (`order.items.filter(...)`, also through one relation:
    `child.family.guardians.filter(...)`; `order.items.all()` only when the rows were loaded without
    `prefetch_related`; rows that are themselves a related manager's query on a record the function loaded,
    `classroom.children.filter(...)`, count as Django rows), and calls to functions and methods
    (`self.helper()`) of the same file
    whose result the loop uses and that query: directly, through other helpers, or through a related manager
    of the row handed to them (`summary(order)` calling `order.events.order_by(...).first()`).
    A Django relation read on the row (`order.listing`) is reported when the queryset's own lookups show that
    name is a relation (`filter(listing__seller=user)`, `order_by("listing__price")`) and the queryset uses no
    `select_related`/`prefetch_related`: each access loads the related record in its own query. So is one read
    by a function of the same file the row is handed to (`_stop_for(booking)` reading `booking.customer`),
    reported at the call, unless the read sits under an `if` on a flag the call leaves off (`with_history=False`)
    or the rows' name is bound more than once (which query's eager loading applies is then not known).
    A function of another module that is handed this function's connection or session and the row or a value
    read from it (`db.fetch_carrier(conn, row["carrier_id"])`, `balances.in_flight_total(session, seller.id)`),
    or is named for reading (`get_customer(session, ...)`), and whose result is used, counts as a query.
    A call to a same-file helper is reported where the loop calls it, with the helper's query as a related line
    (SARIF `relatedLocations`): both are where the N+1 is. The loop's own line is a related line of every
    finding: the loop is what repeats the query.

    ## Why is this bad?
    One query per row turns a page of 50 orders into 51 round trips; with 10,000 rows the request or the
    job takes seconds to minutes and the database does thousands of small queries that one join,
    `select_related` / `prefetch_related` / `joinedload` / `selectinload`, a single `WHERE id IN (...)` query
    loaded before the loop, or one set-based `UPDATE` would answer. It is fast in development with ten rows
    and slow in production.

    ## Known limits
    Lazy loading by plain attribute access is seen only for relations the queryset's lookups name, whose
    name is a model the file imports from a models module (`reservation.room` with `Room` imported), that
    the models module the file imports declares (`member = models.ForeignKey(...)`, `lines =
    relationship(...)`, a `related_name=`/`backref=`; read from its text in the working tree, a package
    `models/` whole, and a relationship declared `lazy="selectin"`/`"joined"` left out), or that are read two
    attributes deep (`loan.member.user.email`, also `user = loan.member.user` then `user.email`), and only when
    the query does not load them
    (`select_related("member")`, `selectinload(Loan.member)`; a `select_related()` without names loads all).
    Models imported from a module not named `models` are not read. A loop over a function parameter is known to
    grow only when every call to that function in the file passes query rows for it (`_cards(products)` with
    `products = Product.query...all()`); a loop over an attribute (`self.rows`) is not. Helpers are followed only within the file, by name; a helper with its own cache (other
    than `lru_cache`-style decorators) is still reported. To stay precise it skips: a query given the loop
    variable whole (`Model.id.in_(chunk)`, `id__in=chunk`, `= ANY(%s)`) and generator loops whose variable
    is named as a batch (`chunk`, `batch`, `page`), or a call handed a list the loop fills under a test of its
    size (`if len(batch) >= 500: _apply(batch)`), since one query per batch is the fix; rows of the
    database catalog (`information_schema`, `sqlite_master`); generators that wait for messages
    (`while True:`, a queue or consumer), where each message is its own unit of work; helpers called only for
    their effect (`expire(order)` as a statement, or `if settle(driver):` using only whether it succeeded);
    per-row writes (`UPDATE`/`DELETE`/`INSERT`, also one read back with `RETURNING`, also SQLAlchemy Core's
    `update(Model)` or `Model.__table__.update()`,
    `row.save()`, the upserts `get_or_create`/`update_or_create`:
    on four held-out batches written by others, all four per-row `UPDATE`/`DELETE` reports of an earlier
    version were false alarms to their writers, and three of four per-row upserts); a lazy Django queryset handed to
    another function; a deliberate per-row `select_for_update()` re-fetch, and the reads after it in that
    iteration (the locked item's own unit of work); tests and migrations.
    """

    id = "DB001"
    VALID = (
        # An upsert per aggregated row, its statement built under a name first: a write, not a read.
        """
from sqlalchemy.dialects.postgresql import insert

def roll_up(db, start, end):
    rows = db.execute(select(Reading.room_id, func.count().label("n")).group_by(Reading.room_id)).all()
    for row in rows:
        stmt = insert(Rollup).values(room_id=row.room_id, bucket_start=start, samples=row.n)
        db.execute(stmt.on_conflict_do_update(index_elements=["room_id", "bucket_start"],  # ok: DB001
                                              set_={"samples": stmt.excluded.samples}))
""",
        # The per-row statement is an UPDATE built from the mapped class's Table: a write, not a read.
        """
def release_seats(bookings):
    for booking in Booking.query.filter_by(status="cancelled").limit(200).all():
        db.session.execute(  # ok: DB001
            Flight.__table__.update().where(Flight.id == booking.flight_id).values(
                seats_booked=Flight.seats_booked - booking.seats))
    db.session.commit()
""",
        # Each account is locked and settled in its own transaction: its reads belong to that locked unit of work.
        """
from django.db import transaction
from django.db.models import Sum

def expire_credit(now):
    account_ids = list(Entry.objects.filter(expires_at__lt=now).values_list("account_id", flat=True).distinct()[:500])
    for account_id in account_ids:
        with transaction.atomic():
            account = Account.objects.select_for_update().get(pk=account_id)
            old = Entry.objects.filter(account=account, expires_at__lt=now)  # ok: DB001
            due = old.aggregate(total=Sum("amount"))["total"] or 0
            old.update(expired=True)
            account.balance -= min(account.balance, due)
            account.save(update_fields=["balance"])
""",
        # A per-row upsert is a write, like `save()`: one statement per row is how the job records each row.
        """
from celery import shared_task
from .models import Fine, Loan

@shared_task
def accrue_fines():
    overdue = Loan.objects.filter(returned_at__isnull=True).order_by("pk")
    for loan in overdue.iterator(chunk_size=500):
        fine, created = Fine.objects.get_or_create(loan=loan, defaults={"amount_cents": 10})  # ok: DB001
""",
        # The rows load the relation the helper reads; another helper reads one only when asked to.
        """
from django.http import JsonResponse
from scheduling.models import Booking, Patient

def _stop_for(booking):
    return {"id": booking.pk, "email": booking.customer.user.email}

def _patient_json(patient, with_ward=False):
    data = {"mrn": patient.mrn}
    if with_ward:
        data["ward"] = patient.ward.code
    return data

def my_day(request):
    bookings = Booking.objects.filter(slot__technician=request.user.technician).select_related("customer")
    return JsonResponse({"stops": [_stop_for(b) for b in bookings]})  # ok: DB001

def search(request):
    patients = Patient.objects.filter(ward__code=request.GET["ward"])[:25]
    return JsonResponse({"results": [_patient_json(p) for p in patients]})  # ok: DB001

def lookup(request):
    if request.user.is_staff:
        bookings = Booking.objects.filter(code__startswith=request.GET["q"]).select_related("customer__user")
    else:
        bookings = Booking.objects.none()
    return JsonResponse({"results": [_stop_for(b) for b in bookings[:20]]})  # ok: DB001
""",
        """
import stripe
from .models import Member

def ensure_customer(member):
    if member.stripe_customer_id:
        return member.stripe_customer_id
    customer = stripe.Customer.create(email=member.email, idempotency_key=f"member-{member.pk}")
    Member.objects.filter(pk=member.pk).update(stripe_customer_id=customer.id)
    return customer.id

def sync_customers():
    for member in Member.objects.filter(is_active=True).iterator(chunk_size=500):
        if ensure_customer(member) is None:  # ok: DB001
            continue
""",
        """
from django.core.mail import send_mail
from .models import Loan

def remind(now):
    overdue = Loan.objects.filter(returned_at__isnull=True).select_related("book", "member__user")
    for loan in overdue.iterator(chunk_size=500):
        send_mail(f"Overdue: {loan.book.title}", "...", None, [loan.member.user.email])  # ok: DB001
""",
        """
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from .models import Reservation, Room

def mark_no_shows(session, cur):
    overdue = session.scalars(
        select(Reservation).options(selectinload(Reservation.room)).where(Reservation.status == "confirmed")
    ).all()
    for reservation in overdue:
        hotel = reservation.room.hotel  # ok: DB001
        reservation.status = "no_show" if hotel.strict else "late"
    cur.execute("SELECT id, room FROM reservations")
    for row in cur.fetchall():
        print(row.room)  # ok: DB001
""",
        """
from django.http import JsonResponse

def order_list(request):
    orders = Order.objects.filter(user=request.user).select_related("customer").prefetch_related("items")[:50]
    data = []
    for order in orders:
        data.append({
            "id": order.id,
            "customer": order.customer.name,
            "items": [item.sku for item in order.items.all()],  # ok: DB001
        })
    return JsonResponse({"orders": data})
""",
        """
from django.http import JsonResponse

def seller_sales(request):
    orders = Order.objects.filter(listing__seller=request.user).select_related("listing")[:100]
    return JsonResponse({"sales": [
        {"id": order.id, "section": order.listing.section, "at": order.created_at.isoformat()}  # ok: DB001
        for order in orders
    ]})
""",
        """
from sqlalchemy import select
from sqlalchemy.orm import selectinload

def order_report(session):
    orders = session.scalars(select(Order).options(selectinload(Order.lines))).all()
    customer_ids = {o.customer_id for o in orders}
    customers = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))}  # ok: DB001
    return [(o.id, customers[o.customer_id].name, len(o.lines)) for o in orders]
""",
        """
def export_users(conn, writer):
    cur = conn.cursor()
    cur.execute("SELECT id, email FROM users ORDER BY id")
    for user_id, email in cur.fetchall():
        writer.writerow([user_id, email.lower()])  # ok: DB001
""",
        """
def notify_admins(session, admin_ids):
    for admin_id in admin_ids:
        admin = session.get(Admin, admin_id)  # ok: DB001
        admin.notify("daily report ready")
""",
        """
def batches(ids, size=500):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]

def archive(session, ids):
    for chunk in batches(ids):
        session.query(Ticket).filter(Ticket.id.in_(chunk)).update({"archived": True})  # ok: DB001
""",
        """
def table_sizes(cur):
    cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
    sizes = {}
    for (name,) in cur.fetchall():
        cur.execute("SELECT pg_total_relation_size(%s)", (name,))  # ok: DB001
        sizes[name] = cur.fetchone()[0]
    return sizes
""",
        """
def close_stale(conn):
    stale = conn.execute("SELECT id FROM carts WHERE touched_at < date('now', '-30 day')").fetchall()
    conn.executemany("UPDATE carts SET closed = 1 WHERE id = ?", stale)  # ok: DB001
    conn.commit()
""",
        """
def jobs(broker):
    while True:
        yield broker.get()

def work(session, broker):
    for job in jobs(broker):
        account = session.get(Account, job["account_id"])  # ok: DB001
        account.refresh()
""",
        """
import csv

def import_prices(session, fh):
    rows = list(csv.DictReader(fh))
    wanted = {row["sku"] for row in rows}
    products = {p.sku: p for p in session.scalars(select(Product).where(Product.sku.in_(wanted)))}  # ok: DB001
    for row in rows:
        products[row["sku"]].price = row["price"]
""",
        # Each row is delivered first; the UPDATE records that this one went out.
        """
import httpx

def push_webhooks(conn):
    pending = conn.execute("SELECT id, url, body FROM webhook_queue WHERE delivered = 0 LIMIT 100").fetchall()
    for hook_id, url, body in pending:
        try:
            httpx.post(url, content=body, timeout=5).raise_for_status()
        except httpx.HTTPError:
            continue
        conn.execute("UPDATE webhook_queue SET delivered = 1 WHERE id = ?", (hook_id,))  # ok: DB001
        conn.commit()
""",
        # Each driver settled in its own transaction: the loop counts successes, it reads nothing per row.
        """
def settle_driver(conn, driver_id):
    with conn.transaction():
        row = conn.execute("SELECT balance FROM balances WHERE driver_id = %s FOR UPDATE", (driver_id,)).fetchone()
        if row is None or row[0] <= 0:
            return False
        conn.execute("INSERT INTO payouts (driver_id, amount) VALUES (%s, %s)", (driver_id, row[0]))
        return True

def settle_all(conn):
    sent = 0
    for (driver_id,) in conn.execute("SELECT driver_id FROM balances WHERE balance > 0").fetchall():
        if settle_driver(conn, driver_id):  # ok: DB001
            sent += 1
    return sent
""",
        # One query per page of an API, for every number on the page at once.
        """
def catalogue_pages(session):
    cursor = None
    while True:
        page = session.get(CATALOGUE_URL, params={"cursor": cursor}, timeout=10).json()
        yield page["items"]
        cursor = page.get("next")
        if not cursor:
            return

def sync_catalogue(session):
    for items in catalogue_pages(session):
        numbers = [item["number"] for item in items]
        known = {p.number: p for p in Product.objects.filter(number__in=numbers)}  # ok: DB001
        Product.objects.bulk_create([Product(number=i["number"]) for i in items if i["number"] not in known])
""",
        # The helper queries once per batch the loop fills, under a test of the batch's size.
        """
import csv

def _upsert_prices(rows):
    known = {p.sku: p for p in Product.objects.filter(sku__in=[r["sku"] for r in rows])}
    for row in rows:
        known[row["sku"]].price = row["price"]
    Product.objects.bulk_update(known.values(), ["price"])
    return len(known)

def import_prices(path):
    updated, batch = 0, []
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            batch.append(row)
            if len(batch) >= 500:
                updated += _upsert_prices(batch)  # ok: DB001
                batch = []
    return updated + (_upsert_prices(batch) if batch else 0)
""",
        # Each reminder is claimed by its own conditional UPDATE, read back with RETURNING: a per-row write.
        """
def send_stage_reminders(batch_size=100):
    with worker_connection() as conn:
        due = conn.execute("SELECT id, email FROM stage_payments WHERE reminder_sent_at IS NULL ORDER BY id LIMIT %s",
                           (batch_size,)).fetchall()
    for row in due:
        with worker_connection() as conn:
            claimed = conn.execute(
                "UPDATE stage_payments SET reminder_sent_at = now() WHERE id = %s AND reminder_sent_at IS NULL "
                "RETURNING id", (row["id"],)).fetchone()  # ok: DB001
        if claimed is None:
            continue
        send_reminder(row["email"])
""",
    )
    INVALID = (
        # A streaming export: the generator closes over the rows of the handler around it.
        """
from flask import Response
from sqlalchemy import select

def _latest_test(property_id):
    return db.session.execute(select(SmokeTest).where(SmokeTest.property_id == property_id).limit(1)).scalar()

@bp.get("/smoke-tests.csv")
def export():
    props = db.session.execute(select(Property).order_by(Property.postcode)).scalars().all()

    def generate():
        for prop in props:
            yield f"{prop.postcode},{_latest_test(prop.id)}\\n"  # expect: DB001
    return Response(generate(), mimetype="text/csv")
""",
        # The children of a classroom the view loaded, and for each one a query through its family; prefetched,
        # `.all()` is answered from memory.
        """
from django.shortcuts import get_object_or_404, render

def classroom_roster(request, classroom_id):
    classroom = get_object_or_404(Classroom, pk=classroom_id)
    children = classroom.children.filter(active=True).order_by("last_name")
    rows = []
    for child in children:
        pickups = [g.full_name for g in child.family.guardians.filter(is_authorized_pickup=True)]  # expect: DB001
        rows.append({"child": child, "pickups": pickups})
    return render(request, "roster.html", {"rows": rows})

def classroom_contacts(request, classroom_id):
    classroom = get_object_or_404(Classroom, pk=classroom_id)
    children = classroom.children.prefetch_related("family__guardians")
    return render(request, "contacts.html", {
        "rows": [[g.phone for g in child.family.guardians.all()] for child in children],  # ok: DB001
    })
""",
        # The helper reads the booking's customer: one query per booking, one call away from the loop.
        """
from django.http import JsonResponse
from scheduling.models import Booking

def _stop_for(booking):
    return {"id": booking.pk, "email": booking.customer.user.email}

def my_day(request):
    bookings = Booking.objects.filter(slot__technician=request.user.technician).order_by("slot__starts_at")
    return JsonResponse({"stops": [_stop_for(b) for b in bookings]})  # expect: DB001
""",
        # One page of a queryset from Django's Paginator, and a relation two deep read through a local name.
        """
from django.core.paginator import Paginator
from django.shortcuts import render

def _teacher_card(teacher_id):
    return Teacher.objects.filter(pk=teacher_id).values("name", "photo").first()

def catalogue(request):
    qs = Course.objects.filter(published=True).order_by("title")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    results = [{"course": c, "teacher": _teacher_card(c.teacher_id)} for c in page.object_list]  # expect: DB001
    return render(request, "courses/search.html", {"results": results})

def waitlist(request, site_id):
    entries = WaitlistEntry.objects.filter(site_id=site_id).order_by("position")
    paginator = Paginator(entries, 50)
    rows = []
    for entry in paginator.page(request.GET.get("page", 1)).object_list:
        user = entry.member.user  # expect: DB001
        rows.append(user.email)
    return render(request, "waitlist.html", {"rows": rows})
""",
        # The rows are handed to a helper that loops over its parameter; each card queries again.
        """
from flask import Blueprint, render_template
from shop.models import Product, ShippingSlot

bp = Blueprint("catalog", __name__)

def _availability(product):
    slot = ShippingSlot.query.filter_by(product_id=product.id).first()
    return "Waitlist" if slot is None else f"Ships {slot.ship_date}"

def _cards(products):
    return [{"sku": p.sku, "availability": _availability(p)} for p in products]  # expect: DB001

@bp.route("/c/<category>")
def category_page(category):
    products = Product.query.filter_by(category=category).order_by(Product.name).limit(50).all()
    return render_template("category.html", cards=_cards(products))
""",
        # Rows read in a worker thread are still query results; the helper queries once per row.
        """
import asyncio

def _vendor_phone(db, vendor_id):
    row = db.fetch_one("SELECT phone FROM vendors WHERE id = %s", (vendor_id,))
    return row["phone"] if row else None

async def broadcast(db, market_id):
    renters = await asyncio.to_thread(db.fetch_all, "SELECT vendor_id FROM rentals WHERE market_id = %s", (market_id,))
    for renter in renters:
        phone = _vendor_phone(db, renter["vendor_id"])  # expect: DB001
""",
        """
from flask import jsonify
from .models import Pet, VaccinationRecord

def expiring(cutoff):
    query = VaccinationRecord.query.filter(VaccinationRecord.expires_on <= cutoff)
    records = query.order_by(VaccinationRecord.expires_on).limit(200).all()
    return jsonify([{"pet": record.pet.name} for record in records])  # expect: DB001

def expiring_loaded(cutoff):
    query = VaccinationRecord.query.options(selectinload(VaccinationRecord.pet))
    records = query.filter(VaccinationRecord.expires_on <= cutoff).limit(200).all()
    return jsonify([{"pet": record.pet.name} for record in records])  # ok: DB001
""",
        """
from rest_framework.decorators import api_view
from rest_framework.response import Response
from .models import Allocation, Member

@api_view(["GET"])
def pick_list(request):
    allocations = Allocation.objects.filter(quarter=request.GET["q"]).order_by("id")
    queryset = allocations
    if request.GET.get("wine"):
        queryset = queryset.filter(wine_id=request.GET["wine"])
    page = paginator.paginate_queryset(queryset, request)
    return Response([{"email": a.member.email} for a in page])  # expect: DB001
""",
        """
from django.core.mail import send_mail
from .models import Loan

def remind(now):
    overdue = Loan.objects.filter(returned_at__isnull=True).select_related("book")
    for loan in overdue.iterator(chunk_size=500):
        send_mail(f"Overdue: {loan.book.title}", "...", None, [loan.member.user.email])  # expect: DB001
""",
        """
from sqlalchemy import select
from .models import Reservation, Room

def mark_no_shows(session):
    overdue = session.scalars(select(Reservation).where(Reservation.status == "confirmed")).all()
    for reservation in overdue:
        hotel = reservation.room.hotel  # expect: DB001
        reservation.status = "no_show" if hotel.strict else "late"
    session.commit()
""",
        """
from django.http import JsonResponse

def seller_sales(request):
    orders = Order.objects.filter(listing__seller=request.user, status="paid").order_by("-created_at")[:100]
    sales = []
    for order in orders:
        listing = order.listing  # expect: DB001
        sales.append({"id": order.id, "section": listing.section, "created": order.created_at.isoformat()})
    return JsonResponse({"sales": sales})
""",
        """
from flask import jsonify
from app.models import Order, Customer

@app.get("/orders")
def order_list():
    orders = Order.query.order_by(Order.created_at.desc()).limit(50).all()
    result = []
    for order in orders:
        customer = Customer.query.get(order.customer_id)  # expect: DB001
        result.append({"id": order.id, "customer": customer.name})
    return jsonify(result)
""",
        """
def invoice_lines(conn, invoice_id):
    cur = conn.cursor()
    cur.execute("SELECT product_id, qty FROM invoice_lines WHERE invoice_id = %s", (invoice_id,))
    rows = cur.fetchall()
    lines = []
    for product_id, qty in rows:
        cur.execute("SELECT name, price FROM products WHERE id = %s", (product_id,))  # expect: DB001
        name, price = cur.fetchone()
        lines.append((name, qty, price * qty))
    return lines
""",
        """
from sqlalchemy import select

def load_customer(session, customer_id):
    return session.scalars(select(Customer).where(Customer.id == customer_id)).one()

def order_report(session):
    orders = session.scalars(select(Order)).all()
    return [(o.id, load_customer(session, o.customer_id).name) for o in orders]  # expect: DB001
""",
        """
from django.shortcuts import render

class Dashboard:
    def recent(self, request):
        projects = Project.objects.filter(owner=request.user)
        rows = [(p, p.tasks.count(), self.last_event(p)) for p in projects]  # expect: DB001
        return render(request, "dash.html", {"rows": rows})

    def last_event(self, project):
        return Event.objects.filter(project=project).order_by("-at").first()
""",
        """
import csv

def import_stock(session, fh):
    for row in csv.DictReader(fh):
        item = session.scalars(select(Item).where(Item.sku == row["sku"])).one_or_none()  # expect: DB001
        if item is not None:
            item.stock = int(row["stock"])
    session.commit()
""",
        """
import httpx

def remote_contacts(client):
    cursor = None
    while True:
        body = client.get("/contacts", params={"after": cursor}).json()
        yield from body["results"]
        cursor = body.get("next")
        if cursor is None:
            return

def sync_contacts(session, client):
    for contact in remote_contacts(client):
        known = session.query(Contact).filter_by(remote_id=contact["id"]).first()  # expect: DB001
        if known is None:
            session.add(Contact(remote_id=contact["id"], name=contact["name"]))
""",
        """
from django.http import JsonResponse

def _latest_comment(post):
    return post.comments.order_by("-created").first()

def feed(request):
    posts = Post.objects.filter(published=True).order_by("-published")[:20]
    return JsonResponse({"posts": [(p.title, _latest_comment(p)) for p in posts]})  # expect: DB001
""",
        """
def refresh_totals(cur):
    cur.execute("SELECT id FROM accounts WHERE active")
    account_ids = [row[0] for row in cur.fetchall()]
    totals = {}
    for account_id in account_ids:
        cur.execute("SELECT sum(amount) FROM entries WHERE account_id = %s", (account_id,))  # expect: DB001
        totals[account_id] = cur.fetchone()[0]
    return totals
""",
        """
from . import db

async def list_quotes(conn, customer_id):
    rows = await conn.fetch("SELECT id, carrier_id FROM quotes WHERE customer_id = $1 LIMIT 50", customer_id)
    items = []
    for row in rows:
        carrier = await db.fetch_carrier(conn, row["carrier_id"])  # expect: DB001
        items.append((row["id"], carrier))
    return items
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._module_scope: Scope | None = None
        self._models: frozenset[str] = frozenset()
        self._declared: frozenset[str] | None = None
        self._helpers: dict[Key, _Helper] = {}
        self._defined_here: frozenset[str] | None = None  # names of the functions this file defines
        self._deferred: list[tuple[cst.CSTNode, Scope, str, Key]] = []  # loops over a same-file helper's result
        self._pending: list[_Pending] = []  # calls to same-file helpers inside query loops
        self._reported: set[cst.Call] = set()
        self._reported_loops: set[cst.CSTNode] = set()
        # Loops over a parameter of a top-level function (`def _cards(products): for product in products:`), judged
        # once the whole file is read by what its callers here pass in; and every call to a same-file function.
        self._param_loops: list[tuple[cst.CSTNode, Scope, str, Key, int, str]] = []
        self._function_scopes: list[tuple[Scope, str]] = []  # every function's, for the calls made in it
        self._module_functions: dict[str, cst.FunctionDef] | None = None
        self._enclosing: list[Scope] = []  # the scopes of the functions being visited, outermost first

    def visit_Module(self, node: cst.Module) -> None:
        self._models = _model_names(node)
        self._module_scope = scope_of(node)
        self._judge(self._module_scope, "")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        # A nested function (a streaming response's `def generate(): for prop in props: ...`) reads the names of
        # the function around it: its scope is the outer one.
        scope = scope_of(node, self._enclosing[-1] if self._enclosing else self._module_scope)
        self._enclosing.append(scope)
        is_method = bool(self.ctx.class_stack) and len(self.ctx.function_stack) == 1
        in_class = self.ctx.class_stack[-1].name.value if is_method else ""
        if len(self.ctx.function_stack) == 1:
            self._helpers[(in_class, node.name.value)] = self._describe_helper(node, scope, in_class)
        self._function_scopes.append((scope, in_class))
        self._judge(scope, in_class)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._enclosing.pop()

    def _describe_helper(self, node: cst.FunctionDef, scope: Scope, in_class: str) -> _Helper:
        info = _Helper(scope=scope, in_class=in_class)
        params = [p.name.value for p in (*node.params.posonly_params, *node.params.params)]
        if in_class and params and params[0] in ("self", "cls"):
            params = params[1:]
        info.params = tuple(params)
        memoized = any((attribute_path(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator) or "")
                       .rsplit(".", 1)[-1] in _MEMOIZED for d in node.decorators)
        if memoized:  # repeated calls are answered from memory
            return info
        calls = scope.calls()
        info.query = next((c for c in calls if self._reads(c, scope) and not is_chain_link(c, scope)), None)
        info.queries = info.query is not None
        info.callees = {k for c in calls if (k := _callee(c, in_class))}
        for call in calls:
            found = _related_call(call, _RELATED_QUERY | _RELATED_CACHED)
            if found is not None and found[0] in params:
                info.related.setdefault(found[0], set()).add(found[1])
                info.related_calls.setdefault(found[0], call)
        return info

    def _returns_rows(self, scope: Scope, in_class: str) -> tuple[bool, set[Key]]:
        """Whether a function hands back many records: query rows it returns, or a generator that yields from a
        loop (pages of an API, lines of a file); and the same-file helpers whose results it returns."""
        rows, callees = False, set()
        consumer = any(method(c) in _CONSUMER_METHODS for c in scope.calls())
        for node in scope.of_type(cst.Return, cst.Yield):
            if isinstance(node, cst.Yield):
                loop = scope.innermost_loop(node)
                if loop is None:  # `yield from fetch_all()`, not `yield from items` handed in
                    rows = rows or (isinstance(node.value, cst.From) and isinstance(unwrap(node.value.item), cst.Call))
                # A consumer (`while True: yield queue.get()` for ever) hands over messages as they arrive:
                # one query per message is its unit of work, not an N+1.
                elif isinstance(loop, cst.While):
                    rows = rows or not (consumer or _endless(loop, scope))
                else:
                    # A loop over what the caller handed in (`for char in sql`), or over `range()`, that fetches
                    # nothing only reshapes it: a script split into statements, a list into batches.
                    iterable = unwrap(loop.iter)
                    reshapes = ((isinstance(iterable, cst.Name) and iterable.value in scope.params)
                                or (isinstance(iterable, cst.Call) and method(iterable) == "range")) and not any(
                        is_remote_call(c, scope, self.ctx) for c in scope.calls_within(loop.body))
                    rows = rows or not (consumer or reshapes or _consumer_name(loop.iter))
            elif node.value is not None:
                source = self._source(node.value, scope, in_class)
                if source in (_ROWS, _STREAM):
                    rows = True
                elif isinstance(source, tuple):
                    callees.add(source)
        return rows, callees

    def leave_Module(self, original_node: cst.Module) -> None:
        helpers = self._helpers
        for loop, scope, in_class, key in self._deferred:
            if self._streams(key, set()):
                self._judge_loop(loop, scope, in_class, _STREAM)
        if self._param_loops:
            calls_to = self._calls_to()
            for loop, scope, in_class, key, position, name in self._param_loops:
                if self._handed_rows(calls_to.get(key, []), position, name):
                    self._judge_loop(loop, scope, in_class, _ROWS)
        querying = _closure({k for k, h in helpers.items() if h.queries}, {k: h.callees for k, h in helpers.items()})
        for pending in self._pending:
            if pending.call in self._reported:
                continue
            helper = helpers.get(pending.key)
            if helper is None:
                continue
            if pending.key in querying:
                why, query = "runs a query", self._first_query(pending.key, set())
            elif pending.related and _passes_row_to_related(pending, helper):
                why, query = "queries a relation of the row", next(iter(helper.related_calls.values()), None)
            else:
                continue
            self._reported.add(pending.call)
            self._reported_loops.add(pending.loop)
            where = f" (line {self.line_of(query)})" if query is not None else ""
            self.report(pending.call, f"`{pending.key[1]}()` {why}{where} and is called once per row of "
                                      f"`{pending.loop_name}` (N+1): the number of queries grows with the number "
                                      "of rows.", related=[pending.loop, *([query] if query is not None else [])])

    def _calls_to(self) -> dict[Key, list[tuple[cst.Call, Scope, str]]]:
        """Every call to a same-file function, with the scope it is made in: worked out only for a file with a loop
        over a parameter."""
        found: dict[Key, list[tuple[cst.Call, Scope, str]]] = {}
        for scope, in_class in self._function_scopes:
            for call in scope.calls():
                key = _callee(call, in_class)
                if key is not None:
                    found.setdefault(key, []).append((call, scope, in_class))
        return found

    def _handed_rows(self, sites: list[tuple[cst.Call, Scope, str]], position: int, name: str) -> bool:
        """Every call to the function in this file (at least one) passes query rows for this parameter."""
        if not sites:
            return False
        for call, scope, in_class in sites:
            positional_args = [a for a in call.args if a.keyword is None and not a.star]
            given = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == name), None)
            if given is None and position < len(positional_args):
                given = positional_args[position].value
            if given is None or self._source(given, scope, in_class) != _ROWS:
                return False
        return True

    def _first_query(self, key: Key, seen: set[Key]) -> cst.Call | None:
        """The query a querying helper runs: its own, or the first one of the helpers it calls."""
        helper = self._helpers.get(key)
        if helper is None or key in seen:
            return None
        seen.add(key)
        if helper.query is not None:
            return helper.query
        return next((found for callee in sorted(helper.callees) if (found := self._first_query(callee, seen))), None)

    def _streams(self, key: Key, seen: set[Key]) -> bool:
        """Whether a same-file function hands back many records, itself or through the helpers it returns from;
        worked out only for functions some loop iterates over."""
        helper = self._helpers.get(key)
        if helper is None or key in seen:
            return False
        seen.add(key)
        if helper.streams is None:
            helper.streams, helper.stream_callees = self._returns_rows(helper.scope, helper.in_class)
        return helper.streams or any(self._streams(callee, seen) for callee in helper.stream_callees)

    def _judge(self, scope: Scope, in_class: str) -> None:
        if not_production_code(self.ctx):
            return
        for loop in scope.of_type(cst.For, *COMPREHENSIONS):
            header = loop if isinstance(loop, cst.For) else loop.for_in
            source = self._source(header.iter, scope, in_class)
            if source in (_ROWS, _STREAM):
                self._judge_loop(loop, scope, in_class, source)
            elif isinstance(source, tuple):
                self._deferred.append((loop, scope, in_class, source))
            elif (isinstance(header.iter, cst.Name) and header.iter.value in scope.params
                  and isinstance(scope.root, cst.FunctionDef) and len(self.ctx.function_stack) == 1):
                key = (in_class, scope.root.name.value)
                params = self._helpers[key].params  # described before its loops are judged
                if header.iter.value in params:
                    self._param_loops.append((loop, scope, in_class, key, params.index(header.iter.value),
                                              header.iter.value))

    def _judge_loop(self, loop: cst.CSTNode, scope: Scope, in_class: str, kind: str) -> None:
        header = loop if isinstance(loop, cst.For) else loop.for_in
        names = {n.value for n in scope.within(header.target) if isinstance(n, cst.Name)}
        if kind == _STREAM and any(_is_batch_name(name) for name in names):
            return  # one query per batch or page of a batched job is the fix, not the problem
        loop_name = _describe(header.iter)
        related = self._related_methods(header.iter, scope)
        calls = self._calls_in_loop(loop, scope)
        # Each item locked and then settled in its own transaction: the reads after the lock are that item's unit
        # of work, which one query for all items could not lock (reads before the lock are still per row).
        lock = next((call for call in calls if set(chain_methods(call)) & {"select_for_update", "with_for_update"}),
                    None)
        for call in calls:
            if lock is not None and scope.index[call] > scope.last[lock]:
                continue
            if call in self._reported:  # already reported for an inner loop
                self._reported_loops.add(loop)
                continue
            if _flushes_batch(call, loop, scope):
                continue  # `if len(batch) >= BATCH_SIZE: _apply_batch(batch)`: once per batch, not per row
            if not is_chain_link(call, scope) and (self._reads(call, scope) or _related_query(call, names, related)
                                                   or self._reads_through_imported_helper(call, scope, names)):
                if _handed_on_lazily(call, scope) or _batched(call, names, scope) or _is_row_name(
                        positional(call) or cst.Name("_"), names):
                    continue  # `for statement in script: cur.execute(statement)` runs a list of statements
                self._reported.add(call)
                self._reported_loops.add(loop)
                self.report(call, f"This query runs once per row of `{loop_name}` (N+1): the number of "
                                  "queries grows with the number of rows.", related=[loop])
            elif (key := _callee(call, in_class)) is not None and not isinstance(scope.parent.get(call), cst.Expr) \
                    and not _used_as_flag(call, scope):
                # A helper whose result the loop uses fetches data per row; one called for its effect
                # (`expire(order)`, `if settle(driver):` counting successes) processes each row, which is not an
                # N+1 read.
                self._pending.append(_Pending(call, key, loop_name, loop, frozenset(names), related))
        if loop not in self._reported_loops and kind == _ROWS:
            self._lazy_relation(loop, header, names, loop_name, scope)

    def _source(self, expr: cst.BaseExpression, scope: Scope, in_class: str, depth: int = 0) -> str | Key | None:
        """What a loop iterates: query rows, a stream of records (a CSV reader), a same-file helper's result
        (decided once the whole file is read), or something not known to grow with the data."""
        expr = unwrap(expr)
        if depth > 8:  # names bound to names bound to queries; a cycle ends here too
            return None
        if isinstance(expr, cst.Subscript):  # `Order.objects.filter(...)[:100]`: a slice of the rows
            if not all(isinstance(el.slice, cst.Slice) for el in expr.slice):
                return None
            return self._source(expr.value, scope, in_class, depth + 1)
        if isinstance(expr, COMPREHENSIONS):  # `[row[0] for row in cur.fetchall()]`: the same rows, projected
            return self._source(expr.for_in.iter, scope, in_class, depth + 1)
        paged = _paged_rows(expr, scope)
        if paged is not None:  # one page of a Django queryset: its rows
            return self._source(paged, scope, in_class, depth + 1)
        if isinstance(expr, cst.Call):
            if self.ctx.qualify(expr.func) in _FILE_READERS:
                return _STREAM
            if is_query_result(expr, scope, self.ctx):
                return None if _reads_catalog(expr, scope) else _ROWS
            if method(expr) in ("iterator", "all") and isinstance(receiver(expr), cst.Name):
                return self._source(receiver(expr), scope, in_class, depth + 1)  # `overdue.iterator(chunk_size=500)`
            if method(expr) == "paginate_queryset" and expr.args:  # DRF: one page of the queryset's rows
                return self._source(expr.args[0].value, scope, in_class, depth + 1)
            root = chain_root(expr)
            if isinstance(root, cst.Name) and root is not expr.func and method(expr) not in _NOT_ROWS:
                # `query = Record.query.filter(...)`, then `query.order_by(...).all()`: the rows of that query.
                value = bound_here(root, scope)
                if value is not None and (orm_model(unwrap(value), scope, self.ctx) is not None
                                          or self._source(value, scope, in_class, depth + 1) == _ROWS):
                    return _ROWS
            return _callee(expr, in_class)
        if isinstance(expr, cst.Name):
            binding = scope.binding(expr.value, expr)
            value = unwrap(binding.value) if binding is not None and not binding.unpacked else None
            if tokens(expr.value) & {"cursor", "cur"} or (isinstance(value, cst.Call) and method(value) == "cursor"):
                return None if _reads_catalog(expr, scope) else _ROWS  # `for row in cur` after `cur.execute(...)`
            return None if value is None else self._source(value, scope, in_class, depth + 1)
        return None

    def _children_of_loaded_record(self, call: cst.Call, scope: Scope) -> bool:
        """`classroom.children.filter(active=True)` with `classroom = get_object_or_404(Classroom, ...)`: a Django
        related manager's query on a record this function loaded, so Django rows."""
        found = _related_call(call, _RELATED_QUERY | {"all"})
        if found is None:
            return False
        binding = scope.binding(found[0], call)
        value = unwrap(binding.value) if binding is not None and not binding.unpacked else None
        if not isinstance(value, cst.Call):
            return False
        model = orm_model(value, scope, self.ctx)
        return ((self.ctx.qualify(value.func) or "").endswith("get_object_or_404")
                or (model is not None and model[0] == "django" and method(value) == "get"))

    def _reads(self, call: cst.Call, scope: Scope) -> bool:
        """A query that reads, and is not a deliberate per-row lock (`select_for_update().get(pk=...)`)."""
        if not is_query_call(call, scope, self.ctx):
            return False
        if db_write(call, scope, self.ctx) is not None:
            return False
        # `conn.execute("UPDATE ... RETURNING id").fetchone()`: the row a per-row write hands back, not a read.
        recv = receiver(call)
        if isinstance(recv, cst.Call) and method(recv) in ("execute", "exec") and db_write(
                recv, scope, self.ctx) is not None:
            return False
        return not set(chain_methods(call)) & {"select_for_update", "with_for_update"}

    def _reads_through_imported_helper(self, call: cst.Call, scope: Scope, names: set[str]) -> bool:
        """`carrier = await db.fetch_carrier(conn, row["carrier_id"])`: a function of another module handed this
        function's connection or session and the row (or a value read from it), its result used: a query per
        row. Unless it is named for reading, the row itself must be among its arguments."""
        name = method(call)
        if name is None or isinstance(scope.parent.get(call), cst.Expr):
            return False
        if not _READ_HELPER.match(name) and not any(
                isinstance(node, cst.Name) and node.value in names
                for arg in call.args for node in scope.within(arg.value)):
            return False
        parent = scope.parent.get(call)
        if isinstance(parent, cst.Await) and isinstance(scope.parent.get(parent), cst.Expr):
            return False
        if isinstance(call.func, cst.Name):
            if self._defined_here is None:  # read once per file, and only for files that get this far
                self._defined_here = frozenset(re.findall(r"^\s*(?:async\s+)?def (\w+)", self.ctx.text, re.M))
            if call.func.value in self._defined_here:
                return False  # a same-file helper is followed into its body instead
        elif isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Name):
            base = call.func.value.value
            if base in ("self", "cls") or base in scope.params or scope.binding(base, call) is not None:
                return False  # a method of an object: a repository or client, not a module's function
        else:
            return False
        return any(is_dbish(arg.value, scope, self.ctx) for arg in call.args if arg.keyword is None)

    @staticmethod
    def _calls_in_loop(loop: cst.CSTNode, scope: Scope) -> list[cst.Call]:
        if isinstance(loop, cst.For):
            return scope.calls_within(loop.body)
        outside = set(scope.calls_within(loop.for_in.iter))
        return [c for c in scope.calls_within(loop) if c not in outside]

    def _lazy_relation(self, loop: cst.CSTNode, header: cst.CSTNode, names: set[str], loop_name: str,
                       scope: Scope) -> None:
        """`for order in Order.objects.filter(listing__seller=user)`: `order.listing` loads each listing in its own
        query. A name is known to be a relation when the queryset's own lookups go through it (`listing__seller`),
        when it names, in snake case, a model this file imports from a models module or defines
        (`reservation.room` with `Room` imported), or when two more attributes are read through it
        (`loan.member.user.email`): on ORM rows (Django or SQLAlchemy) loaded without loading that relation
        eagerly, reading it runs one query per row."""
        if not names:
            return
        parts = self._query_parts(header.iter, scope)
        if parts is None:
            return
        source, eager = parts[0], set()
        for part in parts:
            loaded = _eager_relations(part, scope)
            if loaded is None:
                return  # `select_related()` with no names, or eager loading we cannot read: take it as loading all
            eager |= loaded
        relations = _lookup_relations(source, scope) if self._django_queryset(header.iter, scope) is not None \
            else set()
        body = loop.body if isinstance(loop, cst.For) else loop
        found = self._relation_read(scope.within(body), names, relations, eager, scope)
        if found is not None:
            self._reported_loops.add(loop)
            attr = found.attr.value
            self.report(found, f"`{found.value.value}.{attr}` loads a related record once per row of `{loop_name}` "
                               f"(N+1): load it with the rows (`select_related(\"{attr}\")`, `selectinload`).",
                        related=[loop])
            return
        # `stops.append(_stop_for(booking))`, where `_stop_for` reads `booking.customer`: the same N+1, one call away.
        # Only when the rows come from one query (a name bound once): eager loading on one branch's query is
        # not read through the other's.
        if not _bound_once(header.iter, scope):
            return
        for call in self._calls_in_loop(loop, scope):
            helper = self._module_function(call)
            if helper is None:
                continue
            params = [p.name.value for p in (*helper.params.posonly_params, *helper.params.params)]
            handed = {params[i] for i, arg in enumerate(call.args[:len(params)])
                      if arg.keyword is None and isinstance(arg.value, cst.Name) and arg.value.value in names}
            if not handed:
                continue
            inner = scope_of(helper, self._module_scope)
            off = _flags_left_off(helper, call)
            nodes = [node for node in inner.nodes if not (off and any(
                isinstance(a, cst.If) and isinstance(a.test, cst.Name) and a.test.value in off
                for a in inner.ancestors(node)))  # `if with_history:` in a helper called without it
                and not _manager_query(node, inner)]  # `order.invoices.filter(...)`: judged as a query instead
            found = self._relation_read(nodes, handed, relations, eager, inner)
            if found is not None:
                self._reported_loops.add(loop)
                attr = found.attr.value
                self.report(call, f"`{call.func.value}` reads `{found.value.value}.{attr}` (line "
                                  f"{self.line_of(found)}), which loads a related record once per row of "
                                  f"`{loop_name}` (N+1): load it with the rows (`select_related(\"{attr}\")`, "
                                  "`selectinload`).", related=[loop, found])
                return

    def _relation_read(self, nodes, names: set[str], relations: set[str], eager: set[str],
                       scope: Scope) -> cst.Attribute | None:
        """The first read of a relation on one of these names that the rows did not load eagerly."""
        for node in nodes:
            if not (isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value in names):
                continue
            attr = node.attr.value
            if attr in eager:
                continue
            if (attr not in relations and _camel(attr) not in self._models and not _deep_read(node, scope)
                    and attr not in self._declared_relations()):
                continue
            parent = scope.parent.get(node)
            if isinstance(parent, cst.Call) and parent.func is node:
                continue  # `row.listing(...)`: a method, not the relation
            if isinstance(parent, (cst.AssignTarget, cst.AugAssign)):
                continue  # `row.owner = user` sets it: nothing is loaded
            return node
        return None

    def _module_function(self, call: cst.Call) -> cst.FunctionDef | None:
        """The top-level function of this file a plain call runs (`_stop_for(booking)`)."""
        if not isinstance(call.func, cst.Name) or self._module_scope is None:
            return None
        if self._module_functions is None:
            module = self._module_scope.root
            self._module_functions = {statement.name.value: statement for statement in module.body
                                      if isinstance(statement, cst.FunctionDef)}
        return self._module_functions.get(call.func.value)

    def _declared_relations(self) -> frozenset[str]:
        """Relations the models modules this file imports declare (read once per file, only when needed)."""
        if self._declared is None:
            self._declared = declared_relations(self.ctx.path, self.ctx.root, self.ctx.text)
        return self._declared

    def _query_parts(self, iterable: cst.BaseExpression, scope: Scope) -> list[cst.BaseExpression] | None:
        """The ORM query a loop iterates, outermost part first, followed back through the local names its chain
        starts from (`query = Record.query.filter(...)`, then `records = query.order_by(...).all()`) and through
        DRF's `paginator.paginate_queryset(queryset, request)`: every part may load relations eagerly."""
        parts: list[cst.BaseExpression] = []
        current = iterable
        for _ in range(8):
            found = self._orm_rows_query(current, scope)
            if found is not None:
                return [*parts, found]
            source = unwrap(current)
            if isinstance(source, cst.Name):  # a name adds nothing to the query: go to what it is bound to
                current = bound_here(source, scope)
                if current is None:
                    return None
                continue
            if isinstance(source, cst.Call) and method(source) == "paginate_queryset" and source.args:
                parts.append(source)
                current = source.args[0].value
                continue
            paged = _paged_rows(source, scope)
            if paged is not None:
                current = paged
                continue
            root = chain_root(source)
            if not isinstance(root, cst.Name) or root is source:
                return None
            parts.append(source)
            current = root
        return None

    def _orm_rows_query(self, iterable: cst.BaseExpression, scope: Scope) -> cst.BaseExpression | None:
        """The ORM query whose model instances a loop iterates (a Django queryset, `Model.query...`,
        `session.scalars(select(Model)...)`), directly or through a name bound to it; None for raw SQL rows."""
        source = unwrap(iterable)
        if isinstance(source, COMPREHENSIONS):
            return None
        if isinstance(source, cst.Call) and method(source) in ("iterator", "all") and isinstance(
                receiver(source), cst.Name):
            source = receiver(source)  # `overdue.iterator(chunk_size=500)`: the queryset bound above
        if isinstance(source, cst.Name):
            value = bound_here(source, scope)
            source = unwrap(value) if value is not None else source
        if orm_model(source, scope, self.ctx) is not None:
            return source
        while isinstance(source, cst.Subscript):  # `Order.objects.filter(...)[:100]`
            source = source.value
        if not isinstance(source, cst.Call):
            return None
        if orm_model(source, scope, self.ctx) is not None:
            return source
        for call in scope.calls_within(source):
            if method(call) in ("select", "query") and call.args and len(call.args) == 1:
                first = attribute_path(call.args[0].value) or ""
                if is_camel(first) and first in self._models:
                    return source  # `select(Reservation)`: whole instances, not chosen columns
        return None

    def _django_queryset(self, iterable: cst.BaseExpression, scope: Scope) -> cst.BaseExpression | None:
        """The Django queryset a loop iterates, directly or through a name bound to it; None for anything else."""
        source = unwrap(iterable)
        if isinstance(source, cst.Name):
            binding = scope.binding(source.value, source)
            source = unwrap(binding.value) if binding is not None and not binding.unpacked else source
        found = orm_model(source, scope, self.ctx)
        if isinstance(source, cst.Call) and source in scope.index and self._children_of_loaded_record(source, scope):
            return source
        return source if found is not None and found[0] == "django" else None

    def _related_methods(self, iterable: cst.BaseExpression, scope: Scope) -> frozenset[str]:
        """Which related-manager calls on a row query the database, given how the rows were loaded."""
        source = self._django_queryset(iterable, scope)
        if source is None:
            return frozenset()
        if set(chain_methods(source)) & _EAGER:
            return _RELATED_QUERY
        return _RELATED_QUERY | _RELATED_CACHED


_ROWS, _STREAM = "rows", "stream"
# The end of a query chain that gives one row or a number, not rows to loop over.
_NOT_ROWS = ROW_LOADS | {"count", "exists", "aggregate", "delete", "update"}


@dataclass
class _Helper:
    """What the loops of a file need to know about one of its functions."""

    queries: bool = False  # reads from the database itself
    query: cst.Call | None = None  # the first query it runs itself
    related_calls: dict[str, cst.Call] = field(default_factory=dict)  # parameter -> a related-manager call on it
    callees: set[Key] = field(default_factory=set)
    scope: Scope | None = None
    in_class: str = ""
    streams: bool | None = None  # returns query rows, or yields records from a loop; None until asked
    stream_callees: set[Key] = field(default_factory=set)  # returns what these helpers return
    params: tuple[str, ...] = ()  # positional parameters, without self/cls
    related: dict[str, set[str]] = field(default_factory=dict)  # parameter -> related-manager methods called on it


@dataclass(frozen=True)
class _Pending:
    """A same-file helper called inside a loop over rows, judged once every function of the file is known."""

    call: cst.Call
    key: Key
    loop_name: str
    loop: cst.CSTNode
    names: frozenset[str]  # the loop's row variables
    related: frozenset[str]  # related-manager methods that query, for these rows


def _closure(start: set[Key], edges: dict[Key, set[Key]]) -> set[Key]:
    """The keys in `start` and every key that reaches one of them through `edges`."""
    found = set(start)
    changed = True
    while changed:
        changed = False
        for key, targets in edges.items():
            if key not in found and targets & found:
                found.add(key)
                changed = True
    return found


def _passes_row_to_related(pending: _Pending, helper: _Helper) -> bool:
    """`summary(report)` where `summary` calls `report.runs.order_by(...).first()` on that parameter."""
    for index, arg in enumerate(a for a in pending.call.args if a.star == ""):
        if not (isinstance(arg.value, cst.Name) and arg.value.value in pending.names):
            continue
        if arg.keyword is not None:
            param = arg.keyword.value
        elif index < len(helper.params):
            param = helper.params[index]
        else:
            continue
        if helper.related.get(param, set()) & pending.related:
            return True
    return False


def _flushes_batch(call: cst.Call, loop: cst.CSTNode, scope: Scope) -> bool:
    """The call is handed a list the loop fills, under a test of that list's size (`if len(batch) >= 500:
    _apply_batch(batch)`): it runs once per batch of rows."""
    handed = {node.value for arg in call.args for node in scope.within(arg.value) if isinstance(node, cst.Name)}
    for branch in scope.ancestors(call):
        if branch is loop:
            return False
        if isinstance(branch, cst.If) and any(
                isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "len"
                and node.args and isinstance(node.args[0].value, cst.Name) and node.args[0].value.value in handed
                for node in scope.within(branch.test)):
            return True
    return False


def _batched(call: cst.Call, names: set[str], scope: Scope) -> bool:
    """`Model.id.in_(ids)`, `id__in=ids`, `WHERE id = ANY(%s)` given the loop variable itself: one query per batch."""
    in_sql = False
    for node in scope.within(call):
        if isinstance(node, cst.Call) and method(node) in ("in_", "any_") and node.args:
            if _is_batch_of(node.args[0].value, names, call, scope):
                return True
        elif isinstance(node, cst.Arg) and node.keyword is not None and node.keyword.value.endswith("__in"):
            if _is_batch_of(node.value, names, call, scope):
                return True
        elif isinstance(node, cst.Call) and method(node) in ("execute", "text", "raw"):
            found = sql_text(positional(node), scope)
            in_sql = in_sql or (found is not None and bool(_IN_SQL.search(found[0])))
    if not in_sql:
        return False
    # The SQL takes a list: batched when the loop variable is passed whole among the parameters.
    return any(_is_row_name(node, names) for arg in call.args[1:] for node in scope.within(arg.value)
               if isinstance(node, cst.Name) and not isinstance(scope.parent.get(node), cst.Attribute))


def _consumer_name(iterable: cst.BaseExpression) -> bool:
    """`for message in consumer:`, `for event in self.queue`: messages that arrive one by one."""
    return bool(tokens(attribute_path(unwrap(iterable)) or "") & _CONSUMER_WORDS)


def _endless(loop: cst.While, scope: Scope) -> bool:
    """`while True:` with no `break` or `return`: it waits for the next message for ever."""
    test = loop.test
    if not (isinstance(test, cst.Name) and test.value == "True") and not (
            isinstance(test, cst.Integer) and test.value != "0"):
        return False
    return not any(isinstance(node, cst.Return) or (isinstance(node, cst.Break) and scope.innermost_loop(node) is loop)
                   for node in scope.of_type(cst.Return, cst.Break) if scope.contains(loop, node))


def _is_batch_name(name: str) -> bool:
    """`chunk`, `batch`, `id_batch`: a group of records (`batch_id` is one record's key)."""
    parts = [part for part in re.split(r"[_\W]+", name.lower()) if part]
    return bool(parts) and parts[-1] in _BATCH_WORDS


def _used_as_flag(call: cst.Call, scope: Scope) -> bool:
    """`if settle(driver):` / `if not send(row):`: only whether the call succeeded is used, not data it read."""
    node: cst.CSTNode = call
    parent = scope.parent.get(node)
    while isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
        node, parent = parent, scope.parent.get(parent)
    return isinstance(parent, (cst.If, cst.While)) and parent.test is node


def _is_batch_of(expr: cst.BaseExpression, names: set[str], at: cst.CSTNode, scope: Scope) -> bool:
    """The loop variable, or a list made from it (`numbers = [i["number"] for i in items]`): the whole group
    goes into one query."""
    if _is_row_name(expr, names):
        return True
    expr = unwrap(expr)
    if isinstance(expr, cst.Name):
        binding = scope.binding(expr.value, at)
        expr = unwrap(binding.value) if binding is not None and not binding.unpacked and binding.value is not None \
            else expr
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value in ("list", "set", "tuple") \
            and expr.args:
        expr = unwrap(expr.args[0].value)
    return isinstance(expr, COMPREHENSIONS) and _is_row_name(expr.for_in.iter, names)


def _is_row_name(expr: cst.BaseExpression, names: set[str]) -> bool:
    expr = unwrap(expr)
    return isinstance(expr, cst.Name) and expr.value in names


def _reads_catalog(expr: cst.BaseExpression, scope: Scope) -> bool:
    """Rows from the database's own catalog (`information_schema`, `sqlite_master`): as many as there are tables."""
    if expr not in scope.index:
        return False
    sqls: list[cst.BaseExpression | None] = []
    path = expr.value if isinstance(expr, cst.Name) else None
    if isinstance(expr, cst.Call):
        sqls.extend(positional(c) for c in scope.calls_within(expr) if method(c) in ("execute", "text", "raw"))
        recv = receiver(expr)
        path = attribute_path(recv) if recv is not None else None
    if path is not None:  # `cur.fetchall()` / `for row in cur`: the last `cur.execute(...)` before it
        last = None
        for call in scope.calls():
            if scope.index[call] >= scope.index[expr]:
                break
            if method(call) == "execute" and attribute_path(receiver(call) or cst.Name("_")) == path:
                last = call
        if last is not None:
            sqls.append(positional(last))
    for sql in sqls:
        found = sql_text(sql, scope) if sql is not None else None
        if found is not None and _CATALOG.search(found[0]):
            return True
    return False


def _handed_on_lazily(call: cst.Call, scope: Scope) -> bool:
    """`process(project.tasks.all())`: a lazy Django queryset passed to a function that decides how to run it."""
    if method(call) not in _LAZY or set(chain_methods(call)) & {"execute", "scalars", "query", "exec"}:
        return False  # SQLAlchemy's `.all()` and `session.execute(...)` run at once
    arg = scope.parent.get(call)
    if not isinstance(arg, cst.Arg):
        return False
    consumer = scope.parent.get(arg)
    return isinstance(consumer, cst.Call) and method(consumer) not in _EVALUATORS and keyword(consumer, "many") is None


# A function named for reading one record: `fetch_carrier`, `get_customer`, `load_prices`.
_READ_HELPER = re.compile(r"^_?(a?fetch|get|load|find|lookup|select|query|read)_\w+$")


def _callee(call: cst.Call, in_class: str) -> Key | None:
    """The same-file function a call may reach: `helper(...)` or `self.helper(...)`."""
    if isinstance(call.func, cst.Name):
        return ("", call.func.value)
    if (in_class and isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Name)
            and call.func.value.value in ("self", "cls")):
        return (in_class, call.func.attr.value)
    return None


# Django lookups and transforms: `created__gte`, `email__iexact`, `created__date`; any other second part is a field
# of a related model, so the first part is a relation (`listing__seller`).
_DJANGO_LOOKUPS = frozenset({
    "exact", "iexact", "contains", "icontains", "in", "gt", "gte", "lt", "lte", "startswith", "istartswith",
    "endswith", "iendswith", "range", "date", "year", "iso_year", "month", "day", "week", "week_day",
    "iso_week_day", "quarter", "time", "hour", "minute", "second", "isnull", "regex", "iregex", "search",
    "unaccent", "trigram_similar", "contained_by", "overlap", "has_key", "has_keys", "has_any_keys", "len", "keys",
    "values", "lower", "upper", "isempty",
})


def _eager_relations(source: cst.BaseExpression, scope: Scope) -> set[str] | None:
    """The relations a query loads with its rows (`select_related("book", "member__user")` -> {"book",
    "member"}; `selectinload(Loan.book)` -> {"book"}); None when it loads all of them or in a way not read here."""
    names: set[str] = set()
    for call in scope.calls_within(source):
        if method(call) not in _EAGER or method(call) == "options":
            continue
        if not call.args:
            return None
        for arg in call.args:
            value = arg.value
            if isinstance(value, cst.SimpleString):
                names.add(str(value.evaluated_value).split("__")[0].split(".")[0])
            elif isinstance(value, cst.Attribute):
                names.add(value.attr.value)
            else:
                return None
    return names


def _paged_rows(expr: cst.BaseExpression, scope: Scope) -> cst.BaseExpression | None:
    """The queryset a Django page holds: `page.object_list`, `Paginator(qs, 50).get_page(n)`, or
    `paginator.page(n)` of `paginator = Paginator(qs, 50)`; None for anything else."""
    if isinstance(expr, cst.Attribute) and expr.attr.value == "object_list":
        page = unwrap(expr.value)
        if isinstance(page, cst.Name):
            page = bound_here(page, scope)
        return _paged_rows(unwrap(page), scope) if page is not None else None
    if not (isinstance(expr, cst.Call) and method(expr) in ("get_page", "page") and expr.args):
        return None
    made = receiver(expr)
    if isinstance(made, cst.Name):
        made = bound_here(made, scope)
    made = unwrap(made) if made is not None else None
    if isinstance(made, cst.Call) and (attribute_path(made.func) or "").rsplit(".", 1)[-1] == "Paginator" and made.args:
        return made.args[0].value
    return None


def _deep_read(node: cst.Attribute, scope: Scope) -> bool:
    """`loan.member.user.email`: two more attributes read through this one, none of them called; objects
    inside objects, which on an ORM row are related records."""
    depth, current = 0, node
    while True:
        parent = scope.parent.get(current)
        if not isinstance(parent, cst.Attribute) or parent.value is not current:
            break
        depth, current = depth + 1, parent
    outer = scope.parent.get(current)
    called = isinstance(outer, cst.Call) and outer.func is current
    if depth == 1 and isinstance(outer, cst.Assign) and len(outer.targets) == 1 and isinstance(
            outer.targets[0].target, cst.Name):
        # `user = entry.member.user`, then `user.email`: the third attribute is read through the name.
        name = outer.targets[0].target.value
        return any(isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == name
                   and scope.before(outer, n) and not (isinstance(scope.parent.get(n), cst.Call)
                                                       and scope.parent.get(n).func is n)
                   for n in scope.of_type(cst.Attribute))
    return depth >= 2 and not called


# Methods of a related manager or queryset: `order.invoices.filter(...)` runs a query of its own.
_MANAGER_METHODS = frozenset({"all", "filter", "exclude", "get", "first", "last", "count", "exists", "order_by",
                              "values", "values_list", "select_related", "prefetch_related", "aggregate", "annotate",
                              "create", "update", "delete", "only", "defer", "latest", "earliest", "iterator"})


def _manager_query(node: cst.CSTNode, scope: Scope) -> bool:
    parent = scope.parent.get(node)
    return (isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value in _MANAGER_METHODS
            and isinstance(scope.parent.get(parent), cst.Call) and scope.parent.get(parent).func is parent)


def _bound_once(iterable: cst.BaseExpression, scope: Scope) -> bool:
    """The name the loop's rows start from (`qs[offset:end]` -> `qs`) is assigned at most once in the function."""
    root = iterable
    while isinstance(root, (cst.Subscript, cst.Attribute, cst.Call)):
        root = root.value if isinstance(root, (cst.Subscript, cst.Attribute)) else root.func
    if not isinstance(root, cst.Name):
        return True
    return sum(1 for node in scope.of_type(cst.AssignTarget)
               if isinstance(node.target, cst.Name) and node.target.value == root.value) <= 1


def _flags_left_off(helper: cst.FunctionDef, call: cst.Call) -> set[str]:
    """Parameters that default to `False` or `None` and that this call does not pass."""
    passed = {arg.keyword.value for arg in call.args if arg.keyword is not None}
    given = sum(1 for arg in call.args if arg.keyword is None and not arg.star)
    positional = [*helper.params.posonly_params, *helper.params.params]
    off = set()
    for index, param in enumerate([*positional, *helper.params.kwonly_params]):
        name = param.name.value
        if param.default is None or not (is_name(param.default, "False") or is_none(param.default)):
            continue
        if name not in passed and (index >= given or index >= len(positional)):
            off.add(name)
    return off


def _camel(snake: str) -> str:
    """`loyalty_account` -> `LoyaltyAccount`."""
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_") if part)


_MODEL_BASES = re.compile(r"(^|\.)(Model|Base|DeclarativeBase|SQLModel|Document)$")


def _model_names(module: cst.Module) -> frozenset[str]:
    """Model classes the file knows: imported from a `models` module (`from .models import Room`) or defined here
    on a model base (`class Room(db.Model)`, `class Room(Base)`)."""
    found: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                    continue
                origin = attribute_path(small.module) if small.module is not None else ""
                if (origin or "").rsplit(".", 1)[-1] != "models" or (origin or "").startswith("django."):
                    continue  # `from django.db.models import Count, F, Q`: the ORM's own names, not models
                for alias in small.names:
                    name = alias.asname.name if alias.asname is not None else alias.name
                    if isinstance(name, cst.Name) and is_camel(name.value):
                        found.add(name.value)
        elif isinstance(statement, cst.ClassDef) and any(
                _MODEL_BASES.search(attribute_path(base.value) or "") for base in statement.bases):
            found.add(statement.name.value)
    return frozenset(found)


def _lookup_relations(queryset: cst.BaseExpression, scope: Scope) -> set[str]:
    """The relations a Django queryset's lookups go through: `filter(listing__seller=u)` -> {"listing"}."""
    paths: list[str] = []
    for call in scope.calls_within(queryset) if queryset in scope.index else ():
        for arg in call.args:
            if arg.keyword is not None:
                paths.append(arg.keyword.value)
            elif method(call) == "order_by" and isinstance(arg.value, cst.SimpleString):
                paths.append(str(arg.value.evaluated_value).lstrip("-"))
    relations = set()
    for path in paths:
        parts = path.split("__")
        if len(parts) > 1 and parts[1] not in _DJANGO_LOOKUPS and parts[0] != "pk":
            relations.add(parts[0])
    return relations


def _related_query(call: cst.Call, row_names: set[str], methods: frozenset[str]) -> bool:
    """`row.items.all()` / `row.items.filter(...)` where `row` is the loop variable."""
    found = _related_call(call, methods)
    return found is not None and found[0] in row_names


def _related_call(call: cst.Call, methods: frozenset[str]) -> tuple[str, str] | None:
    """(row, method) for a related-manager call `row.items.<method>(...)` at the start of a chain.

    The arguments tell a related manager from a dict or list field with the same method names:
    `row.data.get("key")`, `row.data.values()`, `row.tags.count("x")` are not queries.
    """
    innermost = call
    while isinstance(innermost.func, cst.Attribute) and isinstance(innermost.func.value, cst.Call):
        innermost = innermost.func.value
    func = innermost.func
    if not (isinstance(func, cst.Attribute) and func.attr.value in methods and isinstance(func.value, cst.Attribute)):
        return None
    # `child.family.guardians.filter(...)`: a manager reached through one relation of the row.
    root = func.value.value
    if isinstance(root, cst.Attribute) and func.attr.value in _RELATED_QUERY:
        root = root.value
    if not isinstance(root, cst.Name):
        return None
    name, args = func.attr.value, innermost.args
    if name == "get":
        ok = bool(args) and all(arg.keyword is not None or arg.star == "**" for arg in args)
    elif name in ("values", "values_list"):
        ok = bool(args)
    elif name in _RELATED_CACHED:
        ok = not args
    else:
        ok = True
    return (root.value, name) if ok else None


def _describe(iterable: cst.BaseExpression) -> str:
    source = unwrap(iterable)
    text = attribute_path(source)
    if text is None and isinstance(source, cst.Call):
        text = (attribute_path(source.func) or "query") + "(...)"
    return text or "the query result"
