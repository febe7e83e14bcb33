"""DB005: a database check followed by a write that depends on it, with nothing stopping a concurrent twin."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import attribute_path, descendants, is_literal, module_handlers, own_nodes
from reviewer.checks._data import (
    Scope,
    body_statements,
    chain_root,
    db_write,
    ends_in_leave,
    handed_function,
    has_lock,
    is_camel,
    is_query_call,
    is_row_load,
    mentions_idempotency,
    method,
    orm_model,
    polarity,
    positional,
    receiver,
    scope_of,
    unwrap,
)
from reviewer.checks._rows import (
    RowsCheck,
    disjuncts,
    conditionally_updated,
    is_saved,
    is_arithmetic,
    is_redis,
    last_execute,
    node_code,
    same_model,
    update_columns,
)

# The database settles the race itself: a unique constraint that is caught, or an atomic upsert.
_RACE_HANDLED = re.compile(
    r"IntegrityError|UniqueViolation|unique_violation|DuplicateKey|get_or_create|update_or_create|on\s+conflict"
    r"|on_conflict_do|insert\s+or\s+(ignore|replace)|on\s+duplicate\s+key|insert\s+ignore|\.merge\(|upsert", re.I)
_ORDERING = (cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual)
# Calls that run their first argument as SQL; a write with `RETURNING` is often sent through a fetch.
_SQL_RUNNERS = frozenset({"execute", "executemany", "fetchrow", "fetchval", "fetch_one", "fetch_val"})
_CREATES = frozenset({"create", "bulk_create", "create_user", "create_superuser", "insert"})
_UPSERTS = frozenset({"update_or_create", "get_or_create"})
_UPSERT_TEXT = re.compile(r"\b(get_or_create|update_or_create)\b")


def _stored_at(act: cst.CSTNode, scope: Scope) -> cst.Call | None:
    """For an attribute changed in Python (`fee.status = "paid"`), the `fee.save()` or commit after it that stores
    the change; for a row added to a session (`db.session.add(stay)`), the commit that makes it visible to other
    requests (the race window is open until then); None for a write that is a statement of its own."""
    if isinstance(act, cst.Call) and method(act) in ("add", "add_all"):
        return next((call for call in scope.calls() if method(call) == "commit" and scope.before(act, call)), None)
    if not isinstance(act, (cst.Assign, cst.AugAssign)):
        return None
    objects = {attribute_path(t.value) for t in _targets(act) if isinstance(t, cst.Attribute)}
    for call in scope.calls():
        if not scope.before(act, call):
            continue
        name = method(call)
        if name == "commit" or (name == "save" and attribute_path(receiver(call) or cst.Name("_")) in objects):
            return call
    return None


class UnlockedCheckThenAct(RowsCheck):
    """A check on data read from the database, then a dependent write, with no lock, constraint or conditional update.

    ## What it does
    Reports the `if` of a check-then-act sequence in one function; when the value it tests was read into a local
    name first, the finding spans the race window, from that read to the write, and on to the `save()` or commit
    that stores a changed attribute or a row added to the session. Values are followed
    back to their query through local names, `for` loops over query results and helper functions of the same
    module (also a helper that returns the test itself: `return clash is None`, then `if not _is_free(...)`); a
    parameter typed with a model class beside a session or connection parameter (`def save_job(db: Session,
    merchant: Merchant)`, `Merchant` imported from a models module) is a record its caller loaded; the rows of two
    queries joined in one set (`set(held) | set(sold)`) are judged by the first, and `session.add_all([Hold(...)
    for ...])` inserts.
    - Existence: `if Model.objects.filter(...).exists()` (also through a name: `taken = ...filter(...)`, then
      `if taken.exists()`), `if not Model.query.filter_by(...).first()`,
      `if row is None` after a `SELECT`, `if existing:` for a record loaded above (or by a helper), followed by
      an insert of the same model or table (`Model.objects.create`, `session.add(Model(...))`,
      `Model(...).save()`, `INSERT INTO table`, also SQL built by a helper) inside the `if` (when it tested
      for absence) or after it (when the `if` tested for presence and returns or raises); or, after a presence
      test that returns or raises, a record of that model moved into the slot the query looked for
      (`Subscription.seat_id == new_seat_id` found free, then `sub.seat_id = new_seat_id`).
    - Quantity: `if acct.balance >= amount` / `if stock <= 0` / `if slot["sold"] + n > slot["capacity"]` on a
      loaded record or fetched row, followed by
      an arithmetic change of that field and a save, or an `UPDATE` that sets that column; a count
      (`Model.objects.filter(...).count()`, SQLModel's `session.exec(select(func.count(...))).one()`,
      `SELECT count(*)`, `SELECT COALESCE(SUM(n), 0) AS n` (also through
      the project's own `fetch_one(sql, params)`), a helper returning one, a total
      `.aggregate(n=Sum(...))["n"]`, also through a related manager of a loaded record, `slot.reservations`, or
      of the record a helper is given)
      compared with a limit, followed by a write to the same model or table (in a DRF view's `perform_create`,
      `serializer.save()` inserts its serializer's `Meta.model`, or, for a serializer imported from another
      module, the model of the view's `queryset`/`get_queryset`); the amount compared taken from the
      same model by an update statement (`if vintage.sellable < qty`, then `.update(stock=F("stock") - qty)`).
    - Status: `if seat.status != "available"`, `if not coupon.active`, `if x.sent_at is not None` on a loaded
      record, followed by a move of that same field to its next state (a literal or named constant, the value
      compared with, or anything after a truth or `None` test), a save, and another database write (an insert,
      another record changed) that the status was guarding, or, in a request handler (or a function of the module
      one of its handlers calls by name), a claim: the field set to
      who takes the record (`shift.assigned_to = staff` after `if shift.assigned_to_id is not None`; Django's
      `x.owner` and `x.owner_id` are one column). The move may be an UPDATE statement on that record
      (`update(Slot).where(Slot.id == slot.id).values(booked=True)`, `Slot.objects.filter(pk=slot.pk)
      .update(booked=True)`). A status read with SQL (`if ticket["status"] == "used"` on a fetched row) counts
      when an UPDATE of that table sets the column to a fixed value (a literal, `now()`) without testing it in
      its WHERE clause,
      unless a side effect in between carries an idempotency key.
    - Redis: `if r.exists(key)` / `if not r.get(key)` used as a flag, followed by `r.set(key, ...)` without
      `nx=True`.
    - A pick from a pool, in a request handler: a record loaded by a query that filters a column on a fixed value
      (`.where(Locker.status == "free")`, `filter_by(status="idle")`), then that column set to another fixed value
      and saved (`locker.status = "reserved"`): two requests pick the same free row. A query that names one row
      by its key (`id`, `pk`, a `code`, `token`, `number`, `reference` or `slug`) is a status check instead.
    - A next number: a value read from a table plus a constant (`cur.fetchone()["latest"] + 1` after
      `SELECT MAX(version) ...`), inserted into that table as a new row's number; reported from the read to the
      insert. (`MAX(seq) + 1` computed in the SQL itself, an ORM count or maximum plus one, or a helper returning
      one: NextNumberFromMax.)
    Conditions joined by `or` before a `return`/`raise` are each judged (`if row is None or row[0] <= 0`), and a
    local worked out from a record's fields (`free = sailing.capacity - sailing.used`, then `if needed > free:
    raise`; also a helper's total, `night.hours - hours_allocated(night)`) counts as those fields when it is
    compared with something other than a constant. Queries
    handed to a thread (`await asyncio.to_thread(db.fetch_one, "SELECT count(*) AS n ...")`) count as run here,
    and a count is known by its alias (`booked["n"]`).

    A conditional update settles races on its own table only (claiming a pallet does not settle the count of the
    location it is put in), except with SQLite, whose first write locks the whole database until the commit.
    It is not reported when the function locks (`select_for_update`, `with_for_update`, `FOR UPDATE`, an
    advisory lock, a helper that loads with one, or a helper of the module called before the check that takes
    one), catches `IntegrityError`, uses `get_or_create` or `update_or_create` (of the model it inserts: an
    upsert of the client does not settle the booking made after it), `ON CONFLICT`, `INSERT OR IGNORE` (also in
    SQL kept in a module constant), or a conditional update
    (`UPDATE ... WHERE id = %s AND status = %s`, `filter(status="free").update(status="taken")`, but not one that
    leaves the checked record out: `.exclude(pk=bid.pk).update(...)` changes the others); a caught
    unique violation or an upsert does not settle a balance or count changed on a loaded record, nor a limit on how
    many rows there are (`if coming >= capacity: 409`, then `update_or_create(...)` of an attendance row). An atomic
    update (`F()`, `SET qty = qty - %s`) settles no check: it keeps two changes from overwriting each other (DB004),
    but two requests that both passed `if balance < price` both subtract, and the balance goes below zero; a
    deposit recorded once and credited with `SET balance = balance + %s` can still be credited twice. Only the test
    in the update's own WHERE (`... AND balance >= %s`, `filter(stock__gte=n)`) settles it.
    An existence check inside a loop of a function that does not serve requests (an import or sync job going
    through its input) is a single writer and is not reported; nor is a Redis value that the `if` returns
    (a cache read), a status check whose only effect is the status change itself or other fields set to fixed
    values (a second cancel writes the same values again), tests, migrations and command-line scripts.

    ## Why is this bad?
    Two requests run the check at the same moment, both see "no such user", "enough money" or "seat
    available", and both act: two accounts with one e-mail, two bookings of one seat, a balance spent twice,
    a coupon redeemed past its limit. Double-clicks and client retries make this common, not theoretical.
    Let the database decide: a unique constraint whose `IntegrityError` is handled, an upsert, a conditional
    `UPDATE ... WHERE balance >= %s` whose row count is checked, `SET key value NX`, or a row lock.

    ## Known limits
    The check and the write must be in the same function (the load may be in a helper of the same module),
    and the model of the check and of the write must be recognisable and equal (`User` and `users` match).
    Files are checked one at a time: a unique constraint declared on the model in another module
    (`UniqueConstraint("member_id", "period")` in `models.py`), or its error handled by a caller or by
    middleware, is not seen, so a check-then-insert that the schema already protects is still reported. Conditions joined by `and` before a `return` are not judged. An
    existence check followed only by an update of the record it found (`if user is None: abort(404)`, then
    `user.name = ...`) is not a race this check reports; nor is a status check followed only by an e-mail or
    another call outside the database (see the idempotency checks), nor a status set to a value taken from the
    request. An existence check in a loop of a job is taken as a single writer even when two jobs could
    overlap. A balance check is reported together with the read-modify-write (DB004) it guards: they are two
    halves of one race.
    """

    id = "DB005"
    _handler_callees: set[str] | None = None  # names the module's request handlers call (read when first needed)
    VALID = (
        # The cached reading is read only in the `except` that returns: the write after the `try` is on the other
        # path, the one that fetched a fresh reading.
        """
import json

async def latest(redis, http, station_id):
    key = f"gauge:{station_id}"
    try:
        reading = await http.get_json(f"/stations/{station_id}/latest")
    except OSError:
        cached = await redis.get(key)
        if cached is None:  # ok: DB005
            raise GaugeUnavailable(station_id) from None
        return json.loads(cached)
    await redis.set(key, json.dumps(reading), ex=600)
    return reading
""",
        # A helper takes the window's row lock (`FOR UPDATE`) before the count: the check runs under it.
        """
def _lock_window(conn, window_id):
    return conn.execute("SELECT id, capacity FROM windows WHERE id = %s FOR UPDATE", (window_id,)).fetchone()

def _booked(conn, window_id):
    return conn.execute("SELECT COALESCE(SUM(queens), 0) AS n FROM bookings WHERE window_id = %s",
                        (window_id,)).fetchone()["n"]

@bp.post("/bookings/<int:window_id>")
def book(window_id):
    with transaction() as conn:
        window = _lock_window(conn, window_id)
        if _booked(conn, window_id) + 2 > window["capacity"]:  # ok: DB005
            abort(409)
        conn.execute("INSERT INTO bookings (window_id, queens) VALUES (%s, 2)", (window_id,))
""",
        # The insert's SQL, kept in a module constant, settles the race: `ON CONFLICT ... DO NOTHING`.
        """
CREATE_JOB_SQL = (
    "INSERT INTO import_jobs (agency_id, idem_key) VALUES ($1, $2) "
    "ON CONFLICT (agency_id, idem_key) DO NOTHING RETURNING id"
)
FIND_JOB_SQL = "SELECT id FROM import_jobs WHERE agency_id = $1 AND idem_key = $2"

async def start_import(conn, agency_id, idem_key):
    existing = await conn.fetchrow(FIND_JOB_SQL, agency_id, idem_key)
    if existing is not None:  # ok: DB005
        return existing
    job = await conn.fetchrow(CREATE_JOB_SQL, agency_id, idem_key)
    return job or await conn.fetchrow(FIND_JOB_SQL, agency_id, idem_key)
""",
        # The next number is taken under a unique constraint: a clash is retried, not stored twice.
        """
def add_version(cur, document_id, key):
    cur.execute("SELECT COALESCE(MAX(version), 0) AS latest FROM document_versions WHERE document_id = %s",
                (document_id,))
    next_version = cur.fetchone()["latest"] + 1  # ok: DB005
    cur.execute("INSERT INTO document_versions (document_id, version, s3_key) VALUES (%s, %s, %s) "
                "ON CONFLICT (document_id, version) DO NOTHING RETURNING id", (document_id, next_version, key))
    return cur.fetchone()
""",
        # SQLite: the first UPDATE takes the database's write lock, so the count after it cannot change under it.
        """
import sqlite3

def borrow(conn: sqlite3.Connection, member_id, isbn):
    cur = conn.execute("UPDATE titles SET available = available - 1 WHERE isbn = ? AND available > 0", (isbn,))
    if cur.rowcount == 0:
        return None
    active = conn.execute("SELECT count(*) FROM loans WHERE member_id = ? AND returned_on IS NULL",  # ok: DB005
                          (member_id,)).fetchone()[0]
    if active >= 5:
        conn.rollback()
        return None
    conn.execute("INSERT INTO loans (member_id, isbn) VALUES (?, ?)", (member_id, isbn))
    conn.commit()
""",
        # The claim is made on a locked row: the second request waits, then sees the shift taken.
        """
from django.db import transaction
from django.views.decorators.http import require_POST

@require_POST
def claim_shift(request, shift_id):
    with transaction.atomic():
        shift = get_object_or_404(Shift.objects.select_for_update(), pk=shift_id)  # ok: DB005
        if shift.assigned_to_id is not None:
            return JsonResponse({"error": "taken"}, status=409)
        shift.assigned_to = request.user.staff
        shift.save(update_fields=["assigned_to"])
    return JsonResponse({"id": shift.pk})
""",
        """
from django.db import IntegrityError

def register(request):
    email = request.POST["email"].lower()
    if User.objects.filter(email=email).exists():  # ok: DB005
        return JsonResponse({"error": "email taken"}, status=409)
    try:
        user = User.objects.create_user(email=email, password=request.POST["password"])
    except IntegrityError:
        return JsonResponse({"error": "email taken"}, status=409)
    return JsonResponse({"id": user.id}, status=201)
""",
        """
from django.db import transaction

def book_seat(request, seat_id):
    with transaction.atomic():
        seat = Seat.objects.select_for_update().get(pk=seat_id)
        if seat.booked_by_id is not None:  # ok: DB005
            return JsonResponse({"error": "taken"}, status=409)
        Booking.objects.create(seat=seat, user=request.user)
        seat.booked_by = request.user
        seat.save()
""",
        """
def follow(conn, follower_id, followee_id):
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO follows (follower_id, followee_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (follower_id, followee_id),
        )
    conn.commit()
""",
        """
from app.models import db, User

def update_profile(user_id, form):
    user = User.query.filter_by(id=user_id).first()
    if user is None:  # ok: DB005
        abort(404)
    user.bio = form.bio
    db.session.add(AuditLog(user_id=user.id, action="profile"))
    db.session.commit()
""",
        # The status is claimed with a conditional update whose result is checked.
        """
def claim_locker(request, locker_id):
    locker = Locker.objects.get(pk=locker_id)
    if locker.state != "free":  # ok: DB005
        return JsonResponse({"error": "taken"}, status=409)
    claimed = Locker.objects.filter(pk=locker_id, state="free").update(state="held", holder=request.user)
    if not claimed:
        return JsonResponse({"error": "taken"}, status=409)
    Rental.objects.create(locker=locker, user=request.user)
""",
        # Only the status itself changes: two concurrent calls write the same thing.
        """
def archive(session, doc_id):
    doc = session.get(Document, doc_id)
    if doc.archived:  # ok: DB005
        return False
    doc.archived = True
    session.commit()
    return True
""",
        # A guard, then an edit to whatever the request asked for: not a one-way transition.
        """
def change_plan(session, account_id, form):
    account = session.get(Account, account_id)
    if account.plan == "enterprise":  # ok: DB005
        return {"error": "contact sales"}, 409
    account.plan = form.plan
    session.add(PlanChange(account_id=account_id, plan=form.plan))
    session.commit()
""",
        # A status check guarding only fixed values: a twin cancels again and writes the same values.
        """
def cancel_rental(session, rental_id):
    rental = session.get(Rental, rental_id)
    if rental.status != "active":  # ok: DB005
        raise Conflict("not active")
    rental.status = "cancelled"
    locker = session.get(Locker, rental.locker_id)
    locker.status = "free"
    session.commit()
""",
        # A status check guarding only an e-mail: a duplicate message, not a database race.
        """
def send_reminder(session, invoice_id):
    invoice = session.get(Invoice, invoice_id)
    if invoice.reminded_at is not None:  # ok: DB005
        return
    mailer.send_mail(invoice.email, "Your invoice is due")
    invoice.reminded_at = utcnow()
    session.commit()
""",
        # An import job going through its input: one writer per record.
        """
from app.db import SessionLocal

def import_products(rows):
    with SessionLocal() as session:
        for values in rows:
            product = session.query(Product).filter_by(sku=values["sku"]).one_or_none()
            if product is None:  # ok: DB005
                session.add(Product(**values))
            session.commit()
""",
        # A cache read: the value found is returned, and the miss is filled.
        """
import redis

cache = redis.Redis()

def rates(currency):
    cached = cache.get(f"rates:{currency}")
    if cached:  # ok: DB005
        return cached
    fresh = fetch_rates(currency)
    cache.set(f"rates:{currency}", fresh, ex=600)
    return fresh
""",
        # The UPDATE tests the status again, so a twin changes nothing; the refund carries a key.
        """
def admit(cur, ticket_id):
    cur.execute("SELECT id, status FROM tickets WHERE id = %s", (ticket_id,))
    ticket = cur.fetchone()
    if ticket["status"] == "used":  # ok: DB005
        return False
    cur.execute("UPDATE tickets SET status = 'used' WHERE id = %s AND status = 'valid'", (ticket_id,))
    return cur.rowcount == 1

def refund_deposit(cur, booking_id):
    cur.execute("SELECT deposit_status, deposit_ref FROM bookings WHERE id = %s", (booking_id,))
    booking = cur.fetchone()
    if booking["deposit_status"] != "paid":  # ok: DB005
        return False
    payments.refund(booking["deposit_ref"], idempotency_key=f"refund-{booking['deposit_ref']}")
    cur.execute("UPDATE bookings SET deposit_status = 'refunded' WHERE id = %s", (booking_id,))
    return True
""",
        # The helper's existence test locks the berth's bookings first.
        """
def _berth_is_free(berth_id, arrive, depart):
    clash = Booking.query.filter(Booking.berth_id == berth_id, Booking.arrive < depart,
                                 Booking.depart > arrive).with_for_update().first()
    return clash is None

@bp.post("/reservations")
def reserve():
    body = request.get_json()
    if not _berth_is_free(body["berth_id"], body["arrive"], body["depart"]):  # ok: DB005
        abort(409)
    db.session.add(Booking(berth_id=body["berth_id"], arrive=body["arrive"], depart=body["depart"]))
    db.session.commit()
""",
        # The pick is locked (`skip_locked`), or the row is named by its key: one record's status, not a pool.
        """
from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select

router = APIRouter()

@router.post("/reservations")
async def reserve(body: ReservationIn, session=Depends(get_session)):
    result = await session.execute(select(Locker).where(Locker.status == "free").limit(1)  # ok: DB005
                                   .with_for_update(skip_locked=True))
    locker = result.scalar_one_or_none()
    if locker is None:
        raise HTTPException(409, "no free locker")
    locker.status = "reserved"
    await session.commit()

@router.post("/refunds/{refund_id}/approve")
def approve(refund_id: int):
    refund = RefundRequest.query.filter_by(id=refund_id, status="requested").first_or_404()  # ok: DB005
    refund.status = "approved"
    db.session.commit()
""",
        # A request body is not a stored record, nor is a counter object: checking and changing them races with
        # nothing.
        """
from sqlalchemy.orm import Session

from .schemas import JobIn
from .stats import ImportStats

def count_rows(session: Session, rows, stats: ImportStats) -> None:
    if stats.rows < LIMIT:  # ok: DB005
        stats.rows += len(rows)
    session.add_all([AuditEntry(kind="rows") for _ in rows])
    session.commit()

def normalise(db: Session, body: JobIn) -> JobIn:
    if body.weight_kg > MAX_KG:  # ok: DB005
        body.weight_kg = MAX_KG
    db.add(AuditEntry(kind="job-normalised"))
    db.commit()
    return body
""",
    )
    INVALID = (
        # The project's own `fetch_one` runs a total (`COALESCE(SUM(...), 0) AS head`), then a visit is inserted.
        """
from flask import jsonify, request
from shearing.db import fetch_one, get_cursor

BOOKED_SQL = "SELECT COALESCE(SUM(expected_head), 0) AS head FROM visits WHERE gang_id = %s AND day = %s"

@bp.post("/visits")
def schedule_visit():
    gang_id, day, head = int(request.json["gang"]), request.json["day"], int(request.json["head"])
    booked = fetch_one(BOOKED_SQL, (gang_id, day))["head"]  # expect: DB005
    if booked + head > 600:
        return jsonify(error="full"), 409
    with get_cursor() as cur:
        cur.execute("INSERT INTO visits (gang_id, day, expected_head) VALUES (%s, %s, %s)", (gang_id, day, head))
    return jsonify(ok=True), 201
""",
        # The hours left are the night's hours less a helper's total of its children, read through the related
        # manager of the night it is given: two observers both fit in the last hours.
        """
from django.db.models import Sum
from rest_framework.response import Response
from rest_framework.views import APIView

def hours_allocated(night):
    return night.slot_requests.filter(status="allocated").aggregate(total=Sum("hours"))["total"] or 0

class ClaimHoursView(APIView):
    def post(self, request):
        night = get_object_or_404(ObservingNight, pk=request.data["night"])
        hours = request.data["hours"]
        remaining = night.hours_available - hours_allocated(night)
        if hours > remaining:  # expect: DB005
            return Response({"detail": "full"}, status=409)
        SlotRequest.objects.create(night=night, observer=request.user, hours=hours)
        return Response(status=201)
""",
        # The seats already taken are added up by the database, then a booking is added: both twins fit.
        """
from sqlalchemy import func, select

@router.post("/{slot_id}/bookings")
def book_slot(slot_id: int, body: BookingIn, session: Session = Depends(get_session)):
    slot = session.get(PickSlot, slot_id)  # expect: DB005
    booked = session.scalar(select(func.coalesce(func.sum(SlotBooking.party_size), 0))
                            .where(SlotBooking.slot_id == slot_id))
    if booked + body.party_size > slot.capacity:
        raise HTTPException(409, "That slot is full")
    session.add(SlotBooking(slot_id=slot_id, party_size=body.party_size))
    session.commit()
""",
        # The space left is worked out from two fields, then one of them grows: two bookings both fit. Whether
        # anything is owed at all (`<= 0`) is not a capacity check.
        """
async def hold_car_space(session, sailing_id, needed):
    sailing = await session.get(Sailing, sailing_id)
    free = sailing.capacity_m - sailing.used_m
    if needed > free:  # expect: DB005
        raise DeckFull(sailing_id)
    session.add(DeckBooking(sailing_id=sailing.id, lane_metres=needed))
    sailing.used_m = sailing.used_m + needed
    await session.commit()

def settle(stay_id):
    stay = db.session.get(Stay, stay_id)
    owed = stay.total_cents - stay.paid_cents
    if owed <= 0:  # ok: DB005
        return
    stay.paid_cents = stay.paid_cents + owed
    db.session.commit()
""",
        # The client row is an upsert; the booking after the clash test is a plain insert, and nothing settles it.
        """
from django.http import JsonResponse

def request_booking(request, artist_id, starts_at, ends_at):
    clash = Booking.objects.filter(artist_id=artist_id, starts_at__lt=ends_at, ends_at__gt=starts_at).exists()  # expect: DB005
    if clash:
        return JsonResponse({"error": "taken"}, status=409)
    client, _ = Client.objects.get_or_create(user=request.user)
    booking = Booking.objects.create(artist_id=artist_id, client=client, starts_at=starts_at, ends_at=ends_at)
    return JsonResponse({"id": booking.id}, status=201)
""",
        # The subtraction is atomic, the balance test is not: two starts both pass it and both subtract.
        """
from flask import Blueprint, abort, jsonify, request

bp = Blueprint("prints", __name__)

@bp.post("/accounts/<int:account_id>/prints")
def release(account_id):
    pages = int(request.json["pages"])
    credit = db.execute("SELECT credit FROM accounts WHERE id = %s", (account_id,)).fetchone()  # expect: DB005
    if credit["credit"] < pages:
        abort(402)
    db.execute("UPDATE accounts SET credit = credit - %s WHERE id = %s", (pages, account_id))
    db.commit()
    return jsonify(released=pages)
""",
        # A count read by its alias, both queries run in a thread: still a limit checked, then a row inserted.
        """
import asyncio

async def rent(db, vendor_id, stall_id, week):
    booked = await asyncio.to_thread(  # expect: DB005
        db.fetch_one, "SELECT count(*) AS n FROM rentals WHERE vendor_id = %s AND week = %s", (vendor_id, week))
    if booked["n"] >= 3:
        raise Conflict("at most three stalls a week")
    return await asyncio.to_thread(
        db.fetch_one, "INSERT INTO rentals (stall_id, vendor_id, week) VALUES (%s, %s, %s) RETURNING id",
        (stall_id, vendor_id, week))
""",
        # A capacity count, then an upsert of the member's answer: the upsert keeps one row per member, not the limit.
        """
from django.http import JsonResponse

def rsvp(request, rehearsal_id):
    rehearsal = get_object_or_404(Rehearsal, pk=rehearsal_id)  # expect: DB005
    coming = Attendance.objects.filter(rehearsal=rehearsal, status="yes").count()
    if coming >= rehearsal.room_capacity:
        return JsonResponse({"error": "full"}, status=409)
    Attendance.objects.update_or_create(rehearsal=rehearsal, member=request.user.member, defaults={"status": "yes"})
    return JsonResponse({"ok": True})
""",
        """
from sqlalchemy import update

async def book(session, slot_id, customer_id):
    slot = await session.get(Slot, slot_id)  # expect: DB005
    if slot.booked:
        raise Conflict("taken")
    await session.execute(update(Slot).where(Slot.id == slot.id).values(booked=True))
    session.add(Booking(slot_id=slot.id, customer_id=customer_id))
    await session.commit()

async def book_claimed(session, slot_id, customer_id):
    claimed = await session.execute(  # ok: DB005
        update(Slot).where(Slot.id == slot_id, Slot.booked.is_(False)).values(booked=True))
    if claimed.rowcount == 0:
        raise Conflict("taken")
    session.add(Booking(slot_id=slot_id, customer_id=customer_id))
    await session.commit()
""",
        # The stock is one term of the sum the check compares.
        """
def buy(conn, slot_id, quantity):
    slot = conn.execute("SELECT sold, capacity FROM slots WHERE id = %s", (slot_id,)).fetchone()  # expect: DB005
    if slot["sold"] + quantity > slot["capacity"]:
        raise SoldOut()
    conn.execute("UPDATE slots SET sold = %s WHERE id = %s", (slot["sold"] + quantity, slot_id))  # expect: DB004
    conn.commit()
""",
        # The amount the check compared is taken by an update statement from a field the check did not read by
        # name (a property); a total of a related manager's rows is a count. Only a test in the update's own
        # filter settles it.
        """
from django.db import transaction
from django.db.models import F, Sum
from rest_framework.decorators import api_view

def sell_bottles(vintage_id, quantity):
    with transaction.atomic():
        vintage = Vintage.objects.get(pk=vintage_id)  # expect: DB005
        if vintage.sellable < quantity:
            raise InsufficientStock()
        Vintage.objects.filter(pk=vintage_id).update(bottles_on_hand=F("bottles_on_hand") - quantity)

def record_breakage(vintage_id, bottles):
    with transaction.atomic():
        vintage = Vintage.objects.get(pk=vintage_id)
        if vintage.sellable < bottles:
            raise InsufficientStock()
        Vintage.objects.filter(pk=vintage_id, bottles_on_hand__gte=bottles).update(  # ok: DB005
            bottles_on_hand=F("bottles_on_hand") - bottles)

@api_view(["POST"])
def book(request):
    slot = get_object_or_404(TastingSlot, pk=request.data["slot_id"])  # expect: DB005
    party = int(request.data["party_size"])
    booked = slot.reservations.exclude(status="cancelled").aggregate(n=Sum("party_size"))["n"] or 0
    if booked + party > slot.capacity:
        return Response(status=409)
    Reservation.objects.create(slot=slot, guest=request.user, party_size=party)
    return Response(status=201)
""",
        # The query is named first and tested later.
        """
from django.http import JsonResponse

def book_desk(request, desk_id, day):
    taken = DeskBooking.objects.filter(desk_id=desk_id, date=day, cancelled_at__isnull=True)  # expect: DB005
    if taken.exists():
        return JsonResponse({"error": "already booked"}, status=409)
    booking = DeskBooking.objects.create(member=request.user.member, desk_id=desk_id, date=day)
    return JsonResponse({"id": booking.pk}, status=201)
""",
        """
from django.http import JsonResponse

def register(request):
    email = request.POST["email"].lower()
    if User.objects.filter(email=email).exists():  # expect: DB005
        return JsonResponse({"error": "email taken"}, status=409)
    user = User.objects.create_user(email=email, password=request.POST["password"])
    return JsonResponse({"id": user.id}, status=201)
""",
        """
from app.models import db, Reservation

def reserve(room_id, day, user_id):
    existing = Reservation.query.filter_by(room_id=room_id, day=day).first()  # expect: DB005
    if not existing:
        db.session.add(Reservation(room_id=room_id, day=day, user_id=user_id))
        db.session.commit()
        return True
    return False
""",
        """
def spend(session, wallet_id, amount):
    wallet = session.get(Wallet, wallet_id)  # expect: DB005
    if wallet.balance >= amount:
        wallet.balance -= amount
        session.commit()
        return True
    return False
""",
        """
def subscribe(conn, user_id, list_id):
    cur = conn.cursor()
    cur.execute("SELECT 1 FROM subscriptions WHERE user_id = %s AND list_id = %s", (user_id, list_id))
    if cur.fetchone() is None:  # expect: DB005
        cur.execute("INSERT INTO subscriptions (user_id, list_id) VALUES (%s, %s)", (user_id, list_id))
        conn.commit()
""",
        # A status check, then the status and a dependent insert.
        """
from app.models import db, Locker, Rental

def rent(locker_id, user_id):
    locker = db.session.get(Locker, locker_id)  # expect: DB005
    if locker.state != "free":
        raise Conflict("taken")
    locker.state = "held"
    db.session.add(Rental(locker_id=locker.id, user_id=user_id))
    db.session.commit()
""",
        # A count from a helper compared with a limit, then a write to the same model.
        """
def _open_tickets(user):
    return Ticket.objects.filter(owner=user, closed=False).count()

def open_ticket(request):
    if _open_tickets(request.user) >= 3:  # expect: DB005
        return JsonResponse({"error": "too many open tickets"}, status=429)
    Ticket.objects.create(owner=request.user, subject=request.POST["subject"])
""",
        # Each part of an `or` guards what follows; the quantity comes from a fetched row.
        """
def borrow(conn, tool_id):
    row = conn.execute("SELECT in_stock FROM tools WHERE id = ?", (tool_id,)).fetchone()  # expect: DB005
    if row is None or row[0] < 1:
        return False
    conn.execute("UPDATE tools SET in_stock = ?, lent_at = CURRENT_TIMESTAMP WHERE id = ?", (row[0] - 1, tool_id))
    conn.commit()
    return True
""",
        # The record comes from a helper; the flag is a plain boolean field.
        """
from app.models import db, Voucher, Usage

def _voucher(code):
    return Voucher.query.filter_by(code=code).first_or_404()

def use_voucher(code, order_id):
    voucher = _voucher(code)  # expect: DB005
    if not voucher.usable:
        return {"error": "used"}, 409
    voucher.usable = False
    db.session.add(Usage(voucher_id=voucher.id, order_id=order_id))
    db.session.commit()
""",
        # A Redis flag checked, then set without NX.
        """
import redis

flags = redis.Redis()

def claim_welcome_bonus(user_id):
    if flags.exists(f"bonus:{user_id}"):  # expect: DB005
        return False
    credit(user_id, 500)
    flags.set(f"bonus:{user_id}", 1)
    return True
""",
        # asyncpg: a status read, checked, then moved by an UPDATE that does not test it again.
        """
async def scan(pool, code):
    ticket = await pool.fetchrow("SELECT id, status FROM tickets WHERE code = $1", code)  # expect: DB005
    if ticket is None or ticket["status"] == "used":
        return {"result": "rejected"}
    await pool.execute("UPDATE tickets SET status = 'used', scanned_at = now() WHERE id = $1", ticket["id"])
    return {"result": "admitted"}
""",
        # A shift claimed by whoever asked: two staff both pass the check, the second silently takes it.
        """
from django.views.decorators.http import require_POST

@require_POST
def claim_shift(request, shift_id):
    staff = request.user.staff
    shift = get_object_or_404(Shift, pk=shift_id)  # expect: DB005
    if shift.assigned_to_id is not None:
        return JsonResponse({"error": "taken"}, status=409)
    shift.assigned_to = staff
    shift.save(update_fields=["assigned_to"])
    return JsonResponse({"id": shift.pk})
""",
        # Claiming the pallet serialises that pallet, not the location's count: two pallets both fit the last slot.
        """
from flask import Blueprint, jsonify

bp = Blueprint("pallets", __name__)

@bp.post("/pallets/<int:pallet_id>/putaway/<code>")
def put_away(pallet_id, code):
    with db.transaction() as conn:
        location = conn.execute("SELECT id, capacity, occupied FROM locations WHERE code = %s", (code,)).fetchone()  # expect: DB005
        if location["occupied"] >= location["capacity"]:
            return jsonify(error="location is full"), 409
        moved = conn.execute("UPDATE pallets SET location_id = %s, status = 'stored' "
                             "WHERE id = %s AND status = 'received' RETURNING id", (location["id"], pallet_id)).fetchone()
        if moved is None:
            return jsonify(error="pallet is not waiting for put-away"), 409
        conn.execute("UPDATE locations SET occupied = occupied + 1 WHERE id = %s", (location["id"],))
    return jsonify(pallet_id=pallet_id, location=code)
""",
        # The claim is made by a helper the booking routes share: it runs for a request all the same.
        """
from fastapi import APIRouter, Depends, HTTPException

router = APIRouter()

def _allocate(db, booth_id, exhibitor_id):
    booth = db.get(Booth, booth_id)  # expect: DB005
    if booth.exhibitor_id is not None:
        raise HTTPException(409, "booth already allocated")
    booth.exhibitor_id = exhibitor_id
    db.commit()
    return booth

@router.post("/booths/{booth_id}/allocate")
def allocate(booth_id: int, exhibitor_id: int, db=Depends(get_db)):
    return _allocate(db, booth_id, exhibitor_id)
""",
        # A DRF action: the unique RSVP is settled by the caught IntegrityError, the seat count is not.
        """
from django.db import IntegrityError
from rest_framework import viewsets
from rest_framework.decorators import action

class EventViewSet(viewsets.ModelViewSet):
    @action(detail=True, methods=["post"])
    def rsvp(self, request, pk=None):
        event = self.get_object()  # expect: DB005
        if event.seats_taken + 1 > event.capacity:
            return Response(status=409)
        try:
            RSVP.objects.create(event=event, member=request.user.member)
        except IntegrityError:
            return Response(status=409)
        event.seats_taken += 1
        event.save(update_fields=["seats_taken"])
        return Response(status=201)
""",
        # A SQLAlchemy count compared with the capacity, then an insert into the counted table.
        """
from sqlalchemy import func, select

@router.post("/lessons/{slot_id}/book")
async def book_lesson(slot_id: int, session):
    slot = await session.get(LessonSlot, slot_id)  # expect: DB005
    taken = await session.scalar(
        select(func.count()).select_from(LessonBooking).where(LessonBooking.slot_id == slot_id)
    )
    if taken >= slot.capacity:
        raise HTTPException(409, "lesson is full")
    session.add(LessonBooking(slot_id=slot_id))
    await session.commit()
""",
        # The next version number: the last one read, plus one, inserted (a `version_id` variable is no lock).
        """
def add_version(cur, document_id, key):
    cur.execute("SELECT COALESCE(MAX(version), 0) AS latest FROM document_versions WHERE document_id = %s",
                (document_id,))
    next_version = cur.fetchone()["latest"] + 1  # expect: DB005
    cur.execute("INSERT INTO document_versions (document_id, version, s3_key) VALUES (%s, %s, %s) RETURNING id",
                (document_id, next_version, key))
    version_id = cur.fetchone()["id"]
    return version_id
""",
        # A check-in time stamped by an UPDATE that does not test it again.
        """
@router.post("/scan")
def scan_vendor(body: ScanPayload, db: Database = Depends(get_db)):
    rental = db.fetch_one("SELECT id, checked_in_at FROM rentals WHERE id = %s", (body.rental_id,))  # expect: DB005
    if rental["checked_in_at"] is not None:
        raise HTTPException(409, "already checked in")
    db.execute("UPDATE rentals SET checked_in_at = now() WHERE id = %s", (rental["id"],))
    return {"ok": True}
""",
        # The existence test is a helper's: `return clash is None`, negated by the caller.
        """
def _berth_is_free(berth_id, arrive, depart):
    clash = Booking.query.filter(Booking.berth_id == berth_id, Booking.arrive < depart,
                                 Booking.depart > arrive).first()
    return clash is None

@bp.post("/reservations")
def reserve():
    body = request.get_json()
    if not _berth_is_free(body["berth_id"], body["arrive"], body["depart"]):  # expect: DB005
        abort(409)
    db.session.add(Booking(berth_id=body["berth_id"], arrive=body["arrive"], depart=body["depart"]))
    db.session.commit()
""",
        # Declining the other bids is a conditional update, but of the others: this bid is not claimed.
        """
@require_POST
def accept_bid(request, bid_id):
    bid = Bid.objects.get(pk=bid_id, quote__customer__user=request.user)  # expect: DB005
    if bid.status != "sent":
        return JsonResponse({"error": "bid_not_open"}, status=409)
    Deposit.objects.create(bid=bid, amount_pence=bid.deposit_pence)
    bid.status = "accepted"
    bid.save(update_fields=["status"])
    Bid.objects.filter(quote_id=bid.quote_id, status="sent").exclude(pk=bid.pk).update(status="declined")
    return JsonResponse({"ok": True})
""",
        # A free locker picked from the pool by its state and claimed, with nothing stopping a twin.
        """
from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select

router = APIRouter()

@router.post("/reservations")
async def reserve(body: ReservationIn, session=Depends(get_session)):
    result = await session.execute(  # expect: DB005
        select(Locker).where(Locker.site_id == body.site_id, Locker.status == "free").limit(1))
    locker = result.scalar_one_or_none()
    if locker is None:
        raise HTTPException(409, "no free locker")
    locker.status = "reserved"
    session.add(Reservation(locker_id=locker.id))
    await session.commit()
""",
        # A DRF view's `perform_create` counts the draw's entries and then saves one more through its serializer:
        # the serializer's `Meta.model` is the counted model, and the unique pair caught does not cap the count.
        """
from django.db import IntegrityError
from rest_framework import serializers, viewsets

class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = DrawEntry
        fields = ["id", "draw", "team"]

class EntryViewSet(viewsets.ModelViewSet):
    serializer_class = EntrySerializer

    def perform_create(self, serializer):
        draw = serializer.validated_data["draw"]
        taken = DrawEntry.objects.filter(draw=draw).count()  # expect: DB005
        if taken >= draw.capacity:
            raise ValidationError({"draw": "This draw is full."})
        try:
            serializer.save(entered_by=self.request.user.member)
        except IntegrityError:
            raise ValidationError({"team": "Team already entered."})
""",
        # The serializer comes from another module; the view serves bookings, so its save inserts a booking.
        """
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError

from .serializers import BerthBookingSerializer

class BerthBookingViewSet(viewsets.ModelViewSet):
    serializer_class = BerthBookingSerializer

    def get_queryset(self):
        return BerthBooking.objects.filter(owner=self.request.user).order_by("-arrives")

    def perform_create(self, serializer):
        berth = serializer.validated_data["berth"]
        arrives, departs = serializer.validated_data["arrives"], serializer.validated_data["departs"]
        clash = BerthBooking.objects.filter(  # expect: DB005
            berth=berth, arrives__lt=departs, departs__gt=arrives).exists()
        if clash:
            raise ValidationError({"berth": "already booked for some of those nights"})
        serializer.save(owner=self.request.user, status="held")
""",
        # SQLModel's `exec(select(func.count(...))).one()` gives the count; a Django total read through a related
        # manager (`flight.bookings...aggregate(...)`, then `booked["seats"] or 0`) is a count too.
        """
from sqlalchemy import func
from sqlmodel import Session, select

def create_pickup(session: Session, body: PickupIn) -> Pickup:
    booked = session.exec(  # expect: DB005
        select(func.count(Pickup.id)).where(Pickup.yard_id == body.yard_id, Pickup.slot_start == body.slot_start)
    ).one()
    if booked >= VANS_PER_SLOT:
        raise HTTPException(409, "That collection slot is full")
    pickup = Pickup(yard_id=body.yard_id, slot_start=body.slot_start)
    session.add(pickup)
    session.commit()
    return pickup
""",
        """
from django.db.models import Sum
from django.shortcuts import get_object_or_404

def book(request, flight_id):
    flight = get_object_or_404(Flight, pk=flight_id, status="scheduled")  # expect: DB005
    booked = flight.bookings.exclude(status="cancelled").aggregate(seats=Sum("passengers"))
    seats_taken = booked["seats"] or 0
    if seats_taken + int(request.POST["passengers"]) > flight.seats_total:
        return HttpResponse(status=409)
    Booking.objects.create(flight=flight, customer=request.user, passengers=int(request.POST["passengers"]))
    return HttpResponse(status=201)
""",
        # A helper handed the caller's record (a model of the models module) and the session: the balance it checks
        # is the one it spends.
        """
from sqlalchemy.orm import Session

from .models import DeliveryJob, Merchant

def save_job(db: Session, merchant: Merchant, body: JobIn) -> DeliveryJob:
    price = quote_cents(body.km, body.weight_kg)
    if merchant.balance_cents < price:  # expect: DB005
        raise HTTPException(402, "top up your delivery balance first")
    merchant.balance_cents -= price
    job = DeliveryJob(merchant_id=merchant.id, price_cents=price)
    db.add(job)
    db.commit()
    return job
""",
        # Seats held or sold, gathered into one set; the holds are then added as a list.
        """
from sqlalchemy import select

async def hold_seats(session, event_id, seat_ids, user_id, expires_at):
    held = await session.scalars(select(Hold.seat_id).where(Hold.event_id == event_id, Hold.seat_id.in_(seat_ids)))
    sold = await session.scalars(select(Ticket.seat_id).where(Ticket.event_id == event_id))
    unavailable = set(held) | set(sold)  # expect: DB005
    if unavailable:
        raise HTTPException(409, detail={"unavailable": sorted(unavailable)})
    session.add_all([Hold(event_id=event_id, seat_id=s, user_id=user_id, expires_at=expires_at) for s in seat_ids])
    await session.commit()
""",
        # The seat was found free, then the subscription moves into it: two changes can both find it free.
        """
from sqlalchemy import select

def change_seat(db, sub_id, new_seat_id):
    sub = db.get(Subscription, sub_id)
    taken = db.scalar(  # expect: DB005
        select(Subscription.id).where(Subscription.series_id == sub.series_id, Subscription.seat_id == new_seat_id)
    )
    if taken:
        raise HTTPException(409, "seat is taken")
    sub.seat_id = new_seat_id
    db.commit()
""",
    )

    def judge(self, node: cst.FunctionDef, scope: Scope) -> None:
        found: list[tuple[cst.If, str, cst.CSTNode]] = []
        for branch in scope.of_type(cst.If):
            act = self._existence_race(branch, scope)
            if act is not None:
                found.append((branch, "existence", act))
                continue
            race = self._condition_race(branch, scope)
            if race is not None:
                found.append((branch, *race))
        for read, insert in self._next_number_races(scope):
            found.append((read, "sequence", insert))
        for read, claim in self._free_row_claims(scope):
            found.append((read, "pick", claim))
        # The function's text is read only for candidates: it needs positions, which other files never pay for.
        if not found:
            return
        claimed = conditionally_updated(scope, self._rows)
        if claimed:
            # A conditional update settles races on its own table only: claiming the pallet
            # (`UPDATE pallets ... WHERE id = %s AND status = 'received'`) does not serialise the location's count.
            # SQLite is the exception: its first write locks the whole database until the commit.
            if None in claimed or self.ctx.imports_module("sqlite3", "aiosqlite"):
                return
            found = [(b, kind, act) for b, kind, act in found
                     if (model := self._act_model(act, scope)) is not None
                     and not any(same_model(model, table) for table in claimed)]
            if not found:
                return
        # `Client.objects.get_or_create(user=...)` settles who makes the client, not the booking inserted after it:
        # an upsert of another model leaves the check guarding that insert raced.
        code = scope.code(self)
        sql_handled = any(_RACE_HANDLED.search(text[0]) for call in scope.calls() if method(call) in _SQL_RUNNERS
                          for text in [self._rows.sql(positional(call), scope)] if text is not None)
        upserted = [self._act_model(call, scope) for call in scope.calls() if method(call) in _UPSERTS]
        if (upserted and None not in upserted and not sql_handled
                and not _RACE_HANDLED.search(_UPSERT_TEXT.sub("", code))):
            found = [(b, kind, act) for b, kind, act in found
                     if kind == "quantity" or ((model := self._act_model(act, scope)) is not None
                                               and not any(same_model(model, other) for other in upserted))]
            if not found:
                return
        elif _RACE_HANDLED.search(code) or sql_handled:
            # (The SQL may be a module constant: `INSERT ... ON CONFLICT DO NOTHING` in `CREATE_JOB_SQL`.)
            # A caught unique violation or an upsert settles who inserts, not how much is left: a balance or a
            # seat count changed on a loaded record is still raced (`seats_taken += n` beside a unique RSVP).
            found = [(b, kind, act) for b, kind, act in found if kind == "quantity"]
            if not found:
                return
        # One finding per write: two checks guarding one insert (a count limit and a duplicate test) are one race.
        by_act: dict[cst.CSTNode, list[tuple[cst.If, str]]] = {}
        for branch, kind, act in found:
            if has_lock(scope, self) or self._locked_by_helper(branch, scope):
                continue
            by_act.setdefault(act, []).append((branch, kind))
        for act, checks in by_act.items():
            reads = [b for b, k in checks if k == "sequence"]
            picks = [b for b, k in checks if k == "pick"]
            checks = [(b, k) for b, k in checks if k not in ("sequence", "pick")]
            if not checks and picks:
                stored = _stored_at(act, scope)
                self.report(picks[0], f"Picked here by its state, claimed on line {self.line_of(act)}. "
                                      f"{_MESSAGES['pick']}", end_node=stored or act)
                continue
            if not checks:
                self.report(reads[0], f"Read here, stored as a new row on line {self.line_of(act)}. "
                                      f"{_MESSAGES['sequence']}", end_node=act)
                continue
            branch, kind = checks[0]
            starts = [self._read_before(b, scope) or b for b, _ in checks] + reads
            start = min(starts, key=lambda n: self.line_of(n))
            lines = ", ".join(str(self.line_of(b)) for b, _ in checks)
            checked = f"checked on line{'s' if len(checks) > 1 else ''} {lines}"
            where = checked.capitalize() if any(start is b for b, _ in checks) else "Read here, " + checked
            # The finding spans the race window: from the read to the write that trusts what was read, and on to
            # the `save()` or commit that stores a changed attribute.
            stored = _stored_at(act, scope)
            saved = f" (stored on line {self.line_of(stored)})" if stored is not None else ""
            self.report(start, f"{where}, written on line {self.line_of(act)}{saved}. {_MESSAGES[kind]}",
                        end_node=stored or act)

    def _locked_by_helper(self, branch: cst.If, scope: Scope) -> bool:
        """A helper of this module called before the check takes the lock (`_lock_windows(conn, a, b)` running
        `SELECT ... FOR UPDATE`): the check runs under it, whichever row it then reads."""
        for call in scope.calls():
            if not scope.before(call, branch):
                continue
            fn = self._rows.helper(call, scope)
            if fn is not None and has_lock(scope_of(fn, self._rows.module_scope), self):
                return True
        return False

    def _read_before(self, branch: cst.If, scope: Scope) -> cst.CSTNode | None:
        """The earliest statement of this function that read, from the database, a value the `if` tests.

        Follows local names back through plain assignments (`slot = ...fetchone()`, `qty, held = slot`).
        """
        earliest = None
        for name in scope.within(branch.test):
            if not isinstance(name, cst.Name):
                continue
            origin = self._rows.origin(name, branch, scope)
            if origin is None or origin.signed_in:  # the caller's own row is not what the race is about
                continue
            current, at, read = name.value, branch, None
            for _ in range(4):
                binding = scope.binding(current, at)
                if binding is None or binding.at is None or binding.at not in scope.index:
                    break
                read, at = binding.at, binding.at
                value = unwrap(binding.value)
                if isinstance(value, cst.Call) and method(value) in ("fetchone", "fetchall", "fetchmany"):
                    read = last_execute(value, read, scope) or read  # `cur.execute(sql)`, then `cur.fetchone()`
                    break
                while isinstance(value, (cst.Subscript, cst.Attribute)):
                    value = value.value
                if not isinstance(value, cst.Name):
                    break
                current = value.value
            if read is not None and (earliest is None or scope.index[read] < scope.index[earliest]):
                earliest = read
        return earliest


    # --- a free row picked by its state, then claimed ------------------------------------------
    def _free_row_claims(self, scope: Scope) -> list[tuple[cst.CSTNode, cst.Assign]]:
        """`locker = ...where(Locker.status == "free").first()` then `locker.status = "reserved"` and a save, in a
        request handler: the state the query picked by is moved on, with nothing stopping a twin that picked the
        same row. Gives (the statement that picked it, the change)."""
        if not self.ctx.in_handler:
            return []
        found = []
        for change in scope.of_type(cst.Assign):
            if len(change.targets) != 1 or not (is_literal(change.value) or _is_constant(change.value)):
                continue
            target = change.targets[0].target
            if not (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name)):
                continue
            record = self._rows.origin(target.value, change, scope)
            if record is None or record.kind != "row" or record.source != "orm" or record.locked:
                continue
            picked = self._picked_by(target.value.value, target.attr.value, change, scope)
            if picked is None or node_code(picked[1]) == node_code(change.value):
                continue
            if is_saved(change, target.value.value, scope, self.ctx):
                found.append((picked[0], change))
        return found

    def _picked_by(self, name: str, column: str, at: cst.CSTNode, scope: Scope
                   ) -> tuple[cst.CSTNode, cst.BaseExpression] | None:
        """The statement that loaded `name` with a query filtered on `column` equal to a fixed value, and that
        value (`filter_by(status="idle")`, `.where(Locker.status == "free")`), following one result name back
        (`result = await session.execute(select(...))`, then `locker = result.scalar_one_or_none()`)."""
        binding = scope.binding(name, at)
        if binding is None or binding.unpacked or binding.at not in scope.index:
            return None
        values = [unwrap(binding.value)]
        start = binding.at  # where the pick starts: the query's own statement when a result name was followed
        root = chain_root(values[0].func) if isinstance(values[0], cst.Call) else None
        if isinstance(root, cst.Name):
            inner = scope.binding(root.value, binding.at)
            if inner is not None and not inner.unpacked and inner.at in scope.index:
                values.append(unwrap(inner.value))
                start = inner.at
        calls = [c for value in values for c in ([value, *scope.calls_within(value)] if value in scope.index else [])
                 if isinstance(c, cst.Call) and method(c) in ("filter", "filter_by", "where", "get")]
        # A row named by its key (`filter_by(id=refund_id, status="requested")`, `code=...`) is one record's status
        # check, judged as such; a pick takes any row of a pool in that state.
        for call in calls:
            for arg in call.args:
                key = arg.keyword.value if arg.keyword is not None else (
                    arg.value.left.attr.value if isinstance(arg.value, cst.Comparison)
                    and isinstance(arg.value.left, cst.Attribute) else "")
                if _UNIQUE_KEY.search(key):
                    return None
        for call in calls:
            for arg in call.args if method(call) != "get" else ():
                if arg.keyword is not None and arg.keyword.value == column and (
                        is_literal(arg.value) or _is_constant(arg.value)):
                    return start, arg.value
                test = arg.value
                if (arg.keyword is None and isinstance(test, cst.Comparison) and len(test.comparisons) == 1
                        and isinstance(test.comparisons[0].operator, cst.Equal)
                        and isinstance(test.left, cst.Attribute) and test.left.attr.value == column
                        and (is_literal(test.comparisons[0].comparator)
                             or _is_constant(test.comparisons[0].comparator))):
                    return start, test.comparisons[0].comparator
        return None

    # --- a next number: the last one read, plus one, inserted -----------------------------------
    def _next_number_races(self, scope: Scope) -> list[tuple[cst.CSTNode, cst.Call]]:
        """`pos = last["pos"] + 1` read from a table, then `INSERT INTO` that table with `pos`: two requests read
        the same last number and store the same next one (two invoices numbered 42)."""
        found = []
        for call in scope.calls():
            table = self._created_model(call, scope) if method(call) in _SQL_RUNNERS else None
            if table is None:
                continue
            params = positional(call, 1)
            values = [el.value for el in params.elements] if isinstance(params, (cst.Tuple, cst.List)) else \
                [arg.value for arg in call.args[1:] if arg.keyword is None]
            for value in values:
                read = self._next_of(value, table, call, scope)
                if read is not None:
                    found.append((read, call))
                    break
        return found

    def _next_of(self, value: cst.BaseExpression, table: str, at: cst.CSTNode, scope: Scope) -> cst.CSTNode | None:
        """The statement that read the number `value` adds one to, when it was read from `table`."""
        read_at: cst.CSTNode = at
        if isinstance(value, cst.Name):
            binding = scope.binding(value.value, at)
            if binding is None or binding.unpacked or binding.at not in scope.index:
                return None
            value, read_at = unwrap(binding.value), binding.at
        if not (isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add)
                and isinstance(value.right, cst.Integer)):
            return None
        found = self._rows.origin(value.left, read_at, scope)
        if found is None or found.source != "sql" or found.kind != "value" or not same_model(found.model, table):
            return None
        # `pos = last["pos"] + 1`: the read is where `last` was loaded; `cur.fetchone()["latest"] + 1` reads here.
        root = value.left
        while isinstance(root, (cst.Subscript, cst.Attribute)):
            root = root.value
        if isinstance(root, cst.Name):
            row = self._rows.origin(root, read_at, scope)
            binding = scope.binding(root.value, read_at)
            if row is not None and row.kind == "row" and binding is not None and binding.at in scope.index:
                return binding.at
        return read_at

    # --- existence: if not exists: insert / if exists: return; insert ---------------------------
    def _existence_race(self, branch: cst.If, scope: Scope) -> cst.Call | None:
        """The insert that an existence check guards, if there is one."""
        found = polarity(branch.test)
        if found is None:
            return None
        subject, present = found
        model = self._checked_model(subject, branch, scope)
        if model is None and isinstance(subject, cst.Call):
            # `if not _berth_is_free(...)` where the helper returns `clash is None`: the helper's own test.
            tested = self._helper_existence(subject, scope)
            if tested is not None:
                model, present = tested[0], present == tested[1]
        if model is None:
            return None
        if scope.innermost_loop(branch) is not None and not self.ctx.is_handler():
            return None  # an import or sync job going through its input: one writer per record
        if present:
            # `if exists: reject` then insert after the if, or `if exists: ... else: insert`.
            candidates = scope.calls_within(branch.orelse) if isinstance(branch.orelse, cst.Else) else []
            if ends_in_leave(branch.body):
                candidates += [c for c in scope.calls() if scope.index[c] > scope.last[branch]]
        else:
            candidates = scope.calls_within(branch.body)
        created = next((c for c in candidates if same_model(self._created_model(c, scope), model)), None)
        if created is not None or not present or not ends_in_leave(branch.body):
            return created
        return self._moved_into_checked(subject, model, branch, scope)

    def _moved_into_checked(self, subject: cst.BaseExpression, model: str, branch: cst.If,
                            scope: Scope) -> cst.CSTNode | None:
        """`taken = db.scalar(select(Subscription.id).where(Subscription.seat_id == seat.id, ...))`, `if taken:
        raise`, then `sub.seat_id = seat.id` on a record of that model: the check guards a move into the slot it
        found free, as an insert would."""
        query = subject
        if isinstance(subject, cst.Name):
            binding = scope.binding(subject.value, branch)
            query = binding.value if binding is not None and not binding.unpacked else None
        if query is None or query not in scope.index:
            return None
        columns = {node.left.attr.value: node_code(node.comparisons[0].comparator)
                   for node in scope.within(query) if isinstance(node, cst.Comparison) and len(node.comparisons) == 1
                   and isinstance(node.comparisons[0].operator, cst.Equal) and isinstance(node.left, cst.Attribute)
                   and (attribute_path(node.left.value) or "") == model}
        for assign in scope.of_type(cst.Assign):
            if scope.index[assign] <= scope.last[branch]:
                continue
            for target in _targets(assign):
                if (isinstance(target, cst.Attribute) and target.attr.value in columns
                        and node_code(assign.value) == columns[target.attr.value]
                        and isinstance(target.value, cst.Name)):
                    found = self._rows.origin(target.value, assign, scope)
                    if found is not None and found.kind == "row" and same_model(found.model, model):
                        return assign
        return None

    def _helper_existence(self, call: cst.Call, scope: Scope) -> tuple[str, bool] | None:
        """For a helper of this module that returns an existence test (`return clash is None`,
        `return Booking.query.filter(...).first() is not None`) of an unlocked query: the model tested, and True
        when the helper returns True for a record that exists."""
        fn = self._rows.helper(call, scope)
        if fn is None:
            return None
        inner = scope_of(fn, self._module_scope)
        if has_lock(inner, self):
            return None
        for ret in inner.of_type(cst.Return):
            tested = polarity(ret.value) if ret.value is not None else None
            if tested is None or not isinstance(tested[0], (cst.Call, cst.Name)) or tested[0] is ret.value:
                continue  # `return row` is a record, not a test; the `if` judges it as one
            model = self._checked_model(tested[0], ret, inner)
            if model is not None:
                return model, tested[1]
        return None

    def _checked_model(self, subject: cst.BaseExpression, at: cst.CSTNode, scope: Scope) -> str | None:
        """Which model or table an existence test looks at, through a name bound to a query above."""
        value = subject
        if isinstance(subject, cst.Name):
            binding = scope.binding(subject.value, at)
            if binding is None or binding.unpacked:
                return None
            if binding.at not in scope.index:
                return None  # a module-level name: not a check made in this function
            value = unwrap(binding.value)
            at = binding.at
            loads = isinstance(value, cst.Call) and (
                is_row_load(value, scope, self.ctx) or is_query_call(value, scope, self.ctx))
            if not loads:
                found = self._rows.origin(value, at, scope)
                return found.model if found is not None and found.kind in ("row", "rows") and not found.locked \
                    and found.source != "redis" else None
        if not isinstance(value, cst.Call):
            return None
        orm = orm_model(value, scope, self.ctx) or self._query_named_before(value, at, scope)
        if orm is not None:
            return orm[1]
        selected = next((c for c in scope.calls_within(value) if method(c) == "select" and c.args), None)
        if selected is not None:
            return (attribute_path(selected.args[0].value) or "").split(".")[0] or None
        if method(value) in ("fetchone", "fetchrow", "fetchval", "fetch_one", "fetch_val", "first", "scalar"):
            found = self._rows.origin(value, at, scope)
            return found.model if found is not None and found.source == "sql" else None
        return None

    def _query_named_before(self, call: cst.Call, at: cst.CSTNode, scope: Scope) -> tuple[str, str] | None:
        """`taken = Booking.objects.filter(...)` then `if taken.exists():`: the query the tested chain starts from."""
        root = chain_root(call.func)
        if not isinstance(root, cst.Name):
            return None
        binding = scope.binding(root.value, at)
        if binding is None or binding.unpacked or binding.at not in scope.index or not isinstance(
                unwrap(binding.value), cst.Call):
            return None
        return orm_model(unwrap(binding.value), scope, self.ctx)

    def _created_model(self, call: cst.Call, scope: Scope) -> str | None:
        """The model or table a call inserts into, if it inserts."""
        name = method(call)
        orm = orm_model(call, scope, self.ctx)
        if orm is not None and orm[0] == "django" and name in _CREATES:
            return orm[1]
        recv = receiver(call)
        if name in ("add", "add_all") and recv is not None and db_write(call, scope, self.ctx) and call.args:
            return _constructed(call.args[0].value, call, scope)
        if name == "save" and recv is not None and positional(call) is None:
            return _constructed(recv, call, scope) or self._serializer_model(recv)
        if name in ("create", "insert") and isinstance(recv, cst.Name) and is_camel(recv.value):
            return recv.value
        if name in _SQL_RUNNERS and self._rows.sql_verb(positional(call), scope) == "INSERT":
            return self._rows.table(positional(call), scope)
        return None

    def _serializer_model(self, saved: cst.BaseExpression) -> str | None:
        """In a DRF view's `perform_create(self, serializer)`, `serializer.save(...)` inserts a row of the model its
        `serializer_class` names in `Meta.model` (a serializer class of this module)."""
        function, ctx = self.ctx.function, self.ctx
        if (function is None or function.name.value != "perform_create" or not ctx.class_stack
                or self._module is None or not isinstance(saved, cst.Name) or saved.value != "serializer"):
            return None
        named = _class_value(ctx.class_stack[-1], "serializer_class")
        serializer = next((c for c in self._module.body if isinstance(c, cst.ClassDef) and isinstance(named, cst.Name)
                           and c.name.value == named.value), None)
        if serializer is None:
            # Imported from a serializers module: a generic view's serializer is for the model its queryset serves.
            return self._queryset_model(ctx.class_stack[-1])
        meta = next((c for c in body_statements(serializer.body) if isinstance(c, cst.ClassDef)
                     and c.name.value == "Meta"), None)
        model = _class_value(meta, "model") if meta is not None else None
        return model.value if isinstance(model, cst.Name) else None

    def _queryset_model(self, view: cst.ClassDef) -> str | None:
        """The model a DRF view serves: `queryset = Booking.objects...`, or `get_queryset` returning
        `Booking.objects...`."""
        served = [_class_value(view, "queryset")]
        served += [node.value for line in body_statements(view.body)
                   if isinstance(line, cst.FunctionDef) and line.name.value == "get_queryset"
                   for node in descendants(line.body) if isinstance(node, cst.Return)]
        for expr in served:
            orm = orm_model(expr, self._module_scope, self.ctx) if expr is not None else None
            if orm is not None and orm[0] == "django":
                return orm[1]
        return None

    def _written_model(self, call: cst.Call, scope: Scope) -> str | None:
        """The model or table a call inserts into, updates or deletes from (also one handed to a thread)."""
        handed = handed_function(call, self.ctx)
        if handed is not None:
            call = handed
        created = self._created_model(call, scope)
        if created is not None:
            return created
        name = method(call)
        if name in ("update", "delete", "bulk_update") or name in _UPSERTS:
            orm = orm_model(call, scope, self.ctx)
            return orm[1] if orm is not None else None
        if name in _SQL_RUNNERS and self._rows.sql_verb(positional(call), scope) in ("UPDATE", "DELETE", "INSERT"):
            return self._rows.table(positional(call), scope)
        return None

    # --- a checked value acted on: balance, stock, status, a Redis key ---------------------------
    def _condition_race(self, branch: cst.If, scope: Scope) -> tuple[str, cst.CSTNode] | None:
        """"quantity" or "state", and the write, when a condition on a value read from the database guards it."""
        guarded = [(_conjuncts(branch.test), (scope.index[branch.body], scope.last[branch.body] + 1))]
        if ends_in_leave(branch.body):  # `if a or b: return`: each one alone guards what follows
            guarded.append((disjuncts(branch.test), (scope.last[branch] + 1, _reach_end(branch, scope))))
        for conditions, region in guarded:
            race = self._guarded_race(conditions, region, branch, scope)
            if race is not None:
                return race
        return None

    def _guarded_race(self, conditions: list[cst.BaseExpression], region: tuple[int, int], branch: cst.If,
                      scope: Scope) -> tuple[str, cst.CSTNode] | None:
        for condition in conditions:
            sides = _checked_sides(condition)
            # `free = sailing.capacity - sailing.used`, then `if needed > free: raise`: the fields it is made of.
            # Not against a constant: `if owed <= 0: return` asks whether anything is left to do.
            if not any(is_literal(unwrap(side)) for side, _ in sides):
                sides += [(term, kind) for side, kind in sides if kind == "order"
                          for term in _derived_from_fields(side, branch, scope)]
            for side, kind in sides:
                found = self._rows.origin(side, branch, scope)
                if found is None or found.locked:
                    continue
                if found.source == "redis":
                    if _value_used_in(side, branch.body, scope):
                        continue  # `if cached: return cached`: a cache read, not a flag
                    written = self._redis_written(found.field, region, scope)
                    if written is not None:
                        return "state", written
                    continue
                if found.kind == "attr" and found.source == "orm":
                    path = _path_of(side, scope)
                    act = None if path is None else self._field_acted_on(path, kind, region, scope, condition, side)
                    if act is None and kind == "order" and found.model is not None:
                        act = self._amount_taken(condition, side, found.model, region, scope)
                    if act is not None:
                        return ("quantity" if kind == "order" else kind), act
                    continue
                if (found.kind == "value" and found.source == "sql" and kind == "state" and not found.count
                        and found.model is not None and found.field):
                    # `if ticket["status"] == "used": return` ... `UPDATE tickets SET status = 'used' WHERE id = $1`:
                    # the status moved by a statement that does not test it again.
                    act = next((c for c in self._calls(region, scope)
                                if self._sets_status(c, found.model, found.field, scope)), None)
                    # A side effect in between that carries an idempotency key runs once for both twins; writing
                    # the same status twice then changes nothing.
                    if act is not None and not mentions_idempotency(scope, self):
                        return "state", act
                    continue
                if found.kind == "value" and found.model is not None and (kind == "order" or found.count):
                    # A count guards any write to its table; a column value guards a write of that column.
                    column = None if found.count else found.field
                    # An upsert settles an existence test (`if ...exists(): return`), not a limit (`coming >= cap`).
                    act = next((c for c in self._calls(region, scope) if self._writes(c, found.model, column, scope)
                                and (kind == "order" or method(c) not in _UPSERTS)), None)
                    if act is not None:
                        return "quantity", act
        return None

    def _amount_taken(self, condition: cst.BaseExpression, side: cst.BaseExpression, model: str,
                      region: tuple[int, int], scope: Scope) -> cst.Call | None:
        """`if vintage.sellable < quantity: raise`, then `Vintage.objects.filter(pk=vintage_id).update(
        bottles_on_hand=F("bottles_on_hand") - quantity)`: the amount the check compared is taken from the same
        model by an update statement, whatever the field the check read is called (a property, a derived figure)."""
        if not isinstance(condition, cst.Comparison) or len(condition.comparisons) != 1:
            return None
        checked = {node_code(unwrap(side))}
        amounts = {node_code(unwrap(other)) for other in (condition.left, condition.comparisons[0].comparator)
                   if node_code(unwrap(other)) not in checked}
        for call in self._calls(region, scope):
            if method(call) not in ("update", "values") or not same_model(self._written_model(
                    next((c for c in scope.calls_within(call) if method(c) == "update"), call), scope), model):
                continue
            for arg in call.args:
                value = unwrap(arg.value)
                if (arg.keyword is not None and isinstance(value, cst.BinaryOperation)
                        and isinstance(value.operator, (cst.Subtract, cst.Add))
                        and node_code(unwrap(value.right)) in amounts):
                    return call
        return None

    def _writes(self, call: cst.Call, model: str, column: str | None, scope: Scope) -> bool:
        if not same_model(self._written_model(call, scope), model):
            return False
        if column is None:
            return True
        if method(call) in ("execute", "executemany"):
            text = self._rows.sql(positional(call), scope)
            return text is not None and column in update_columns(text[0])[0]
        return any(arg.keyword is not None and arg.keyword.value == column for arg in call.args)

    def _sets_status(self, call: cst.Call, model: str, column: str, scope: Scope) -> bool:
        """An UPDATE of the model's table that sets the column to a fixed value (`status = 'used'`) and does not
        test it in its WHERE clause."""
        if method(call) not in ("execute", "executemany") or self._rows.sql_verb(positional(call), scope) != "UPDATE":
            return False
        if not same_model(self._written_model(call, scope), model):
            return False
        text = self._rows.sql(positional(call), scope)
        if text is None:
            return False
        assigned, where = update_columns(text[0])
        column = column.lower()
        return (column in assigned and column not in where
                and re.search(rf"\b{re.escape(column)}\s*=\s*('[^']*'|TRUE|FALSE|NOW\(\)|CURRENT_TIMESTAMP|CURRENT_DATE)",
                              text[0], re.I) is not None)

    def _calls(self, region: tuple[int, int], scope: Scope) -> list[cst.Call]:
        return [c for c in scope.calls() if region[0] <= scope.index[c] < region[1]]

    def _field_acted_on(self, path: str, kind: str, region: tuple[int, int], scope: Scope,
                        condition: cst.BaseExpression, side: cst.BaseExpression) -> cst.CSTNode | None:
        """`acct.balance` changed and saved after the check; for a status: moved to the state the check rejects
        (`if seat.status != "free"` ... `seat.status = "sold"`), and something else written too. Gives the
        change."""
        # Django keeps a foreign key in `x.owner_id`; `x.owner = user` writes that same column.
        paths = {path, path.removesuffix("_id")} if path.endswith("_id") else {path}
        changes = [n for n in scope.of_type(cst.AugAssign, cst.Assign) if region[0] <= scope.index[n] < region[1]
                   and any(attribute_path(t) in paths for t in _targets(n))]
        if kind == "state":
            changes = [n for n in changes if _flips(condition, side, n)]
        obj, _, field = path.rpartition(".")
        if not changes and kind == "state":
            # `update(Slot).where(Slot.id == slot.id).values(booked=True)`, `Slot.objects.filter(pk=slot.pk)
            # .update(booked=True)`: the same record's flag set by a statement rather than an attribute.
            for call in self._calls(region, scope):
                value = _sets_column(call, field, obj, scope)
                if value is not None and _flips(condition, side, cst.Assign(
                        targets=[cst.AssignTarget(target=cst.Name("_"))], value=value)):
                    return call if self._other_write(obj, region, scope, besides=call) else None
            return None
        if not changes:
            return None
        if not is_saved(changes[0], obj, scope, self.ctx):
            return None
        if kind == "order":  # `if acct.balance >= amount: acct.balance -= amount`, not `if ts > x.seen_at`
            return next((change for change in changes if _arithmetic_change(change, path)), None)
        if self._serves_requests() and any(_claims(n) for n in scope.of_type(cst.Assign)
                                       if region[0] <= scope.index[n] < region[1]
                                       and any(attribute_path(t.value) == obj for t in _targets(n)
                                               if isinstance(t, cst.Attribute))):
            # `if shift.assigned_to_id is not None: 409` ... `shift.assigned_to = staff`; `pass.redeemed_by = user`
            return changes[0]
        return changes[0] if self._other_write(obj, region, scope) else None

    def _act_model(self, act: cst.CSTNode, scope: Scope) -> str | None:
        """The model or table a write changes, when a call names it (an attribute change does not)."""
        return self._written_model(act, scope) if isinstance(act, cst.Call) else None

    def _serves_requests(self) -> bool:
        """A request handler, or a function of the module that one of its handlers calls by name
        (`_allocate(db, ...)` shared by two booking routes): it runs for a request as the handler does."""
        if self.ctx.in_handler:
            return True
        function = self.ctx.function
        if function is None or len(self.ctx.function_stack) != 1 or self.ctx.class_stack or self._module is None:
            return False
        if self._handler_callees is None:
            self._handler_callees = {node.func.value for handler, _cls in module_handlers(self._module, self.ctx)
                                     for node in own_nodes(handler.body)
                                     if isinstance(node, cst.Call) and isinstance(node.func, cst.Name)}
        return function.name.value in self._handler_callees

    def _other_write(self, obj: str, region: tuple[int, int], scope: Scope, besides: cst.Call | None = None) -> bool:
        """Something else written after a status check: an insert, an update, another record changed."""
        for call in self._calls(region, scope):
            if besides is not None and (call is besides or scope.contains(besides, call)
                                        or scope.contains(call, besides)):
                continue  # the statement that sets the flag itself
            name = method(call)
            if name in ("commit", "flush", "rollback", "refresh", "close", "expunge") or scope.in_except(call):
                continue  # an except branch records a failure; it is not the write the status check guards
            if name == "save" and attribute_path(receiver(call) or cst.Name("_")) == obj:
                continue
            if db_write(call, scope, self.ctx) is not None:
                return True
            if self._created_model(call, scope) is not None:
                return True
        for node in scope.of_type(cst.AugAssign, cst.Assign):
            if not region[0] <= scope.index[node] < region[1]:
                continue
            if isinstance(node, cst.Assign) and (is_literal(node.value) or _is_constant(node.value)):
                continue  # `locker.status = "free"`: a twin writes the same value, so letting it through changes nothing
            for target in _targets(node):
                if isinstance(target, cst.Attribute) and attribute_path(target.value) != obj:
                    record = self._rows.origin(target.value, node, scope)
                    if record is not None and record.is_record and record.source == "orm":
                        return True
        return False

    def _redis_written(self, key: str | None, region: tuple[int, int], scope: Scope) -> cst.Call | None:
        for call in self._calls(region, scope):
            if method(call) not in _REDIS_SETS or not call.args or not is_redis(receiver(call), scope, self):
                continue
            if any(arg.keyword is not None and arg.keyword.value == "nx" for arg in call.args):
                continue
            if node_code(call.args[0].value) == key or (
                    method(call) == "hset" and len(call.args) > 1
                    and node_code(call.args[0].value) + "|" + node_code(call.args[1].value) == key):
                return call
        return None


# Columns that name one row: a pick by them is one record's status check, not a pick from a pool.
_UNIQUE_KEY = re.compile(r"^(id|pk|uuid)$|(code|token|number|reference|uuid|slug)$")
_MESSAGES = {
    "existence": "This existence check and the insert that depends on it are not atomic: two concurrent requests "
                 "both pass the check and both insert.",
    "quantity": "This balance or stock check and the update that depends on it are not atomic: two concurrent "
                "requests both pass the check and the value is spent twice.",
    "state": "This status check and the write that depends on it are not atomic: two concurrent requests both see "
             "the old status and both act on it.",
    "pick": "Two concurrent requests pick the same free row and both claim it (one locker, drone or slot given "
            "twice): lock the pick (`with_for_update(skip_locked=True)`, `select_for_update(skip_locked=True)`) or "
            "claim it with a conditional update whose row count is checked.",
    "sequence": "Two concurrent requests read the same last number and store the same next one (two invoices "
                "numbered alike, two entries in one queue position): use a sequence, or a unique constraint whose "
                "violation is retried.",
}
_REDIS_SETS = frozenset({"set", "setex", "psetex", "hset", "sadd", "incr", "incrby", "decr", "decrby"})


def _reach_end(branch: cst.If, scope: Scope) -> int:
    """Where the code that can run after `branch` ends: at the end of the innermost block around it that returns or
    raises (an `except` that falls back to the cache and returns never reaches the code after its `try`), else at
    the end of the function."""
    for ancestor in scope.ancestors(branch):
        if ancestor is scope.root:
            break
        statements = body_statements(ancestor) if isinstance(ancestor, cst.BaseSuite) else []
        last = statements[-1] if statements else None
        # Not `continue` or `break`: the code after the loop still runs.
        if (ends_in_leave(ancestor) if statements else False) and not (
                isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], (cst.Continue, cst.Break))):
            return scope.last[ancestor] + 1
    return len(scope.nodes)


def _conjuncts(test: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _conjuncts(test.left) + _conjuncts(test.right)
    return [test]


def _checked_sides(condition: cst.BaseExpression) -> list[tuple[cst.BaseExpression, str]]:
    """The values a condition looks at, with "order" (`<`, `>=`...) or "state" (`==`, `is`, truth)."""
    if isinstance(condition, cst.UnaryOperation) and isinstance(condition.operator, cst.Not):
        return [(side, "state") for side, _ in _checked_sides(condition.expression)]
    if isinstance(condition, cst.Comparison):
        if len(condition.comparisons) != 1:
            return []
        operator = condition.comparisons[0].operator
        kind = "order" if isinstance(operator, _ORDERING) else "state"
        sides = [condition.left, condition.comparisons[0].comparator]
        if kind == "order":  # `slot["sold"] + quantity > slot["capacity"]`: the stock is a term of the sum
            sides += [term for side in sides if isinstance(side, cst.BinaryOperation) for term in _terms(side)]
        return [(side, kind) for side in sides if not (isinstance(side, cst.Name) and side.value == "None")]
    if isinstance(condition, (cst.Attribute, cst.Name, cst.Call)):
        return [(condition, "state")]
    return []


def _derived_from_fields(side: cst.BaseExpression, at: cst.CSTNode, scope: Scope) -> list[cst.BaseExpression]:
    """The record fields (and helper calls) a local compared in a check was computed from: `remaining =
    book.allocation - book.taken` gives `book.allocation` and `book.taken`; `remaining = night.hours_available -
    hours_allocated(night)` gives the helper's total too. Not `amount = min(card.balance, due)`: `if amount <= 0`
    asks whether there is anything to do, and the write then takes no more than there was (a lost update, DB004)."""
    side = unwrap(side)
    if not isinstance(side, cst.Name) or side not in scope.index:
        return []
    binding = scope.binding(side.value, at)
    if binding is None or binding.unpacked or binding.value is None:
        return []
    value = unwrap(binding.value)
    parts = _terms(value) if isinstance(value, cst.BinaryOperation) else []
    return [unwrap(part) for part in parts if isinstance(unwrap(part), (cst.Attribute, cst.Call))]


def _terms(expr: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The operands of a sum or difference (`sold + quantity` gives `sold` and `quantity`)."""
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.Add, cst.Subtract)):
        return [*_terms(expr.left), *_terms(expr.right)] or [expr.left, expr.right]
    return [expr] if not isinstance(expr, cst.BinaryOperation) else []


def _flips(condition: cst.BaseExpression, side: cst.BaseExpression, change: cst.AugAssign | cst.Assign) -> bool:
    """The change moves the field to a fixed next state, so the check would now turn a twin away:
    a literal (`"sold"`, `True`) or a named constant (`OrderStatus.ASSIGNED`), the value compared with
    (`if new == x.status: return` ... `x.status = new`), or
    any value after a truth or `None` test (`if x.sent_at is not None` ... `x.sent_at = now()`). Setting it to
    whatever the request asked for (`user.role = form.role`) is an edit, not a guarded transition."""
    if isinstance(change, cst.AugAssign):
        return True
    value = change.value
    if _stays_accepted(condition, value):
        return False
    if is_literal(value) or _is_constant(value):
        return True
    if isinstance(condition, cst.UnaryOperation):
        condition = condition.expression
    if not isinstance(condition, cst.Comparison):
        return True  # `if x.used:` / `if not x.sent_at:`
    operator, right = condition.comparisons[0].operator, condition.comparisons[0].comparator
    if isinstance(operator, (cst.Is, cst.IsNot)) and isinstance(right, cst.Name) and right.value == "None":
        return True
    other = right if side is condition.left else condition.left
    return node_code(other) == node_code(value)


def _sets_column(call: cst.Call, field: str, obj: str, scope: Scope) -> cst.BaseExpression | None:
    """The value an UPDATE statement gives `field` on the record `obj` names: SQLAlchemy
    `update(Model).where(Model.id == obj.id).values(field=...)` or Django `Model.objects.filter(pk=obj.pk)
    .update(field=...)`, the record picked by an expression that reads `obj`."""
    name = method(call)
    if name not in ("values", "update") or call not in scope.index:
        return None
    value = next((arg.value for arg in call.args if arg.keyword is not None and arg.keyword.value == field), None)
    if value is None:
        return None
    chain = scope.calls_within(call)
    if name == "values" and not any(method(c) == "update" and c is not call for c in chain):
        return None
    picks = [c for c in chain if method(c) in ("where", "filter", "filter_by")]
    reads_obj = any(isinstance(n, cst.Name) and n.value == obj for c in picks for n in scope.within(c))
    return value if reads_obj else None

def _claims(change: cst.AugAssign | cst.Assign) -> bool:
    """A request handler takes the record for someone (`shift.assigned_to = staff`, `slot.held_by_id = user.id`):
    two requests both pass the check and the second silently takes it from the first, who was told it was theirs.
    A fixed value (`"sold"`, `True`, `now()`) written twice changes nothing by itself."""
    if not isinstance(change, cst.Assign):
        return False
    value = unwrap(change.value)
    return isinstance(value, (cst.Name, cst.Attribute)) and not is_literal(value) and not _is_constant(value)


def _stays_accepted(condition: cst.BaseExpression, value: cst.BaseExpression) -> bool:
    """`if c.status not in ("scheduled", "sending"): return` ... `c.status = "sending"`: the new state is one the
    check lets through, so it turns no twin away and guards nothing."""
    if not isinstance(condition, cst.Comparison) or len(condition.comparisons) != 1:
        return False
    operator, right = condition.comparisons[0].operator, condition.comparisons[0].comparator
    new = node_code(value)
    if isinstance(operator, cst.NotIn) and isinstance(right, (cst.Tuple, cst.List, cst.Set)):
        return any(node_code(element.value) == new for element in right.elements)
    if isinstance(operator, cst.NotEqual):
        return node_code(right) == new or node_code(condition.left) == new
    return False


def _is_constant(value: cst.BaseExpression) -> bool:
    """A named constant: `OrderStatus.ASSIGNED`, `Status.PAID.value`, `SOLD`."""
    parts = (attribute_path(value) or "").split(".")
    if parts[-1] == "value" and len(parts) > 2:
        parts = parts[:-1]
    return len(parts[-1]) > 1 and parts[-1].isupper()


def _arithmetic_change(change: cst.AugAssign | cst.Assign, path: str) -> bool:
    """`x.qty -= n` or `x.qty = x.qty - n`: the checked amount itself goes up or down."""
    if isinstance(change, cst.AugAssign):
        return True
    stack = [change.value]
    while stack:
        value = stack.pop()
        if is_arithmetic(value):
            stack += [value.left, value.right]
        elif attribute_path(value) == path and value is not change.value:
            return True
    return False


def _value_used_in(side: cst.BaseExpression, body: cst.BaseSuite, scope: Scope) -> bool:
    """The value read for the check is used inside the `if` (returned, decoded): it is data, not a flag."""
    if not isinstance(side, cst.Name):
        return False
    return any(isinstance(node, cst.Name) and node.value == side.value for node in scope.within(body))


def _path_of(node: cst.CSTNode, scope: Scope) -> str | None:
    """`acct.balance`, or the attribute a local name was read from (`balance = acct.balance`)."""
    if isinstance(node, cst.Name):
        binding = scope.binding(node.value, node)
        if binding is not None and not binding.unpacked and isinstance(binding.value, cst.Attribute):
            return attribute_path(binding.value)
        return None
    return attribute_path(node) if isinstance(node, cst.Attribute) else None


def _constructed(expr: cst.BaseExpression, at: cst.CSTNode, scope: Scope) -> str | None:
    """`Model(...)`, a name bound to one, or a list of them (`add_all`): the model a new object belongs to."""
    if isinstance(expr, cst.Name):
        binding = scope.binding(expr.value, at)
        expr = binding.value if binding is not None and not binding.unpacked else expr
    if isinstance(expr, (cst.ListComp, cst.GeneratorExp)):
        expr = expr.elt  # `session.add_all([Hold(seat_id=s, ...) for s in seat_ids])`
    elif isinstance(expr, (cst.List, cst.Tuple)) and expr.elements:
        expr = expr.elements[0].value
    if isinstance(expr, cst.Call):
        name = (attribute_path(expr.func) or "").rsplit(".", 1)[-1]
        return name if is_camel(name) else None
    return None


def _targets(node: cst.CSTNode) -> list[cst.BaseExpression]:
    if isinstance(node, cst.AugAssign):
        return [node.target]
    return [t.target for t in node.targets]


def _class_value(cls: cst.ClassDef, name: str) -> cst.BaseExpression | None:
    """What a class body assigns to `name` first (`serializer_class = EntrySerializer`, `model = DrawEntry`)."""
    return next((small.value for line in body_statements(cls.body) if isinstance(line, cst.SimpleStatementLine)
                 for small in line.body if isinstance(small, cst.Assign)
                 and any(isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets)), None)
