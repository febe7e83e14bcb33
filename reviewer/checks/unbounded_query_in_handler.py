"""DB002: a request handler that loads a whole table with no limit or pagination."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import PythonCheck, is_none, keyword
from reviewer.checks._rows import node_code
from reviewer.checks._security import is_request_input
from reviewer.checks._data import (
    Scope,
    appended,
    attribute_path,
    bound_here,
    chain_methods,
    chain_root,
    is_camel,
    is_chain_link,
    is_dbish,
    method,
    not_production_code,
    orm_model,
    positional,
    receiver,
    scope_of,
    string_text,
    tokens,
    unwrap,
)

# Any of these in the query bounds it (or aggregates it): not a whole-table load.
_BOUNDING = frozenset({"limit", "paginate", "get", "first", "one", "one_or_none", "slice", "offset", "group_by",
                       "distinct", "count", "having", "get_or_404", "first_or_404", "in_bulk", "aggregate", "exists",
                       "none", "fetch", "with_parent", "scalar", "scalar_one", "scalar_one_or_none", "[]",
                       "with_for_update", "select_for_update"})
# These narrow the rows but do not bound them: `filter(status="published")` grows with the table.
_FILTERING = frozenset({"filter", "filter_by", "where", "exclude"})
# The end of a Django queryset chain that still reads every row once consumed.
_DJANGO_UNBOUNDED = frozenset({"all", "order_by", "values", "values_list", "only", "defer", "select_related",
                               "prefetch_related", "annotate", "using", "reverse", "filter", "exclude"})
# Reference tables that stay small by nature: loading them whole is normal.
_LOOKUP_WORDS = frozenset({"category", "categories", "country", "countries", "currency", "currencies", "language",
                           "languages", "role", "roles", "permission", "permissions", "setting", "settings",
                           "config", "configuration", "plan", "plans", "status", "statuses", "region", "regions",
                           "timezone", "timezones", "locale", "locales", "feature", "features", "flag", "flags",
                           "group", "groups", "type", "types", "tag", "tags", "unit", "units"})
# The business's own places, equipment and staff, and the rules and sections that organise them: their number grows
# with the business's size, not with its customers or its history, so listing them all is a roster, not a growing
# listing (the kilns of a studio, a depot's lockers, a choir's sections).
_RESOURCE_WORDS = frozenset({
    "room", "rooms", "bed", "beds", "ward", "wards", "desk", "desks", "locker", "lockers", "machine", "machines",
    "kiln", "kilns", "oven", "ovens", "fridge", "fridges", "freezer", "freezers", "tank", "tanks", "boat", "boats",
    "vessel", "vessels", "vehicle", "vehicles", "truck", "trucks", "van", "vans", "drone", "drones", "robot",
    "robots", "court", "courts", "lane", "lanes", "bay", "bays", "dock", "docks", "berth", "berths", "tool", "tools",
    "printer", "printers", "warehouse", "warehouses", "depot", "depots", "branch", "branches", "venue", "venues",
    "clinic", "clinics", "studio", "studios", "kitchen", "kitchens", "staff", "employee", "employees", "technician",
    "technicians", "driver", "drivers", "courier", "couriers", "instructor", "instructors", "artist", "artists",
    "crew", "crews", "pilot", "pilots", "nurse", "nurses", "mechanic", "mechanics", "shearer", "shearers", "guide",
    "guides", "rule", "rules", "section", "sections"})
# Records one owner keeps only a few of: a user's addresses, devices, keys.
_FEW_PER_OWNER = frozenset({"address", "addresses", "device", "devices", "key", "keys", "token", "tokens", "card",
                            "cards", "membership", "memberships", "preference", "preferences", "credential",
                            "credentials", "webhook", "webhooks", "team", "teams", "workspace", "workspaces"})
# Records that pile up under one parent for as long as it lives: listing them for one parent still grows.
_ACCUMULATING = frozenset({
    "message", "messages", "event", "events", "log", "logs", "entry", "entries", "reading", "readings", "sample",
    "samples", "telemetry", "notification", "notifications", "transaction", "transactions", "order", "orders",
    "payment", "payments", "activity", "activities", "audit", "comment", "comments", "post", "posts", "view",
    "views", "click", "clicks", "visit", "visits", "ping", "pings", "position", "positions", "history", "metric",
    "metrics", "job", "jobs", "task", "tasks", "session", "sessions", "booking", "bookings", "invoice", "invoices",
    "ticket", "tickets", "shipment", "shipments", "reservation", "reservations", "charge", "charges",
    "measurement", "measurements", "trip", "trips", "ride", "rides", "delivery", "deliveries", "attempt",
    "attempts", "revision", "revisions", "snapshot", "snapshots", "sale", "sales", "purchase", "purchases",
    "appointment", "appointments", "loan", "loans", "claim", "claims", "review", "reviews", "result", "results",
    "scan", "scans", "checkin", "checkins", "rental", "rentals", "donation", "donations"})
# Records a machine writes many times an hour (a vehicle's positions, a sensor's readings): even one owner's month of
# them is too many rows for one response.
_HIGH_RATE = frozenset({"reading", "readings", "sample", "samples", "telemetry", "ping", "pings", "position",
                        "positions", "metric", "metrics", "measurement", "measurements", "click", "clicks", "log",
                        "logs", "event", "events", "heartbeat", "heartbeats"})
# The parts of one parent record: the lines of an order, the items of a cart, the images of a product.
_PART_WORDS = frozenset({"line", "lines", "item", "items", "detail", "details", "option", "options", "variant",
                         "variants", "image", "images", "photo", "photos", "attachment", "attachments", "part", "parts",
                         "step", "steps", "field", "fields", "member", "members", "address", "addresses", "price",
                         "prices", "link", "links", "choice", "choices", "answer", "answers", "participant",
                         "participants", "slot", "slots", "version", "versions"})
# `FOR UPDATE` claims the rows to change them in this transaction: a work set, not a listing to page.
_SQL_BOUNDED = re.compile(r"\b(LIMIT|FETCH\s+(FIRST|NEXT)|TOP|OFFSET|GROUP\s+BY|DISTINCT|COUNT|SUM|AVG|MIN|MAX|FOR\s+UPDATE)\b")
_SQL_TABLE = re.compile(r"\bFROM\s+[\"`\[]?(\w+)")
_SQL_WHERE = re.compile(r"\bWHERE\b(.*?)(\bORDER\s+BY\b|$)")
_SQL_ORDER = re.compile(r"\bORDER\s+BY\b")
# After the last interpolated piece of an ORDER BY only a direction may follow, so no LIMIT can hide in it.
_SQL_DIRECTION_ONLY = re.compile(r"\s*(ASC|DESC)\b\s*(NULLS\s+(FIRST|LAST))?\s*;?\s*")
_HOLE = "{}"
# A piece interpolated from a parameter of the handler (`ORDER BY {sort} {direction}`): a value the client sent,
# not SQL the code wrote, so no LIMIT is hiding in it.
_VALUE = "{value}"
# Calls that read every row of a queryset they are given.
_PANDAS_READERS = ("pandas.read_sql", "pandas.read_sql_query")
_WHOLE_READERS = frozenset({"list", "tuple", "len", "set", "sorted", "JsonResponse"})
_STATEMENT_RUNNERS = frozenset({"scalars", "execute", "scalar", "query", "stream", "stream_scalars", "exec"})


class UnboundedQueryInHandler(PythonCheck):
    """A request handler that reads every row of a table, or a growing listing: `.all()`, `fetchall()`, no LIMIT.

    ## What it does
    Inside request handlers (routed functions, Django views, view-class methods) reports reads with no
    `limit`/`paginate`/slice/`first`/aggregate: `Model.query.all()`, `session.query(Model).all()`,
    `session.scalars(select(Model)).all()` (following a statement built up in a variable:
    `stmt = select(Model)`, `stmt = stmt.where(...)`); a Django queryset (`Model.objects.all()`,
    `.order_by()`, `.values()`...) that is iterated, passed to `list()`/`len()`, or given to a serializer with
    `many=True`, directly or through a variable, also when it is narrowed only inside an `if`; and
    `fetchall()`, asyncpg `fetch()`, `fetch_all()`, `pandas.read_sql()` or Django `Model.objects.raw()` of a `SELECT ... FROM
    table` with no `LIMIT` (also SQL built up with `sql += " ORDER BY ..."`). A filtered query (`filter`, `where`,
    SQL `WHERE`) is reported only when it is also ordered for display (`order_by`, `ORDER BY`) or searches part
    of a text for what the client typed (`name__icontains=q`, `.ilike(f"%{q}%")`, SQL `LIKE`) — a listing or
    search results that grow with the table — and the filter does
    not narrow it to one record (`id`), to a given list of keys (`in_`, `__in`, `IN (...)`, `= ANY(...)`; a
    list of states, `status__in=...`, `Ticket.status.in_(...)`, is not one), to
    the parts of one parent (`OrderLine` by `order_id`, `order_items` by `order_id`), to the children of one
    parent in the ORM (`Attachment` by `ticket_id`, `Payout` by `claim_id`) unless they are records that pile
    up over time (messages, events, readings, orders, bookings, appointments, ...), or to a window of one
    column whose width the code fixes (`starts_at >= day` and `starts_at < day + timedelta(days=1)`,
    `.between(start, start + WEEK)`, `starts_at__date=day`; in SQL `at < %s::date + 1`,
    `+ INTERVAL '7 days'`, `at::date = %s`, `at >= now() - INTERVAL '1 day'`; `at >= %s AND at < %s` given
    `(start, start + timedelta(days=1))`), or to one period by equality on a
    calendar column (`work_date == day`, `week_start = %s`): that listing does not grow with the table's history.
    A window wider than a week (`timedelta(days=31)`, `relativedelta(months=1)`, `start, end = _month_bounds()`)
    counts only when the query is also scoped to an owner (`artist=artist`, `customer_id = %s`, `h.slug = $1`;
    also a year, `takeoff_at__year=year` or `date(season, 1, 1)` to `date(season + 1, 1, 1)`): a month of every
    order grows with the business. Records a machine writes many times an hour (positions, readings, pings,
    events, logs) are not bounded by a window wider than a week even for one owner. asyncpg's numbered values
    (`$2`, `$3`) are matched to the arguments after the query. A table named for its parent (`order_bells`) read
    for one parent (`order_id = %s`) holds that parent's parts, unless its rows pile up (`order_events`).
    The business's own places, equipment and staff (rooms, lockers, kilns, boats, vehicles, drivers,
    technicians...) are listed whole: there are as many as the business owns, however long its history is.
    Rows locked with `FOR UPDATE` (`with_for_update()`, `select_for_update()`) are claimed to be changed in the
    transaction, not listed, and are not reported. Small reference tables
    (categories, countries, currencies, roles, settings...) and records an owner keeps only a few of
    (addresses, devices, API keys, memberships), listed for one owner (`user=request.user`, `user_id = %s`),
    are not reported; every member's membership is a roster that grows. Nor are the records of one owner or
    parent that are still open: a closing time not set yet (`returned_at__isnull=True`, `closed_at.is_(None)`,
    `returned_at IS NULL`), an end still ahead (`ends_at > now()`), or an open state (`status__in=ACTIVE_STATUSES`,
    `status == "booked"`): a member's loans out, a driver's active sessions, the bookings of one class are few
    at any time, however long the history is.

    ## Why is this bad?
    The endpoint works with a hundred rows in development and gets slower every day in production: it
    loads the whole table (or a customer's whole history) into memory, serialises it, and sends it, until
    requests time out or the worker runs out of memory. A client or a crawler calling it in a loop takes the
    database down with it.

    ## Known limits
    A filtered query that is not ordered is not reported, although `Order.query.filter_by(user_id=...).all()`
    can still be large for a busy user. SQL built at run time is judged only when an `ORDER BY` is written out
    and every interpolated piece after it is followed by a direction (`ORDER BY {col} DESC`), so no `LIMIT` can
    hide in it; a piece taken from a parameter of the handler is a value, not SQL, so it is not such a hiding
    place (`ORDER BY {sort} {direction}`); other dynamic SQL is not judged. A fixed window is taken as small
    even on a table that gets thousands of rows a day (also both ends unpacked from one helper named for a
    period, `monday, sunday = _week_of(day)`); a window whose two ends both come from the client is
    judged like any filter. Querysets handed to a template
    (`render(request, ..., {"rows": qs})`) and class-based views' `queryset` attributes are not judged, nor are
    background jobs and scripts: they may legitimately scan. What counts as reference data, as a few records
    per owner, or as the parts of a parent is decided from model and table names. Aggregates (`COUNT`,
    `GROUP BY`, `DISTINCT`, a Django `.values(...).annotate(Sum(...))`) are skipped, although one row per
    customer grows with the customers.
    """

    id = "DB002"
    VALID = (
        # One member's loans still out: a handful at any time, however many the member returned before.
        """
from django.http import JsonResponse

@login_required
def my_loans(request):
    loans = ToolLoan.objects.filter(member=request.user.member, returned_at__isnull=True).order_by("due_back")
    return JsonResponse({"loans": [_loan_json(loan) for loan in loans]})  # ok: DB002
""",
        # One driver's sessions that have not ended yet.
        """
from flask import g, jsonify

@bp.get("/sessions/active")
def active_sessions():
    rows = db().execute(
        "SELECT id, plate, ends_at FROM parking_sessions WHERE user_id = %s AND ends_at > now() ORDER BY ends_at",
        (g.user["id"],),
    ).fetchall()  # ok: DB002
    return jsonify(sessions=rows)
""",
        """
from flask import jsonify, request
from app.models import Order

@app.get("/orders")
def list_orders():
    page = request.args.get("page", 1, type=int)
    orders = Order.query.order_by(Order.created_at.desc()).paginate(page=page, per_page=50)  # ok: DB002
    return jsonify([o.to_dict() for o in orders.items])
""",
        """
from django.core.paginator import Paginator
from django.shortcuts import render

def product_list(request):
    products = Product.objects.all().order_by("name")  # ok: DB002
    page = Paginator(products, 25).get_page(request.GET.get("page"))
    return render(request, "products.html", {"page": page})
""",
        """
def nightly_export(session, writer):
    for user in session.query(User).all():  # ok: DB002
        writer.writerow([user.id, user.email])
""",
        """
from flask import jsonify

@app.route("/countries")
def countries():
    return jsonify([c.name for c in Country.query.all()])  # ok: DB002
""",
        """
from fastapi import FastAPI

@router.get("/users")
def list_users(conn, limit: int = 50):
    cur = conn.cursor()
    cur.execute("SELECT id, email FROM users ORDER BY id LIMIT %s", (limit,))
    return cur.fetchall()  # ok: DB002
""",
        """
from flask import jsonify

@app.get("/invoices/<int:invoice_id>/lines")
def invoice_lines(invoice_id):
    lines = InvoiceLine.query.filter_by(invoice_id=invoice_id).order_by(InvoiceLine.position).all()  # ok: DB002
    return jsonify([line.to_dict() for line in lines])
""",
        """
from fastapi import APIRouter
from sqlalchemy import select

router = APIRouter()

@router.post("/products/batch")
def products_batch(session, ids: list[int]):
    stmt = select(Product).where(Product.id.in_(ids)).order_by(Product.name)
    return session.scalars(stmt).all()  # ok: DB002
""",
        """
from flask import jsonify

@app.get("/boards/<int:board_id>/cards")
def board_cards(board_id):
    cur = db().cursor()
    cur.execute(f"SELECT id, title FROM cards WHERE board_id = %s ORDER BY {column()} " + page_clause(), (board_id,))
    return jsonify(cur.fetchall())  # ok: DB002
""",
        """
from django.http import JsonResponse

def shipment_summary(request):
    rows = Shipment.objects.filter(customer=request.user).order_by("-sent_at")  # ok: DB002
    latest = rows.first()
    return JsonResponse({"count": rows.count(), "latest": latest.code if latest else None})
""",
        # One day of a timetable: the window's width is fixed by the code, not by the table's age.
        """
from datetime import date, timedelta
from flask import jsonify, request

@app.get("/rooms/<int:room_id>/agenda")
def agenda(room_id):
    day = date.fromisoformat(request.args["day"])
    until = day + timedelta(days=1)
    talks = Talk.query.filter(Talk.begins >= day, Talk.begins < until).order_by(Talk.begins).all()  # ok: DB002
    return jsonify([t.title for t in talks])
""",
        """
from flask import Blueprint, jsonify
from sqlalchemy import select
from .db import get_session
from .models import Attachment, Message

bp = Blueprint("tickets", __name__)

@bp.get("/tickets/<int:ticket_id>/attachments")
def list_attachments(ticket_id: int):
    rows = get_session().scalars(
        select(Attachment).where(Attachment.ticket_id == ticket_id).order_by(Attachment.created_at)
    ).all()  # ok: DB002
    return jsonify(items=[a.filename for a in rows])
""",
        # One robot's telemetry for one day: the SQL fixes the window's width.
        """
from flask import jsonify

@app.get("/robots/<robot_id>/telemetry/<day>")
def telemetry(robot_id, day):
    cur = db.cursor()
    cur.execute(
        "SELECT recorded_at, x, y FROM telemetry WHERE robot_id = %s AND recorded_at >= %s::date "
        "AND recorded_at < %s::date + 1 ORDER BY recorded_at",
        (robot_id, day, day),
    )
    return jsonify(rows=cur.fetchall())  # ok: DB002
""",
        # The questions of one quiz: a relation of one record, not the table.
        """
from rest_framework.views import APIView

class QuizSubmitView(APIView):
    def post(self, request, quiz_id):
        quiz = get_object_or_404(Quiz.objects.select_related("lesson"), pk=quiz_id)
        questions = list(quiz.questions.all())  # ok: DB002
        return Response({"score": grade(questions, request.data)})
""",
        # One day's crew board: equality on a calendar column keeps one day's rows.
        """
from datetime import date
from flask import jsonify

@bp.get("/board/<day>")
def day_board(day):
    rows = Assignment.query.filter(Assignment.work_date == date.fromisoformat(day)).order_by(Assignment.crew_id).all()  # ok: DB002
    return jsonify([a.crew_id for a in rows])
""",
        # The rows are claimed with FOR UPDATE to be invoiced in this transaction: a work set, not a listing.
        """
from flask import jsonify

@bp.post("/clients/<int:client_id>/invoice")
def invoice(client_id):
    with db.transaction() as conn:
        jobs = conn.execute(
            "SELECT id, amount FROM jobs WHERE client_id = %s AND invoice_id IS NULL ORDER BY done_at FOR UPDATE",
            (client_id,),
        ).fetchall()  # ok: DB002
        return jsonify(total=sum(j["amount"] for j in jobs))
""",
        # A substring of a value the code holds (a webhook's sale id) finds one record, not search results.
        """
def paypal_webhook(request, event):
    sale = fetch_sale(request.body)
    for payment in Payment.objects.filter(provider="paypal", info__icontains=sale["id"]):  # ok: DB002
        payment.confirm()
""",
        # The client picks the week; the helper fixes its width.
        """
from django.contrib.admin.views.decorators import staff_member_required

@staff_member_required
def rota(request):
    monday, sunday = _week_of(date.fromisoformat(request.GET["week"]))
    jobs = CrewAssignment.objects.filter(work_date__range=(monday, sunday)).order_by("work_date")  # ok: DB002
    return render(request, "rota.html", {"jobs": list(jobs)})
""",
        # The studio's own kilns and a depot's lockers: as many as the business owns, not a growing history. One
        # week of tallies, `BETWEEN` a day and six days later.
        """
from django.http import JsonResponse
from flask import g, jsonify

@staff_member_required
def kiln_board(request):
    kilns = Kiln.objects.filter(active=True).order_by("name")
    return JsonResponse({"kilns": [{"name": k.name} for k in kilns]})  # ok: DB002

@bp.get("/lockers/<int:depot_id>")
def lockers(depot_id):
    with conn.cursor() as cur:
        cur.execute("SELECT id, door FROM lockers WHERE depot_id = %s ORDER BY door", (depot_id,))
        return jsonify(cur.fetchall())  # ok: DB002

@bp.get("/week/<day>")
def weekly_pay(day):
    start = date.fromisoformat(day)
    end = start + timedelta(days=6)
    with conn.cursor() as cur:
        cur.execute("SELECT shearer_id, head FROM tallies WHERE run_date BETWEEN %s AND %s ORDER BY run_date",
                    (start, end))
        return jsonify(cur.fetchall())  # ok: DB002
""",
        # A window the code fixes, scoped to one parent (asyncpg numbers its values: `$2`, `$3`); a year of one
        # pilot's entries; one hut's season; the bells of one order, a table named for its parent.
        """
import datetime
from aiohttp import web

async def availability(request: web.Request) -> web.Response:
    start = datetime.date.today()
    async with request.app[DB].acquire() as conn:
        rows = await conn.fetch(  # ok: DB002
            "SELECT n.night, n.free FROM hut_nights n JOIN huts h ON h.id = n.hut_id "
            "WHERE h.slug = $1 AND n.night BETWEEN $2 AND $3 ORDER BY n.night",
            request.match_info["slug"], start, start + datetime.timedelta(days=30),
        )
    return web.json_response([dict(r) for r in rows])

async def season_export(request: web.Request) -> web.Response:
    season = int(request.query["season"])
    async with request.app[DB].acquire() as conn:
        rows = await conn.fetch(  # ok: DB002
            "SELECT night, guest_name FROM reservations "
            "WHERE hut_id = $1 AND night >= $2 AND night < $3 ORDER BY night",
            int(request.match_info["hut_id"]), datetime.date(season, 1, 1), datetime.date(season + 1, 1, 1),
        )
    return web.json_response([dict(r) for r in rows])
""",
        """
from django.http import JsonResponse

@login_required
def logbook(request, year):
    entries = PilotLogEntry.objects.filter(pilot=request.user, takeoff_at__year=year).order_by("takeoff_at")
    return JsonResponse({"entries": [e.as_dict() for e in entries]})  # ok: DB002

@login_required
def order_detail(request, order_id):
    with connection.cursor() as cur:
        cur.execute("SELECT id, note, weight_kg FROM order_bells WHERE order_id = %s ORDER BY id", [order_id])
        bells = cur.fetchall()  # ok: DB002
    return JsonResponse({"bells": bells})
""",
    )
    INVALID = (
        # One day's rows, the window's ends passed as parameters, and one row per workshop (Django's GROUP BY) are
        # bounded; a window whose two ends the client picks is not.
        """
import datetime as dt
from flask import jsonify, request
from django.db.models import Sum
from rest_framework.response import Response

@bp.get("/board")
def board():
    start = dt.datetime.fromisoformat(request.args["day"])
    with conn.cursor() as cur:
        cur.execute("SELECT id, truck_id FROM deliveries WHERE starts_at >= %s AND starts_at < %s ORDER BY starts_at",
                    (start, start + dt.timedelta(days=1)))
        rows = cur.fetchall()  # ok: DB002
    return jsonify(rows)

@bp.get("/history")
def history():
    with conn.cursor() as cur:
        cur.execute("SELECT id, truck_id FROM deliveries WHERE starts_at >= %s AND starts_at < %s ORDER BY starts_at",
                    (request.args["from"], request.args["to"]))
        rows = cur.fetchall()  # expect: DB002
    return jsonify(rows)

class RevenueView(APIView):
    def get(self, request):
        rows = (WorkshopSession.objects.values("workshop__slug")  # ok: DB002
                .annotate(revenue=Sum("bookings__amount")).order_by("-revenue"))
        return Response(list(rows))
""",
        # A month is wider than a page: a month of every order grows with the business; a month of one artist's
        # bookings, or a week of every booking, does not.
        """
from django.http import JsonResponse
from flask import jsonify

@bp.get("/monthly-sales")
def monthly_sales():
    start, end = _month_bounds()
    with pool.connection() as conn:
        orders = conn.execute(  # expect: DB002
            "SELECT id, total FROM orders WHERE placed_at >= %s AND placed_at < %s ORDER BY placed_at", (start, end),
        ).fetchall()
    return jsonify(orders)

def artist_calendar(request, slug):
    artist = get_object_or_404(Artist, slug=slug, user=request.user)
    start, end = _month_range(request.GET["month"])
    bookings = Booking.objects.filter(  # ok: DB002
        artist=artist, starts_at__gte=start, starts_at__lt=end).order_by("starts_at")
    return JsonResponse({"events": [b.starts_at.isoformat() for b in bookings]})

def season(request):
    start = date.fromisoformat(request.GET["from"])
    rows = Booking.objects.filter(  # expect: DB002
        starts_at__gte=start, starts_at__lt=start + timedelta(days=365)).order_by("starts_at")
    return JsonResponse({"rows": [b.id for b in rows]})

def week(request):
    start = date.fromisoformat(request.GET["from"])
    rows = Booking.objects.filter(  # ok: DB002
        starts_at__gte=start, starts_at__lt=start + timedelta(days=7)).order_by("starts_at")
    return JsonResponse({"rows": [b.id for b in rows]})

def roster(request):
    members = list(ClubMembership.objects.filter(is_active=True).order_by("joined_at"))  # expect: DB002
    mine = list(ClubMembership.objects.filter(member=request.user).order_by("joined_at"))  # ok: DB002
    return JsonResponse({"all": [m.tier for m in members], "mine": [m.tier for m in mine]})
""",
        # The queryset read whole by `list(...)`, which starts the statement: the finding starts there too.
        """
from django.http import JsonResponse

def attendance_history(request, choir_slug):
    choir = get_object_or_404(Choir, slug=choir_slug, members__user=request.user)
    records = list(  # expect: DB002
        Attendance.objects.filter(rehearsal__choir=choir)
        .order_by("-rehearsal__starts_at")
    )
    return JsonResponse({"history": [r.status for r in records]})
""",
        # A DRF view set's `@action` is a route of its own.
        """
from rest_framework import viewsets
from rest_framework.decorators import action

class VisitViewSet(viewsets.ModelViewSet):
    @action(detail=False, methods=["get"])
    def lapsed(self, request):
        rows = Visit.objects.filter(status="lapsed").order_by("expires_on")  # expect: DB002
        return Response(VisitSerializer(rows, many=True).data)
""",
        # A list of states is not a list of keys: every open ticket, however many, for the workshop screen.
        """
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse

@login_required
def work_queue(request):
    statuses = [s for s in request.GET.getlist("status") if s in STATUSES] or OPEN_STATUSES
    tickets = list(Ticket.objects.filter(status__in=statuses).order_by("created_at"))  # expect: DB002
    return JsonResponse({"tickets": [t.number for t in tickets]})
""",
        # A search by what the client typed: the matches grow with the table, ordered or not.
        """
from django.http import JsonResponse

def donor_search(request):
    q = request.GET.get("q", "").strip()
    donors = Donor.objects.filter(last_name__icontains=q)  # expect: DB002
    return JsonResponse({"results": [d.pk for d in donors]})
""",
        """
from fastapi import APIRouter
from sqlalchemy import select

router = APIRouter()

@router.get("/equipment")
async def find_equipment(q: str, session):
    stmt = select(Equipment).where(Equipment.serial_no.ilike(f"%{q}%"))
    return (await session.scalars(stmt)).all()  # expect: DB002
""",
        # The ORDER BY piece is read from the request: a value, so no LIMIT hides in it.
        """
from flask import jsonify, request

@bp.get("/quotes")
def list_quotes():
    order = request.args.get("order", "created_at DESC")
    rows = db.execute(f"SELECT * FROM quotes WHERE status = %s ORDER BY {order}", ("sent",)).fetchall()  # expect: DB002
    return jsonify(rows)
""",
        """
from flask import jsonify
from app.models import User

@app.route("/api/users")
def list_users():
    users = User.query.order_by(User.created_at).all()  # expect: DB002
    return jsonify([u.to_dict() for u in users])
""",
        """
from rest_framework.decorators import api_view
from rest_framework.response import Response

@api_view(["GET"])
def order_list(request):
    orders = Order.objects.all()  # expect: DB002
    return Response(OrderSerializer(orders, many=True).data)
""",
        """
import sqlite3
from flask import Flask, jsonify

app = Flask(__name__)

@app.get("/products")
def products():
    conn = sqlite3.connect("shop.db")
    rows = conn.execute("SELECT * FROM products").fetchall()  # expect: DB002
    return jsonify([dict(r) for r in rows])
""",
        """
from fastapi import APIRouter
from sqlalchemy import select

router = APIRouter()

@router.get("/events")
def list_events(session):
    return session.scalars(select(Event).order_by(Event.at.desc())).all()  # expect: DB002
""",
        """
from flask import jsonify

@app.get("/devices/<int:device_id>/readings")
def readings(device_id):
    rows = Reading.query.filter_by(device_id=device_id).order_by(Reading.taken_at).all()  # expect: DB002
    return jsonify([r.value for r in rows])
""",
        """
from fastapi import APIRouter
from sqlalchemy import select

router = APIRouter()

@router.get("/jobs")
async def list_jobs(session, state: str | None = None):
    stmt = select(Job).where(Job.archived.is_(False))
    if state:
        stmt = stmt.where(Job.state == state)
    return (await session.scalars(stmt.order_by(Job.created_at.desc()))).all()  # expect: DB002
""",
        """
from django.http import JsonResponse

def tickets(request):
    tickets = Ticket.objects.select_related("assignee").order_by("-opened_at")  # expect: DB002
    if request.GET.get("mine"):
        tickets = tickets.filter(assignee=request.user)
    return JsonResponse({"tickets": [t.summary() for t in tickets]})
""",
        """
from flask import jsonify

@bp.get("/projects/<int:project_id>/log")
def project_log(project_id):
    sort = request.args.get("sort", "logged_at")
    cur = get_db().cursor()
    cur.execute(f"SELECT id, message FROM log_entries WHERE project_id = %s ORDER BY {sort} DESC", (project_id,))
    return jsonify(cur.fetchall())  # expect: DB002
""",
        """
from django.http import JsonResponse

def export_rows(request):
    rows = Measurement.objects.raw("SELECT * FROM lab_measurement ORDER BY taken_at")  # expect: DB002
    return JsonResponse({"rows": [[r.taken_at, r.value] for r in rows.iterator()]})
""",
        # Both ends of the window come from the client: it can span years.
        """
from flask import jsonify, request

@app.get("/readings")
def readings_between():
    start, end = request.args["from"], request.args["to"]
    rows = Reading.query.filter(Reading.at >= start, Reading.at < end).order_by(Reading.at).all()  # expect: DB002
    return jsonify([r.value for r in rows])
""",
        # The sort column and direction are the client's values: no LIMIT can hide in them.
        """
from fastapi import APIRouter

router = APIRouter()

@router.get("/parcels")
def parcels(depot_id: int, sort: str = "id", direction: str = "asc"):
    cur = get_cursor()
    cur.execute(f"SELECT id, label FROM parcels WHERE depot_id = %s ORDER BY {sort} {direction}", (depot_id,))
    return cur.fetchall()  # expect: DB002
""",
        """
from flask import Blueprint, jsonify
from sqlalchemy import select
from .db import get_session
from .models import Message

bp = Blueprint("rooms", __name__)

@bp.get("/rooms/<int:room_id>/messages")
def room_history(room_id: int):
    rows = get_session().scalars(  # expect: DB002
        select(Message).where(Message.room_id == room_id).order_by(Message.sent_at)
    ).all()
    return jsonify(items=[m.body for m in rows])
""",
        # The query is built in a name, narrowed on one branch only, then loaded whole.
        """
from flask import jsonify, request

@bp.get("/tickets")
def board():
    query = Ticket.query.order_by(Ticket.created_at.desc())
    if request.args.get("status"):
        query = query.filter(Ticket.status == request.args["status"])
    tickets = query.all()  # expect: DB002
    return jsonify([t.summary() for t in tickets])
""",
        # A month of one fleet's GPS positions: a machine writes them many times an hour, so even one owner's
        # month is too many rows for one response.
        """
from fastapi import APIRouter, Depends

router = APIRouter()

@router.get("/fleets/{fleet_id}/positions")
async def positions(fleet_id: int, month: date, conn=Depends(get_conn)):
    start, end = _month_bounds(month)
    rows = await conn.fetch(  # expect: DB002
        "SELECT p.vehicle_id, p.recorded_at, p.lat, p.lon FROM positions p "
        "WHERE p.fleet_id = $1 AND p.recorded_at >= $2 AND p.recorded_at < $3 ORDER BY p.recorded_at",
        fleet_id, start, end,
    )
    return [dict(r) for r in rows]
""",
    )

    _module_scope: Scope | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self._module_scope = scope_of(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not_production_code(self.ctx) or not self.ctx.in_handler:
            return
        scope = scope_of(node, self._module_scope)
        for call in scope.calls():
            name = method(call)
            if name in _DJANGO_UNBOUNDED and not is_chain_link(call, scope):
                self._judge_query(call, scope)
            elif (name in ("fetchall", "fetch", "fetch_all") or self.ctx.qualify(call.func) in _PANDAS_READERS
                  or (name == "raw" and (orm_model(call, scope, self.ctx) or ("",))[0] == "django")):
                self._judge_sql_read(call, scope)

    def _judge_query(self, call: cst.Call, scope: Scope) -> None:
        """A query chain ending here: `.all()` runs it now; a Django queryset runs when it is consumed."""
        found = orm_model(call, scope, self.ctx)
        if method(call) != "all" and (found is None or found[0] != "django"):
            return
        calls = _query_calls(call, scope)
        names = {method(c) for c in calls} | set(chain_methods(call))
        if names & _BOUNDING or _is_sliced(call, scope) or any(_grouped(c) for c in calls):
            return
        if found is None:  # `query = Ticket.query.order_by(...)`, then `query.all()`: the model the name was bound to
            found = _bound_query(call, scope, self.ctx)
        if found is None:
            selected = next((c for c in calls if method(c) == "select" and c.args), None)
            model = attribute_path(selected.args[0].value) if selected is not None else None
            if model is None or not is_camel(model.split(".")[0]):
                return
            found = ("session", model.split(".")[0])
        kind, model = found
        if _is_lookup(model):
            return
        if names & _FILTERING and not self._filtered_listing(model, calls, scope):
            return
        if kind != "django":
            self.report(call, _message(model), end_node=call)  # the whole query chain, to its `.all()`
            return
        # A Django queryset runs where it is read: the finding spans from the query to that read.
        consumer = self._consumed_whole(call, scope, set())
        if consumer is not None:
            # `records = list(\n Attendance.objects.filter(...))`: the read that wraps the query starts the finding.
            start = consumer if consumer in scope.index and scope.contains(consumer, call) else call
            self.report(start, _message(model), end_node=consumer)

    @staticmethod
    def _filtered_listing(model: str, calls: list[cst.Call], scope: Scope) -> bool:
        """A filtered query that still lists a growing set: ordered for display, and not narrowed to one record,
        to a given list of keys, or to the few parts of one parent (the lines of one order)."""
        if "order_by" not in {method(c) for c in calls} and not _substring_search(calls, scope):
            return False  # an unordered filtered read is often a small set; not judged
        scoped = _scoped(calls, scope)
        if scoped and (_head_noun(model) in _FEW_PER_OWNER or _open_only(calls, scope)):
            return False
        if _fixed_window(calls, scope, scoped and _head_noun(model) not in _HIGH_RATE):
            return False
        for call in calls:
            if method(call) not in _FILTERING:
                continue
            for arg in call.args:
                if arg.keyword is not None:
                    if _pins(arg.keyword.value, model):
                        return False
                    continue
                for node in scope.within(arg.value) if arg.value in scope.index else ():
                    if isinstance(node, cst.Call) and method(node) in ("in_", "any_") and not (
                            isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Attribute)
                            and _is_value_column(node.func.value.attr.value)):
                        return False
                    if (isinstance(node, cst.Comparison) and isinstance(node.left, cst.Attribute)
                            and any(isinstance(t.operator, cst.Equal) for t in node.comparisons)
                            and _pins(node.left.attr.value, model)):
                        return False
        return True

    def _consumed_whole(self, expr: cst.BaseExpression, scope: Scope, seen: set[str]) -> cst.CSTNode | None:
        """Where a Django queryset is read to the end (iterated, listed, counted with len(), serialised), if it is."""
        parent = scope.parent.get(expr)
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is expr:
            return expr
        if isinstance(parent, cst.Arg):
            call = scope.parent.get(parent)
            if isinstance(call, cst.Call):
                many = keyword(call, "many")
                many_rows = many is not None and getattr(many.value, "value", "") == "True"
                return call if method(call) in _WHOLE_READERS or many_rows else None
        if isinstance(parent, cst.Return):
            return None
        if (isinstance(parent, cst.Assign) and len(parent.targets) == 1
                and isinstance(parent.targets[0].target, cst.Name)):
            name = parent.targets[0].target.value
            if name in seen:
                return None
            seen.add(name)
            uses = [n for n in scope.of_type(cst.Name) if n.value == name and scope.before(parent, n)
                    and _is_variable_use(n, scope)]
            consumers = []
            for use in uses:
                holder = scope.parent.get(use)
                if _narrowed_on_one_branch(use, name, parent, scope):
                    continue  # `if term: rows = rows.filter(...)`: without the term every row is still read
                if isinstance(holder, (cst.Subscript, cst.Attribute)):
                    return None  # sliced, filtered or paginated further on
                if isinstance(holder, cst.Arg) and method(scope.parent.get(holder)) in ("Paginator", "paginate",
                                                                                        "paginate_queryset"):
                    return None
                consumers.append(use)
            return next((found for use in consumers for found in [self._consumed_whole(use, scope, seen)]
                         if found is not None), None)
        return None

    def _judge_sql_read(self, call: cst.Call, scope: Scope) -> None:
        recv = receiver(call)
        params: list[cst.BaseExpression] = []
        if method(call) == "fetchall":
            executed = self._execute_call(recv, call, scope)
            sql = positional(executed) if executed is not None else None
            values = positional(executed, 1) if executed is not None else None
            if isinstance(values, (cst.Tuple, cst.List)):
                params = [el.value for el in values.elements]
        elif method(call) in ("fetch", "fetch_all"):  # asyncpg's `fetch`, `databases`' `fetch_all`
            sql = positional(call) if is_dbish(recv, scope, self.ctx) else None
            # asyncpg takes the query's values after it: `conn.fetch(sql, hut_id, start, end)`.
            params = [arg.value for arg in call.args[1:] if arg.keyword is None and not arg.star]
        else:
            sql = positional(call)
        found = _sql_with_holes(sql, scope) if sql is not None else None
        if found is None:
            return
        text, holes = found
        if not text.lstrip("( ").startswith("SELECT") or _SQL_BOUNDED.search(text):
            return
        table = _SQL_TABLE.search(text)
        if table is None or _is_lookup(table.group(1)):
            return
        ordered = _SQL_ORDER.search(text)
        if holes and (ordered is None or not _no_limit_can_hide(text[ordered.end():])):
            return  # an interpolated piece may hold the LIMIT
        where = _SQL_WHERE.search(text)
        scoped = bool(_SQL_OWNER_EQUALS.search(text))  # `o.customer_id = %s`: one owner's rows
        if where is not None and ((ordered is None and not _SQL_SUBSTRING.search(where.group(1))) or _sql_pinned(where.group(1), table.group(1))
                                  or (scoped and (_head_noun(table.group(1)) in _FEW_PER_OWNER
                                                  or _SQL_OPEN_ONLY.search(where.group(1))))
                                  or _sql_fixed_window(where.group(1))
                                  or _sql_param_window(text, params, scope,
                                                       scoped and _head_noun(table.group(1)) not in _HIGH_RATE)):
            return
        self.report(call, _message(table.group(1).lower()), end_node=call)

    def _execute_call(self, recv: cst.BaseExpression | None, at: cst.Call, scope: Scope) -> cst.Call | None:
        """The `execute` whose rows `fetchall()` reads: `conn.execute(SQL).fetchall()` or the last
        `cur.execute(SQL)`."""
        recv = unwrap(recv) if recv is not None else None
        if isinstance(recv, cst.Call) and method(recv) == "execute":
            return recv
        path = attribute_path(recv) if recv is not None else None
        if path is None:
            return None
        if isinstance(recv, cst.Name):  # `cur = conn.execute(SQL)`, then `cur.fetchall()`
            value = bound_here(recv, scope)
            if value is not None and isinstance(unwrap(value), cst.Call) and method(unwrap(value)) == "execute":
                return unwrap(value)
        last = None
        for call in scope.calls():
            if scope.before(at, call):
                break
            if method(call) == "execute" and attribute_path(receiver(call) or cst.Name("_")) == path:
                last = call
        return last


def _query_calls(call: cst.Call, scope: Scope) -> list[cst.Call]:
    """The calls that build a query, following the statement variable it was built in:
    `stmt = select(P).where(...)`, `stmt = stmt.where(...)`, `session.scalars(stmt.order_by(...)).all()`."""
    found: list[cst.Call] = []
    todo: list[tuple[cst.BaseExpression, cst.CSTNode | None]] = [(call, None)]
    seen: set[cst.CSTNode] = set()  # the assignments followed: `stmt = stmt.where(...)` rebinds the same name
    while todo and len(seen) < 8:
        expr, at = todo.pop()
        if expr not in scope.index:
            continue
        calls = scope.calls_within(expr)
        found.extend(calls)
        for inner in calls:
            followed = [chain_root(inner)]
            if method(inner) in _STATEMENT_RUNNERS:
                followed.append(positional(inner))
            for name in followed:
                if not isinstance(name, cst.Name):
                    continue
                # A name inside an assignment's value means the binding before that assignment.
                binding = scope.binding(name.value, at if at is not None else name)
                if (binding is not None and not binding.unpacked and binding.at not in seen
                        and isinstance(unwrap(binding.value), cst.Call)):
                    seen.add(binding.at)
                    todo.append((binding.value, binding.at))
    return found


def _method_chain_root(expr: cst.BaseExpression) -> cst.Name | None:
    """`query.filter(...).order_by(...).all()` -> `query`; None when an attribute that is not a method sits in the
    chain (`quiz.questions.all()`: a relation of one record, not the query `quiz` was bound to)."""
    while isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        expr = expr.func.value
    return expr if isinstance(expr, cst.Name) else None


def _bound_query(call: cst.Call, scope: Scope, ctx) -> tuple[str, str] | None:
    """The ORM query a chain of method calls on a local name continues: `query = Ticket.query.order_by(...)`,
    `query = query.filter(...)`, then `query.all()`."""
    expr: cst.BaseExpression = call
    for _ in range(8):
        root = _method_chain_root(expr)
        value = bound_here(root, scope) if root is not None else None
        if value is None or not isinstance(unwrap(value), cst.Call):
            return None
        expr = unwrap(value)
        found = orm_model(expr, scope, ctx)
        if found is not None:
            return found
    return None


_AGGREGATES = frozenset({"Count", "Sum", "Avg", "Min", "Max", "StdDev", "Variance", "ArrayAgg", "StringAgg"})


def _grouped(call: cst.Call) -> bool:
    """`.values("workshop__slug").annotate(seats=Sum(...))`: Django's GROUP BY, one row per group."""
    if method(call) != "annotate" or not any(
            isinstance(arg.value, cst.Call) and attribute_path(arg.value.func) is not None
            and attribute_path(arg.value.func).rsplit(".", 1)[-1] in _AGGREGATES for arg in call.args):
        return False
    link = call.func.value if isinstance(call.func, cst.Attribute) else None
    while isinstance(link, cst.Call) and isinstance(link.func, cst.Attribute):
        if link.func.attr.value in ("values", "values_list"):
            return True
        link = link.func.value
    return False


def _narrowed_on_one_branch(use: cst.Name, name: str, made: cst.Assign, scope: Scope) -> bool:
    """`if term: entries = entries.filter(...)`: the name narrowed and assigned back to itself inside an `if`
    that the assignment making the queryset (`made`) is not in."""
    node: cst.CSTNode = use
    while True:
        holder = scope.parent.get(node)
        if isinstance(holder, cst.Attribute) and holder.value is node:
            call = scope.parent.get(holder)
            if not (isinstance(call, cst.Call) and call.func is holder) or holder.attr.value in _BOUNDING:
                return False
            node = call
        else:
            break
    if node is use or not isinstance(holder, cst.Assign) or len(holder.targets) != 1:
        return False
    target = holder.targets[0].target
    if not (isinstance(target, cst.Name) and target.value == name):
        return False
    return any(isinstance(a, cst.If) and not scope.contains(a, made) for a in scope.ancestors(holder))


# A match on part of a text (`name__icontains=q`, `Model.name.ilike(f"%{q}%")`): search results, which grow with the
# table however the rows are ordered.
_SUBSTRING_LOOKUPS = ("__icontains", "__contains", "__istartswith", "__startswith", "__iendswith", "__endswith",
                      "__search", "__iregex", "__regex", "__trigram_similar")
_SUBSTRING_METHODS = frozenset({"ilike", "like", "contains", "startswith", "endswith", "icontains", "istartswith",
                                "match", "regexp_match"})
_SQL_SUBSTRING = re.compile(r"\b(I?LIKE|SIMILAR\s+TO)\b|~\*?|@@")


def _substring_search(calls: list[cst.Call], scope: Scope) -> bool:
    """A filter matching part of a text against what the client typed (`name__icontains=q`,
    `Model.name.ilike(f"%{term}%")`). A substring of a value the code holds (a webhook's sale id) finds one record."""
    for call in calls:
        if method(call) not in _FILTERING:
            continue
        for arg in call.args:
            if arg.keyword is not None:
                if arg.keyword.value.endswith(_SUBSTRING_LOOKUPS) and _from_client(arg.value, scope):
                    return True
                continue
            for node in scope.within(arg.value) if arg.value in scope.index else ():
                if (isinstance(node, cst.Call) and method(node) in _SUBSTRING_METHODS and node.args
                        and isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Attribute)
                        and _from_client(node.args[0].value, scope)):
                    return True  # `Model.column.ilike(...)`
    return False


def _from_client(expr: cst.BaseExpression, scope: Scope) -> bool:
    """The expression is, or interpolates, a value the client sent (see `_is_parameter`)."""
    if expr not in scope.index:
        return False
    return any(isinstance(node, cst.Name) and _is_parameter(node, scope) for node in scope.within(expr))


def _pins(column: str, model: str) -> bool:
    """A filter column that narrows a query to one record, a list of keys, or the parts of one parent."""
    column = column.lower().removesuffix("__exact")
    if column in ("id", "pk", "uuid") or (column.endswith("__in") and not _is_value_column(column[:-4])):
        return True
    if not column.endswith(("_id", "__id", "__pk")):
        return False
    parent = column.removesuffix("_id").removesuffix("__id").removesuffix("__pk")
    # The children of one parent (the attachments of a ticket, the payouts of a claim) are a few, unless they
    # are records that accumulate over time (the messages of a room, the readings of a device).
    return _head_noun(model) != parent and _head_noun(model) not in _ACCUMULATING


# Columns that hold one of a few values shared by many rows: `status__in=[...]` lists states, not keys.
_VALUE_COLUMNS = frozenset({"status", "state", "kind", "type", "category", "stage", "level", "priority", "tier"})


def _is_value_column(column: str) -> bool:
    return column.lower().rsplit("__", 1)[-1] in _VALUE_COLUMNS


def _sql_pinned(where: str, table: str) -> bool:
    """A WHERE that narrows to one row (`id = %s`), a list (`IN`, `= ANY`), or the parts of one parent."""
    if re.search(r"(^|[\s(.])ID\s*=|\bIN\s*\(|=\s*ANY\s*\(", where):
        return True
    head = table.lower().rsplit("_", 1)[-1]  # `order_items`, `shop_orderitem`
    # `order_bells WHERE order_id = %s`: a table named for its parent, read for one parent, holds that parent's
    # parts, unless they pile up over time (`order_events`).
    if head not in _ACCUMULATING and any(table.lower().startswith(parent.lower() + "_")
                                         for parent in re.findall(r"\b(\w+)_ID\s*=", where)):
        return True
    if not any(head.endswith(part) for part in _PART_WORDS):
        return False
    return any(parent.lower() in table.lower() and head not in (parent.lower(), parent.lower() + "s")
               for parent in re.findall(r"\b(\w+)_ID\s*=", where))


# A column kept inside a window whose width the SQL itself fixes: `at >= %s AND at < %s::date + 1`,
# `at < %s + INTERVAL '1 day'`, `BETWEEN %s AND %s + INTERVAL '7 days'`, `at::date = %s`, `date(at) = %s`.
_SQL_WIDTH = r"(?:\d+|INTERVAL\s*'[^']*')"
_SQL_LOWER = re.compile(r"([\w.]+)\s*>=?")
_SQL_UPPER_PLUS = re.compile(r"([\w.]+)\s*<=?\s*[^\s]+\s*\+\s*" + _SQL_WIDTH)
_SQL_BETWEEN_PLUS = re.compile(r"\bBETWEEN\s+[^\s]+\s+AND\s+[^\s]+\s*\+\s*" + _SQL_WIDTH)
_SQL_ONE_DAY = re.compile(r"(?:\b\w+::DATE|\bDATE\s*\(\s*[\w.]+\s*\))\s*=")
# Equality on a calendar column (`work_date = %s`, `r.week_start = %s`): one day's or one week's rows.
_SQL_CALENDAR_EQUALS = re.compile(r"(?<![<>!])\b(?:\w+\.)?(\w+)\s*=\s*(?!ANY\b)")
_SQL_RECENT = re.compile(r">=?\s*(?:NOW\(\)|CURRENT_TIMESTAMP|CURRENT_DATE)\s*-\s*" + _SQL_WIDTH)


def _sql_fixed_window(where: str) -> bool:
    lower = set(_SQL_LOWER.findall(where))
    return bool(any(column in lower for column in _SQL_UPPER_PLUS.findall(where))
                or _SQL_BETWEEN_PLUS.search(where) or _SQL_ONE_DAY.search(where) or _SQL_RECENT.search(where)
                or any(_is_calendar_column(column) for column in _SQL_CALENDAR_EQUALS.findall(where)))


# `w.starts_at >= %s AND w.starts_at < %s` (psycopg, sqlite3 and DB-API placeholders): a column between two
# parameters, the window's ends.
_SQL_PARAM_BOUND = re.compile(r"([\w.]+)\s*(>=?|<=?)\s*(%s|\?|\$\d+)", re.IGNORECASE)
_SQL_PLACEHOLDER = re.compile(r"%s|\?", re.IGNORECASE)
_SQL_PARAM_BETWEEN = re.compile(r"([\w.]+)\s+BETWEEN\s+(%s|\?|\$\d+)\s+AND\s+(%s|\?|\$\d+)", re.IGNORECASE)
# `o.customer_id = %s`, `h.slug = $1`: the window's rows are one owner's (or one parent's).
_SQL_OWNER_EQUALS = re.compile(r"\b(?:\w*_id|slug)\s*=\s*(?:%s|\?|%\(\w+\)s|:\w+|\$\d+)", re.IGNORECASE)


def _sql_param_window(text: str, params: list[cst.BaseExpression], scope: Scope, scoped: bool) -> bool:
    """The upper end's parameter is the lower end's plus a width the code fixes: `(start, start +
    timedelta(days=1))` for `at >= %s AND at < %s` or `at BETWEEN %s AND %s` (wider than a week only when the query
    is `scoped`)."""
    if not params:
        return False
    lower: dict[str, int] = {}
    upper: dict[str, int] = {}
    def position(placeholder: str, start: int) -> int:
        # asyncpg numbers its values (`$2` is the second); `%s` and `?` take them in the order written.
        if placeholder.startswith("$"):
            return int(placeholder[1:]) - 1
        return len(_SQL_PLACEHOLDER.findall(text[:start]))
    for found in _SQL_PARAM_BOUND.finditer(text):
        (lower if found.group(2).startswith(">") else upper).setdefault(found.group(1),
                                                                         position(found.group(3), found.start(3)))
    for found in _SQL_PARAM_BETWEEN.finditer(text):  # `run_date BETWEEN %s AND %s`: the first value, then the second
        lower.setdefault(found.group(1), position(found.group(2), found.start(2)))
        upper.setdefault(found.group(1), position(found.group(3), found.start(3)))
    return any(column in upper and max(position, upper[column]) < len(params)
               and _offset_of(params[upper[column]], params[position], scope, scoped)
               for column, position in lower.items())


# The words of a column that holds one calendar period, not a moment: `work_date`, `day`, `week_start`, `shipped_on`.
_CALENDAR_WORDS = frozenset({"date", "day", "week", "month"})


def _is_calendar_column(column: str) -> bool:
    """A column that names a day, week or month: equality on it keeps one period's rows."""
    words = column.lower().split("_")
    return bool(_CALENDAR_WORDS & set(words)) or (len(words) > 1 and words[-1] == "on")


_LOWER_OPS = (cst.GreaterThan, cst.GreaterThanEqual)
_UPPER_OPS = (cst.LessThan, cst.LessThanEqual)
_DAY_LOOKUPS = ("__date",)


def _fixed_window(calls: list[cst.Call], scope: Scope, scoped: bool) -> bool:
    """The filters keep one column inside a window whose width the code fixes: `starts_at >= day` and
    `starts_at < day + timedelta(days=1)`, `.between(start, start + WEEK)`, `created__range=(d, d + delta)`,
    `starts_at__date=day`. Such a listing does not grow with the table's history. A window whose two ends both
    come from the client (`?from=...&to=...`) is not fixed: it can span years."""
    lower: dict[str, list[cst.BaseExpression]] = {}
    upper: dict[str, list[cst.BaseExpression]] = {}
    for call in calls:
        if method(call) not in _FILTERING:
            continue
        for arg in call.args:
            if arg.keyword is not None:
                column, _, lookup = arg.keyword.value.rpartition("__")
                if any(arg.keyword.value.endswith(day) for day in _DAY_LOOKUPS):
                    return True
                if arg.keyword.value.endswith("__year"):
                    if scoped:  # `takeoff_at__year=year` of one pilot's entries: a year of one owner's rows
                        return True
                    continue
                if "__" not in arg.keyword.value and _is_calendar_column(arg.keyword.value):
                    return True  # `work_date=day`: one day's rows
                if lookup in ("gt", "gte"):
                    lower.setdefault(column, []).append(arg.value)
                elif lookup in ("lt", "lte"):
                    upper.setdefault(column, []).append(arg.value)
                elif lookup == "range" and isinstance(arg.value, (cst.Tuple, cst.List)) and len(arg.value.elements) == 2:
                    low, high = (el.value for el in arg.value.elements)
                    if _offset_of(high, low, scope, scoped):
                        return True
                continue
            for node in scope.within(arg.value) if arg.value in scope.index else ():
                if isinstance(node, cst.Call) and method(node) == "between" and len(node.args) == 2:
                    if _offset_of(node.args[1].value, node.args[0].value, scope, scoped):
                        return True
                elif (isinstance(node, cst.Comparison) and len(node.comparisons) == 1
                      and isinstance(node.left, cst.Attribute)):
                    operator, bound = node.comparisons[0].operator, node.comparisons[0].comparator
                    column = attribute_path(node.left) or ""
                    if isinstance(operator, cst.Equal) and _is_calendar_column(node.left.attr.value):
                        return True  # `Slot.day == day`: one day's rows
                    if isinstance(operator, _LOWER_OPS):
                        lower.setdefault(column, []).append(bound)
                    elif isinstance(operator, _UPPER_OPS):
                        upper.setdefault(column, []).append(bound)
    return any(_offset_of(high, low, scope, scoped) for column, lows in lower.items() for low in lows
               for high in upper.get(column, ()))


# Records still open: a closing time not yet set (`returned_at__isnull=True`, `closed_at.is_(None)`), an end still
# ahead (`ends_at > now()`), or a state before the end (`status__in=ACTIVE_STATUSES`, `status == "booked"`). One
# owner or parent has only a few open at once (loans out, active sessions, the seats of one class), whatever its
# history holds.
_CLOSING = (r"(returned|closed|ended|finished|completed|resolved|cancell?ed|deleted|archived|revoked|checked_out|"
            r"released|withdrawn)_(at|on|date)")
_CLOSING_COLUMN = re.compile(rf"^{_CLOSING}$")
_OPEN_STATE = re.compile(r"\b(active|open|pending|waiting|live|current|in_progress|booked|reserved|outstanding)",
                         re.IGNORECASE)
_SQL_OPEN_ONLY = re.compile(rf"\b(\w+\.)?{_CLOSING}\s+IS\s+NULL\b"
                            r"|\b(\w+\.)?(ends?|expires?|valid_until|end_time|ends_on)(_at)?\s*>\s*(now\(\)|"
                            r"current_timestamp|current_date)", re.IGNORECASE)


def _open_only(calls: list[cst.Call], scope: Scope) -> bool:
    """The filters keep only records still open (see `_CLOSING_COLUMN`, `_OPEN_STATE`)."""
    for call in calls:
        if method(call) not in _FILTERING:
            continue
        for arg in call.args:
            value = unwrap(arg.value)
            if arg.keyword is not None:
                column, _, lookup = arg.keyword.value.partition("__")
                if lookup == "isnull" and _CLOSING_COLUMN.match(column) and getattr(value, "value", "") == "True":
                    return True
                if column in ("status", "state") and lookup in ("", "in") and _OPEN_STATE.search(
                        node_code(value)):
                    return True
                continue
            for node in scope.within(arg.value) if arg.value in scope.index else ():
                if (isinstance(node, cst.Call) and method(node) in ("is_", "in_")
                        and isinstance(node.func, cst.Attribute)
                        and isinstance(node.func.value, cst.Attribute)):
                    column = node.func.value.attr.value
                    if method(node) == "is_" and _CLOSING_COLUMN.match(column) and node.args and is_none(
                            node.args[0].value):
                        return True
                    if method(node) == "in_" and column in ("status", "state") and node.args and _OPEN_STATE.search(
                            node_code(node.args[0].value)):
                        return True
                if (isinstance(node, cst.Comparison) and isinstance(node.left, cst.Attribute)
                        and node.left.attr.value in ("status", "state") and len(node.comparisons) == 1
                        and isinstance(node.comparisons[0].operator, cst.Equal)
                        and isinstance(node.comparisons[0].comparator, cst.SimpleString)
                        and _OPEN_STATE.search(node.comparisons[0].comparator.value)):
                    return True
    return False


def _scoped(calls: list[cst.Call], scope: Scope) -> bool:
    """The filters also pin an owner or parent to a value the code holds: `artist=artist`,
    `Booking.user_id == user.id`. A status constant (`status=Status.PAID`) does not scope."""
    def held(value: cst.BaseExpression) -> bool:
        path = attribute_path(unwrap(value)) or ""
        return bool(path) and path[0].islower()
    for call in calls:
        if method(call) not in _FILTERING:
            continue
        for arg in call.args:
            if arg.keyword is not None:
                if "__" not in arg.keyword.value and held(arg.value):
                    return True
                continue
            for node in scope.within(arg.value) if arg.value in scope.index else ():
                if (isinstance(node, cst.Comparison) and len(node.comparisons) == 1
                        and isinstance(node.comparisons[0].operator, cst.Equal) and held(node.comparisons[0].comparator)):
                    return True
    return False


def _offset_of(high: cst.BaseExpression, low: cst.BaseExpression, scope: Scope, scoped: bool = False) -> bool:
    """`high` is `low` plus a width written in the code (`start + timedelta(days=1)`, or a name assigned that).
    A width past a week (a month's, a year's rows) counts only when the query is `scoped` to one owner too: a
    month of one artist's bookings is a page, a month of every order grows with the business."""
    def resolved(expr: cst.BaseExpression) -> cst.BaseExpression:
        expr = unwrap(expr)
        if isinstance(expr, cst.Name) and expr in scope.index:
            binding = scope.binding(expr.value, expr)
            if binding is not None and not binding.unpacked and binding.at in scope.index:
                return unwrap(binding.value)
        return expr
    period = _one_calendar_period(low, high, scope)
    if period is not None:
        return scoped or not _WIDE_PERIOD.search(period)
    if _next_year(resolved(high), resolved(low)):
        return scoped  # `date(year, 1, 1)` to `date(year + 1, 1, 1)`: one year's rows
    high = resolved(high)
    if not (isinstance(high, cst.BinaryOperation) and isinstance(high.operator, cst.Add)):
        return False
    low_code = {node_code(unwrap(low)), node_code(resolved(low))}
    return node_code(unwrap(high.left)) in low_code and (scoped or not _wide(resolved(high.right)))


# Widths past a week: a month's or a year's orders grow with the business like the whole table does.
_WIDE_UNITS = {"days": 7, "weeks": 1, "hours": 24 * 7, "months": 0, "years": 0}


def _wide(width: cst.BaseExpression) -> bool:
    """`timedelta(days=31)`, `relativedelta(months=1)`, `timedelta(weeks=52)`: wider than a week."""
    width = unwrap(width)
    if not isinstance(width, cst.Call):
        return False
    for arg in width.args:
        unit = arg.keyword.value if arg.keyword is not None else "days"
        value = unwrap(arg.value)
        if unit in _WIDE_UNITS and (_WIDE_UNITS[unit] == 0 or (
                isinstance(value, cst.Integer) and int(value.value) > _WIDE_UNITS[unit])):
            return True
    return False


# A helper named for one calendar period: `_week_of(d)`, `month_bounds(d)` return that period's two ends.
_CALENDAR_PERIOD = re.compile(r"day|week|month|quarter|year", re.IGNORECASE)
_WIDE_PERIOD = re.compile(r"month|quarter|year", re.IGNORECASE)


def _next_year(high: cst.BaseExpression, low: cst.BaseExpression) -> bool:
    """`date(season + 1, 1, 1)` after `date(season, 1, 1)`: the same date a year on."""
    if not (isinstance(high, cst.Call) and isinstance(low, cst.Call) and node_code(high.func) == node_code(low.func)
            and len(high.args) == len(low.args) >= 1 and attribute_path(high.func) in _DATE_MAKERS):
        return False
    first = unwrap(high.args[0].value)
    return (isinstance(first, cst.BinaryOperation) and isinstance(first.operator, cst.Add)
            and isinstance(first.right, cst.Integer) and first.right.value == "1"
            and node_code(first.left) == node_code(low.args[0].value)
            and all(node_code(a.value) == node_code(b.value) for a, b in zip(high.args[1:], low.args[1:])))


_DATE_MAKERS = frozenset({"date", "datetime", "datetime.date", "datetime.datetime"})


def _one_calendar_period(low: cst.BaseExpression, high: cst.BaseExpression, scope: Scope) -> str | None:
    """`monday, sunday = _week_of(day)`: both ends unpacked from one call of a helper named for a period, so the
    code fixes the window's width even when the client picks the period. The helper's name, if so."""
    low, high = unwrap(low), unwrap(high)
    if not (isinstance(low, cst.Name) and isinstance(high, cst.Name) and low in scope.index and high in scope.index):
        return None
    first, second = scope.binding(low.value, low), scope.binding(high.value, high)
    if first is None or second is None or not first.unpacked or first.at is not second.at:
        return None
    value = unwrap(first.value)
    name = attribute_path(value.func) or "" if isinstance(value, cst.Call) else ""
    return name if _CALENDAR_PERIOD.search(name) else None


def _is_parameter(expr: cst.BaseExpression, scope: Scope) -> bool:
    """A value the client sent: a parameter of the handler, or a local read from the request
    (`order = request.args.get("order", "created_at DESC")`)."""
    if not isinstance(expr, cst.Name):
        return False
    if expr.value in scope.params:
        return True
    value = bound_here(expr, scope) if expr in scope.index else None
    return value is not None and is_request_input(value)


def _no_limit_can_hide(order_tail: str) -> bool:
    """After ORDER BY, the interpolated pieces are followed by a direction: a LIMIT there would be a syntax error."""
    if _HOLE not in order_tail:
        return True
    return bool(_SQL_DIRECTION_ONLY.fullmatch(order_tail.rsplit(_HOLE, 1)[1]))


def _sql_with_holes(expr: cst.BaseExpression | None, scope: Scope, depth: int = 0) -> tuple[str, bool] | None:
    """The SQL text of an expression, upper case, with `{}` where a piece is only known at run time."""
    found = _text_with_holes(expr, scope, depth)
    if found is None or _HOLE == found[0].strip():
        return None
    text = " ".join(found[0].upper().split())
    return text, found[1]


def _text_with_holes(expr: cst.BaseExpression | None, scope: Scope, depth: int) -> tuple[str, bool] | None:
    if expr is None or depth > 4:
        return None
    if isinstance(expr, cst.SimpleString):
        found = string_text(expr)
        return (found[0], False) if found is not None else None
    if isinstance(expr, cst.ConcatenatedString):
        left, right = _text_with_holes(expr.left, scope, depth), _text_with_holes(expr.right, scope, depth)
        if left is None or right is None:
            return None
        return left[0] + right[0], left[1] or right[1]
    if isinstance(expr, cst.FormattedString):
        parts = [p.value if isinstance(p, cst.FormattedStringText) else
                 f" {_VALUE} " if _is_parameter(p.expression, scope) else f" {_HOLE} " for p in expr.parts]
        return "".join(parts), any(isinstance(p, cst.FormattedStringExpression)
                                   and not _is_parameter(p.expression, scope) for p in expr.parts)
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        left = _text_with_holes(expr.left, scope, depth + 1) or (f" {_HOLE} ", True)
        right = _text_with_holes(expr.right, scope, depth + 1) or (f" {_HOLE} ", True)
        if left[0] == right[0] == f" {_HOLE} ":
            return None
        return left[0] + right[0], left[1] or right[1]
    if isinstance(expr, cst.Call):
        if method(expr) == "format" and isinstance(expr.func, cst.Attribute):
            inner = _text_with_holes(expr.func.value, scope, depth + 1)
            return (re.sub(r"\{[^{}]*\}", f" {_HOLE} ", inner[0]), True) if inner is not None else None
        if method(expr) in ("text", "SQL", "dedent") and expr.args:
            return _text_with_holes(expr.args[0].value, scope, depth + 1)
        return None
    if isinstance(expr, cst.Name):
        binding = scope.binding(expr.value, expr) if expr in scope.index else None
        if binding is not None and not binding.unpacked:
            found = _text_with_holes(binding.value, scope, depth + 1)
            if found is None:
                return None
            text, holes = found
            for extension in appended(expr, binding, scope):
                part = _text_with_holes(extension, scope, depth + 1) or (f" {_HOLE} ", True)
                text, holes = text + part[0], holes or part[1]
            return text, holes
    return None


def _head_noun(model: str) -> str:
    """The last word of a model or table name: `OrderLine` -> "line", `user_addresses` -> "addresses"."""
    words = re.findall(r"[A-Z]?[a-z0-9]+", model) if not model.islower() else model.split("_")
    return words[-1].lower() if words else model.lower()


def _words(model: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Z]?[a-z0-9]+", model)} | tokens(model)


def _is_variable_use(name: cst.Name, scope: Scope) -> bool:
    """A read of the variable: not `obj.name`, not `f(name=...)`, not an assignment target."""
    holder = scope.parent.get(name)
    if isinstance(holder, cst.Attribute) and holder.attr is name:
        return False
    if isinstance(holder, cst.Arg) and holder.keyword is name:
        return False
    return not isinstance(holder, cst.AssignTarget)


def _is_lookup(model: str) -> bool:
    words = set(re.findall(r"[A-Z]?[a-z0-9]+", model)) if model else set()
    return (bool({w.lower() for w in words} & _LOOKUP_WORDS) or bool(tokens(model) & _LOOKUP_WORDS)
            or (bool(model) and _head_noun(model) in _RESOURCE_WORDS))


def _is_sliced(call: cst.Call, scope: Scope) -> bool:
    return isinstance(scope.parent.get(call), cst.Subscript)


def _message(model: str) -> str:
    return (f"This handler loads every row of `{model}` with no limit or pagination: as the table grows, so do the "
            "response time and memory, until requests time out.")
