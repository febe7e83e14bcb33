"""SEC018: a handler that loads a caller's record by the id in its URL and never checks that it is the caller's."""

from __future__ import annotations

import functools
import re

import libcst as cst

from reviewer.checks._base import (PythonCheck, attribute_path, decorator_name, descendants, is_dependency_call,
                                   module_handlers)
from reviewer.checks._data import (Scope, body_statements, bound_here, chain_root, db_write, is_chain_link, method,
                                   orm_model, polarity, positional, scope_of, sql_text)
from reviewer.checks._security import is_request_input
from reviewer.checks.unprotected_state_change import (_CREDENTIAL_PARAMETER, _PUBLIC, _RESOURCE_DEPENDENCY, _elevated,
                                                      identifies_caller, path_parameters)

# Who the caller is, as handlers name it.
_CALLER_PATHS = re.compile(r"^(current_user|request\.user|self\.request\.user|g\.user|g\.current_user|g\.account|"
                           r"g\.principal|g\.member|g\.client|g\.customer|request\.state\.user|request\.auth|"
                           r"req(?:uest)?\.context\.(?:user|account|principal|member|customer)(?:_id)?|"
                           # `g.client_id`, `g.rep_id`: the signed-in caller's id, kept on Flask's request globals
                           r"g\.(?!request_id|trace_id|correlation_id)\w+_id)\b")
# A handler that lets staff act on anyone's record says so.
_STAFF_CHECK = re.compile(r"is_staff|is_superuser|is_admin|has_perm|has_role|is_lead|is_manager|role", re.I)
# Calls whose arguments narrow what is read to the caller's rows (`filter(owner=request.user)`), or that decide
# whether the caller may act (`ensure_owner(booking, current_user)`).
_NARROWING = frozenset({"filter", "filter_by", "get", "get_object_or_404", "get_or_404", "first_or_404", "where",
                        "exclude", "exists", "execute", "fetch", "fetchrow", "fetchval", "fetchone", "fetchall",
                        "select", "scalar", "scalars", "exec", "one_or_none", "first", "get_list_or_404", "fetch_one",
                        "fetch_all", "fetch_val", "get_or_none"})
_AUTHORIZING = re.compile(r"check|ensure|authori[sz]|require|assert|verify|permission|can_|may_|own|allowed|"
                          r"staff_of|member_of|belongs", re.I)
# A dependency or decorator that admits staff, who may act on any customer's record.
_STAFF_DEPENDENCY = re.compile(r"staff|admin|role|superuser|operator|manager|supervisor|moderator|mechanic|coordinator|"
                               r"organi[sz]er|dispatcher|lead|desk|internal|permission|scope", re.I)
_CREATING = frozenset({"create", "get_or_create", "update_or_create", "bulk_create", "add", "insert", "append"})
_LOGGING = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "print"})
# Columns that name whose a record is (`Voucher.volunteer_id`), not who works on it (`Ticket.assignee_id`).
_OWNER_COLUMN = re.compile(r"(owner|user|customer|member|account|client|patient|student|volunteer|employee|author|"
                           r"vendor|seller|merchant|donor|patron|driver|passenger|"
                           r"buyer|renter|guest|holder|tenant|subscriber|creator|created_by|requester|applicant)"
                           r"(_id|_pk)?$", re.I)
# Who wrote a record, not whose it is: articles, revisions and comments are authored by users and read by all.
_AUTHORSHIP = re.compile(r"author|creator|created_by", re.I)
# Calls that send a file back to the client.
_FILE_SERVERS = frozenset({"FileResponse", "send_file", "send_from_directory", "sendfile", "StreamingResponse"})
_SQL_LOADS = frozenset({"execute", "fetch", "fetchrow", "fetchval", "fetchone", "fetch_one", "fetch_val"})
# peewee's loads are class methods of the model: `Booking.get_or_none(Booking.id == booking_id)`.
_PEEWEE_LOADS = frozenset({"get", "get_or_none", "get_by_id"})
_ID_PARAMETER = re.compile(r"^(pk|id|\w+_id|\w+_pk|\w+_uuid|uuid)$")
_SQL_TABLE = re.compile(r"\b(?:FROM|UPDATE|INTO)\s+\"?(\w+)")
_WHERE_ID = re.compile(r"\bWHERE\b.*?\b(?:\w+\.)?ID\s*=\s*(%S|\$\d+|\?|:\w+)")


class RecordFetchedWithoutOwnerCheck(PythonCheck):
    """A signed-in handler that loads a record by the id in its URL and never ties it to the caller.

    ## What it does
    Looks at the request handlers of one module where some handler ties records to the caller (compares a
    record with `current_user`/`request.user`/`g.user`/Flask's `session["account_id"]` or a caller dependency such as
    `principal = Depends(current_customer)`, or narrows a query by it: `filter(owner=request.user)`,
    `WHERE member_id = %s` with the caller's id). Reports, in another handler that knows who the caller is
    (a login decorator, a caller dependency), the call that loads or changes a record by an id parameter of the
    URL (`get_object_or_404(Hold, pk=hold_id)`, `Model.objects.get(pk=...)`, `session.get(Booking, booking_id)`,
    `Model.query.get_or_404(...)`, `filter_by(number=number)` with the record's own key from the URL,
    `select(Booking).where(Booking.reference == reference)`, SQL
    `... WHERE id = %s` given that id) when nothing in the handler ties that
    record to the caller: no comparison with the caller, no query narrowed by the caller, no call that
    authorizes (`ensure_owner(...)`, `check_permission(...)`, `staff_of(...)`), and no staff or permission test.
    In any module, a handler that takes the caller as a dependency (`visitor = Depends(current_visitor)`), never
    uses it, and writes to the database after loading a record by the id in its URL is reported too (a
    parameter named `_` is unused on purpose), and so is one that reads the caller only for other things
    (`customer = principal.customer`) and sets a field of, or deletes, the record it loaded.
    Detail views (DRF's `RetrieveAPIView`, `ModelViewSet`, ...; Django's `DetailView`, `UpdateView`,
    `DeleteView`) that serve a class-level `queryset`, or a `get_queryset` of their own that does not narrow by
    the caller, with no `get_object` of their own and no owner, staff or permission class or mixin, are
    reported at the queryset; so is a `get_queryset` that narrows a queryset by the caller on one path
    (`if self.action == "list": return qs.filter(customer=self.request.user)`) and returns it whole on another
    (`return qs`), at that return. In any module, a handler (not staff-only) that makes the caller's own id the
    default of one the client sends (`member_id = request.args.get("member") or current_user.id`,
    `body.get("holder_id", current_user.id)`) is reported from that assignment to the name's first use.
    Only records of a model (or table) the module ties to the caller somewhere (also by creating one with the
    caller as its owner: `Address.objects.create(member=request.user.member)`, not as its author; or by
    narrowing a query by the model's owner column, `Booking.customer_id == ...`, or by a parent record tied to
    the caller, `Rehearsal.objects.filter(choir=choir)` with `choir` loaded by the caller or by a helper of the
    module that narrows by the caller, or a related manager reached from such a record,
    `guardian.family.children.filter(...)`; or by a column named for the
    caller's role, `Application.parent_id == parent.id` with `parent = Depends(current_parent)`; by setting the
    caller as the owner of a record made by a Django ModelForm, `quote = form.save(commit=False)` then
    `quote.customer = request.user.customer`, or of one a DRF viewset's `perform_create` saves,
    `serializer.save(member=self.request.user.member)`; or by reading the owner column
    of a loaded record, `rental.customer_id`, in a handler or in a helper of the module) are judged; the caller
    kept on Flask's `g` counts by any id
    (`g.client_id`);
    A handler that ties one record to the caller (`leader = Member.objects.filter(user=request.user).first()`) is
    still reported for another it loads by the URL's id when nothing ties that one: its load is not narrowed by the
    caller or a value derived from it (`choir_id=leader.choir_id`), and it never meets them in a comparison, a test
    or a call (logging aside).
    DRF function views (`@api_view`) with no permission classes of their own know their caller when one of the
    module's such views reads `request.user` (the project's default permission signs callers in);
    handlers named for public flows, staff-only handlers (a staff decorator or dependency, `require_role(...)`,
    DRF's `@permission_classes` with a class other than `IsAuthenticated`/`AllowAny`,
    a login decorator given only staff roles, `@login_required("coordinator")`,
    a permission mixin or permission class, DRF's `check_object_permissions`)
    and handlers that write the caller into a new record (joining an event, answering a survey: something every
    user takes part in) are skipped.
    Also: a file served (`FileResponse`, `send_file`) from a path built from the URL's id of such a record
    (`path = DOCUMENT_ROOT / str(plot_id) / name`) when nothing ties that record to the caller (a call of the
    module's own check given the id, `_check_owner(request, plot_id)`, counts as one); peewee's loads
    (`Booking.get_or_none(Booking.id == booking_id)`, `Booking.get_by_id(...)`); the caller
    as a helper reads it off the request (`guide = await current_guide(request)`); a record that hangs off one the
    module ties to the caller (its SQL reads `order_id`, or the handler reads `report.order_id`, where orders are
    the caller's); a `get_queryset` that builds its queryset in a name (`queryset = Booking.objects...`,
    `return queryset`). A test of whether the record was found (`if row is None`) is not a check of whose it is;
    a claim that writes the caller in the same statement (`filter(pk=slot_id, booked_by=None).update(booked_by=
    member)`) is. A capability permission class (`CanReview`) and a decorator named for a staff role
    (`@manager_required`) admit staff.

    ## Why is this bad?
    Being signed in is not being allowed: any account can change the number in the URL and read, change or
    delete another customer's booking, payslip or lab result (an insecure direct object reference). The module's
    other handlers show that these records belong to someone; this one forgot to check.

    ## Known limits
    A check done elsewhere (a helper that loads only the caller's rows, a queryset manager scoped to the request,
    a row-level security policy in the database) is not seen unless the handler calls it by an authorizing name.
    Records that are meant to be visible to every signed-in user (a shared catalogue) are reported when the module
    also holds per-user records. A module where no handler ties records to the caller is not judged.
    """

    id = "SEC018"
    VALID = (
        # The one handler compares the booking's owner with the caller before changing it.
        """
from fastapi import APIRouter, Depends, HTTPException

router = APIRouter()

@router.post("/bookings/{booking_id}/note")
async def note(booking_id: int, body: NoteIn, principal=Depends(current_principal), session=Depends(get_session)):
    booking = await session.get(Booking, booking_id)  # ok: SEC018
    if booking.customer_id != principal.customer.id:
        raise HTTPException(status_code=404)
    booking.note = body.text
    await session.commit()
    return {"id": booking.id}
""",
        # Only coordinators reach this handler: staff act on any job.
        """
from flask import Blueprint, g, jsonify

bp = Blueprint("jobs", __name__)

@bp.get("/jobs")
@login_required("translator")
def my_jobs():
    return jsonify(db.fetch_all("SELECT id FROM jobs WHERE translator_id = %s LIMIT 50", (g.translator_id,)))

@bp.post("/staff/jobs/<int:job_id>/reopen")
@login_required("coordinator")
def reopen(job_id):
    db.execute("UPDATE jobs SET status = 'open' WHERE id = %s", (job_id,))  # ok: SEC018
    return "", 204
""",
        """
from flask import Blueprint, abort, jsonify
from flask_login import current_user, login_required

bp = Blueprint("bookings", __name__)

@bp.get("/bookings")
@login_required
def my_bookings():
    return jsonify([b.as_dict() for b in Booking.query.filter_by(member_id=current_user.id).limit(50)])

@bp.post("/bookings/<int:booking_id>/cancel")
@login_required
def cancel(booking_id):
    booking = Booking.query.get_or_404(booking_id)  # ok: SEC018
    if booking.member_id != current_user.id:
        abort(404)
    booking.status = "cancelled"
    db.session.commit()
    return jsonify(id=booking.id)
""",
        """
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404

@login_required
def my_invoices(request):
    return render(request, "invoices.html", {"invoices": Invoice.objects.filter(owner=request.user)[:50]})

@login_required
@permission_required("billing.view_invoice")
def any_invoice(request, invoice_id):
    invoice = get_object_or_404(Invoice, pk=invoice_id)  # ok: SEC018
    return render(request, "invoice.html", {"invoice": invoice})

@login_required
def invoice(request, invoice_id):
    invoice = get_object_or_404(Invoice, pk=invoice_id, owner=request.user)  # ok: SEC018
    return render(request, "invoice.html", {"invoice": invoice})
""",
        # Joining something every user may join; staff acting on any customer's record.
        """
from fastapi import APIRouter, Depends

router = APIRouter()

@router.get("/events/mine")
def my_events(user=Depends(current_user), db=Depends(get_session)):
    return db.scalars(select(Event).where(Event.organizer_id == user.id).limit(50)).all()

@router.post("/events/{event_id}/waitlist")
def join_waitlist(event_id: int, user=Depends(current_user), db=Depends(get_session)):
    event = db.get(Event, event_id)  # ok: SEC018
    db.add(WaitlistEntry(event_id=event.id, user_id=user.id))
    db.commit()

@router.post("/events/{event_id}/cancel")
def cancel_event(event_id: int, staff=Depends(require_role("support")), db=Depends(get_session)):
    event = db.get(Event, event_id)  # ok: SEC018
    event.cancelled = True
    db.commit()
""",
        # Detail views that narrow their own queryset, or decide per record with an owner permission.
        """
from rest_framework import generics, permissions

class MyLessonsView(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return Lesson.objects.filter(student__user=self.request.user)[:50]

class LessonDetailView(generics.RetrieveAPIView):
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return Lesson.objects.filter(student__user=self.request.user)

class LessonNotesView(generics.RetrieveUpdateAPIView):
    permission_classes = [permissions.IsAuthenticated, IsLessonOwner]
    queryset = Lesson.objects.all()  # ok: SEC018
""",
        # A column that names who works on the record, not whose it is.
        """
from flask import Blueprint, jsonify
from flask_login import current_user, login_required

bp = Blueprint("tickets", __name__)

@bp.get("/tickets/assigned")
@login_required
def assigned():
    rows = session.scalars(select(Ticket).where(Ticket.assignee_id == current_user.id).limit(50))
    return jsonify([t.id for t in rows])

@bp.post("/tickets/<int:ticket_id>/claim")
@login_required
def claim(ticket_id):
    ticket = session.get(Ticket, ticket_id)  # ok: SEC018
    ticket.assignee_id = current_user.id
    session.commit()
    return jsonify(id=ticket.id)
""",
        # A coordinators-only view, and DRF's per-record permissions run by hand.
        """
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import get_object_or_404
from django.views import View
from rest_framework.views import APIView

class MyCreditsView(LoginRequiredMixin, View):
    def get(self, request):
        return render_credits(HourCredit.objects.filter(member=request.user.member)[:50])

class ApproveCreditView(APIView):
    permission_classes = [IsAuthenticated, IsSiteCoordinator]

    def post(self, request, pk):
        credit = get_object_or_404(HourCredit, pk=pk)  # ok: SEC018
        self.check_object_permissions(request, credit)
        return approve(credit, request.user)

class OfferPlotView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "garden.change_credit"

    def post(self, request, credit_id):
        credit = HourCredit.objects.select_for_update().get(pk=credit_id)  # ok: SEC018
        return offer(credit)
""",
        # A parent's records listed by the parent's id from the URL: not one record picked by its own key.
        """
from flask import Blueprint, jsonify
from flask_login import current_user, login_required

@bp.get("/appointments")
@login_required
def mine():
    return jsonify([a.id for a in Appointment.query.filter_by(patient_id=current_user.id).limit(50)])

@bp.get("/doctor/<int:doctor_id>")
@login_required
def doctor_agenda(doctor_id: int):
    rows = Appointment.query.filter_by(doctor_id=doctor_id).order_by(Appointment.starts_at).limit(50).all()  # ok: SEC018
    return jsonify([a.id for a in rows])
""",
        # A device signs in with a dependency it names `_`: used on purpose for the sign-in only.
        """
from fastapi import APIRouter, Depends

router = APIRouter()

@router.post("/{device_id}/installed")
async def report_installed(device_id: str, version: str, _=Depends(get_device_account), db=Depends(get_db)):
    row = await db.fetchrow("SELECT id FROM devices WHERE id = $1", device_id)  # ok: SEC018
    await db.execute("UPDATE devices SET firmware_version = $2 WHERE id = $1", row["id"], version)
""",
        # Staff may name any member; a page number's default is not the caller.
        """
from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

bp = Blueprint("cards", __name__)

@bp.get("/cards")
@login_required
def cards():
    if not current_user.is_staff:
        abort(403)
    member_id = request.args.get("member") or current_user.id  # ok: SEC018
    return jsonify([c.number for c in Card.query.filter_by(member_id=member_id).limit(20)])

@bp.get("/my/cards")
@login_required
def my_cards():
    page = int(request.args.get("page") or 1)  # ok: SEC018
    rows = Card.query.filter_by(member_id=current_user.id).paginate(page=page, per_page=20)
    return jsonify([c.number for c in rows.items])
""",
        # Narrowed on every path that serves rows: the anonymous get none, staff get all, the rest their own.
        """
from rest_framework import mixins, viewsets

class TripViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    def get_queryset(self):
        trips = Trip.objects.select_related("route")
        if not self.request.user.is_authenticated:
            return Trip.objects.none()  # ok: SEC018
        if self.action == "list":
            return trips.filter(rider=self.request.user).order_by("-started_at")[:50]
        return trips.filter(rider=self.request.user)  # ok: SEC018

class FareViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    def get_queryset(self):
        fares = Fare.objects.filter(rider=self.request.user)
        if self.action == "retrieve":
            return fares.select_related("trip")
        return fares  # ok: SEC018
""",
        # The module's own decorator takes the seller id from the URL and compares it with the API key's seller.
        """
from flask import Blueprint, abort, jsonify, request

bp = Blueprint("sellers", __name__)

def require_seller(view):
    @wraps(view)
    def wrapper(seller_id, *args, **kwargs):
        key = find_key(request.headers.get("X-Api-Key", ""))
        if key is None or key.seller_id != seller_id:
            abort(403)
        return view(seller_id, *args, **kwargs)
    return wrapper

@bp.get("/sellers/<int:seller_id>/ledger")
@require_seller
def ledger(seller_id):
    return jsonify(entries=session.scalars(select(Entry).where(Entry.seller_id == seller_id).limit(50)).all())

@bp.get("/sellers/<int:seller_id>/payouts")
@require_seller
def payouts(seller_id):
    return jsonify(rows=session.scalars(select(Payout).where(Payout.seller_id == seller_id).limit(50)).all())  # ok: SEC018
""",
        # A review desk's permission class and a manager's decorator admit staff; claiming a free slot for the
        # caller ties the slot to the caller in the same statement.
        """
from flask import Blueprint, jsonify
from flask_login import current_user, login_required
from rest_framework import viewsets

class MyShiftsViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        return Shift.objects.filter(staff=self.request.user)

class ReviewQueueViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated, CanReview]

    def get_queryset(self):
        queryset = Shift.objects.select_related("staff")
        return queryset  # ok: SEC018

@bp.post("/swaps/<int:swap_id>/approve")
@manager_required
def approve_swap(swap_id: int):
    swap = ShiftSwap.query.get_or_404(swap_id)  # ok: SEC018
    shift = Shift.query.get(swap.shift_id)
    shift.staff_id = swap.cover_staff_id
    db.session.commit()
    return jsonify(id=swap.id)

@bp.post("/slots/<int:slot_id>/book")
@login_required
def book(slot_id: int):
    member = current_user.member
    taken = Slot.query.filter_by(id=slot_id, booked_by_id=None).update({"booked_by_id": member.id})  # ok: SEC018
    if not taken:
        return jsonify(error="taken"), 409
    db.session.commit()
    return jsonify(id=slot_id)
""",
    )
    INVALID = (
        # `IsAuthenticated` signs the caller in; it says nothing about whose booking this is.
        """
from django.shortcuts import get_object_or_404
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response

@api_view(["GET"])
@permission_classes([IsAuthenticated])
def booking_detail(request, booking_id):
    booking = get_object_or_404(Booking.objects.select_related("slot"), pk=booking_id)  # expect: SEC018
    return Response(serialize(booking))

@api_view(["GET"])
@permission_classes([IsAdminUser])
def booking_audit(request, booking_id):
    booking = get_object_or_404(Booking, pk=booking_id)  # ok: SEC018
    return Response(serialize(booking))

@api_view(["POST"])
@permission_classes([IsAuthenticated])
def cancel_booking(request, booking_id):
    booking = get_object_or_404(Booking, pk=booking_id, customer=request.user.customer)
    booking.cancel()
    return Response(status=204)
""",
        # Rehearsals are listed under a choir the caller belongs to; the detail view serves any rehearsal by id.
        """
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404

def _choir_for(request, slug):
    return get_object_or_404(Choir, slug=slug, members__user=request.user)

@login_required
def season(request, choir_slug):
    choir = _choir_for(request, choir_slug)
    return JsonResponse({"ids": list(Rehearsal.objects.filter(choir=choir).values_list("id", flat=True)[:40])})

@login_required
def rehearsal_detail(request, rehearsal_id):
    rehearsal = get_object_or_404(Rehearsal, pk=rehearsal_id)  # expect: SEC018
    return JsonResponse({"id": rehearsal.id, "notes": rehearsal.notes})
""",
        # The leader is tied to the caller; the singer the URL names is never compared with the leader's choir.
        """
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404

@login_required
def my_sections(request):
    return JsonResponse({"sections": list(Member.objects.filter(user=request.user).values("section")[:20])})

@login_required
def change_section(request, member_id):
    leader = Member.objects.filter(user=request.user, active=True).first()
    if leader is None or not leader.leads_section:
        return JsonResponse({"error": "section leaders only"}, status=403)
    singer = get_object_or_404(Member, pk=member_id)  # expect: SEC018
    singer.section_id = request.POST["section_id"]
    singer.save(update_fields=["section"])
    log.info("leader %s moved %s", leader.id, singer.id)
    return JsonResponse({"member": singer.id})

@login_required
def move_singer(request, member_id):
    leader = Member.objects.filter(user=request.user, active=True).first()
    singer = get_object_or_404(Member, pk=member_id, choir_id=leader.choir_id)  # ok: SEC018
    singer.section_id = request.POST["section_id"]
    singer.save(update_fields=["section"])
    return JsonResponse({"member": singer.id})

@login_required
def rename_singer(request, member_id):
    leader = Member.objects.filter(user=request.user, active=True).first()
    singer = get_object_or_404(Member, pk=member_id)  # ok: SEC018
    if singer.choir_id != leader.choir_id:
        return JsonResponse({"error": "not your choir"}, status=404)
    singer.display_name = request.POST["name"]
    singer.save(update_fields=["display_name"])
    return JsonResponse({"member": singer.id})
""",
        # The handler reads the rental's customer itself, so rentals are someone's; it never compares it with the
        # caller.
        """
from fastapi import APIRouter, Depends

router = APIRouter()

@router.get("/rentals/{rental_id}/agreement")
async def rental_agreement(rental_id: int, principal=Depends(current_principal), session=Depends(get_session)):
    rental = await session.get(Rental, rental_id)  # expect: SEC018
    customer = await session.get(Customer, rental.customer_id)
    return {"customer": customer.name, "item": rental.item}

@router.get("/equipment")
async def equipment(session=Depends(get_session)):
    return await list_equipment(session)
""",
        # The caller kept on `g` by id: one handler narrows by it, another trusts the URL.
        """
from flask import Blueprint, g, jsonify

bp = Blueprint("quotes", __name__)

@bp.get("/quotes")
@login_required("client")
def my_quotes():
    return jsonify(db.fetch_all("SELECT id FROM quotes WHERE client_id = %s LIMIT 50", (g.client_id,)))

@bp.delete("/quotes/<int:quote_id>")
@login_required("client")
def withdraw(quote_id):
    db.execute("UPDATE quotes SET status = 'withdrawn' WHERE id = %s", (quote_id,))  # expect: SEC018
    return "", 204
""",
        """
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404

@login_required
def add_address(request):
    address = Address.objects.create(member=request.user.member, line1=request.POST["line1"])
    return JsonResponse({"id": address.pk}, status=201)

@login_required
def rename_address(request, address_id):
    address = get_object_or_404(Address, pk=address_id)  # expect: SEC018
    address.label = request.POST["label"]
    address.save()
    return JsonResponse({"id": address.pk})

@login_required
def make_default(request, address_id):
    member = request.user.member
    address = get_object_or_404(Address, pk=address_id, member=member)  # ok: SEC018
    address.is_default = True
    address.save()
    return JsonResponse({"id": address.pk})
""",
        """
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

@login_required
def my_holds(request):
    return JsonResponse({"holds": list(Hold.objects.filter(member=request.user.member).values("id")[:50])})

@login_required
@require_POST
def cancel_hold(request, hold_id):
    hold = get_object_or_404(Hold, pk=hold_id)  # expect: SEC018
    hold.status = "cancelled"
    hold.save(update_fields=["status"])
    return JsonResponse({"id": hold.pk})
""",
        """
from fastapi import APIRouter, Depends, HTTPException

router = APIRouter()

@router.get("/payslips")
def my_payslips(employee=Depends(current_employee), conn=Depends(get_conn)):
    return conn.execute("SELECT id FROM payslips WHERE employee_id = %s LIMIT 24", (employee.id,)).fetchall()

@router.get("/payslips/{payslip_id}")
def payslip(payslip_id: int, employee=Depends(current_employee), conn=Depends(get_conn)):
    row = conn.execute("SELECT id, pdf_key FROM payslips WHERE id = %s", (payslip_id,)).fetchone()  # expect: SEC018
    if row is None:
        raise HTTPException(404)
    return {"id": row[0], "pdf": row[1]}
""",
        # A DRF detail view serving its whole queryset, beside a list view narrowed to the caller.
        """
from rest_framework import generics, permissions

class MyLessonsView(generics.ListAPIView):
    serializer_class = LessonSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return Lesson.objects.filter(student__user=self.request.user)[:50]

class LessonDetailView(generics.RetrieveAPIView):
    serializer_class = LessonSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Lesson.objects.select_related("tutor")  # expect: SEC018
""",
        # A role decorator that admits customers is not a staff-only guard; `delivery` is not the `live` of a probe.
        """
from flask import Blueprint, g, jsonify

bp = Blueprint("deliveries", __name__)

@bp.get("/deliveries")
@require_role("customer")
def my_deliveries():
    return jsonify([d.id for d in Delivery.query.filter_by(customer_id=g.account.id).limit(50)])

@bp.post("/deliveries/<int:delivery_id>/cancel")
@require_role("customer", "dispatcher")
def cancel_delivery(delivery_id):
    delivery = db.session.get(Delivery, delivery_id)  # expect: SEC018
    delivery.status = "cancelled"
    db.session.commit()
    return jsonify(id=delivery.id)
""",
        # Django's generic detail views: a get_queryset of their own that forgets the caller.
        """
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.views.generic import DetailView, ListView

class MyTalksView(LoginRequiredMixin, ListView):
    def get_queryset(self):
        return Talk.objects.filter(speaker=self.request.user).order_by("-created_at")

class TalkDetailView(LoginRequiredMixin, DetailView):
    def get_queryset(self):
        return Talk.objects.select_related("conference")  # expect: SEC018

class TalkReviewView(LoginRequiredMixin, UserPassesTestMixin, DetailView):
    queryset = Talk.objects.all()

    def test_func(self):
        return self.request.user.groups.filter(name="reviewers").exists()
""",
        # The caller's own id is only the default of one the client may send.
        """
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

bp = Blueprint("statements", __name__)

@bp.get("/statements")
@login_required
def statements():
    account_id = int(request.args.get("account") or current_user.account_id)  # expect: SEC018
    rows = Statement.query.filter_by(account_id=account_id).limit(24).all()
    return jsonify([s.period for s in rows])

@bp.post("/statements/email")
@login_required
def email_statement():
    body = request.get_json() or {}
    holder = body.get("holder_id", current_user.id)  # expect: SEC018
    queue_statement_email(holder, body["period"])
    return jsonify(queued=True)
""",
        # A viewset whose get_queryset narrows the listing to the caller and serves the rest whole.
        """
from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticated

class RentalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        rentals = Rental.objects.select_related("bike").order_by("-started_at")
        if self.action == "list":
            return rentals.filter(rider=self.request.user)
        return rentals  # expect: SEC018
""",
        # The tie is a query on the model's owner column; the load goes through Flask-SQLAlchemy's db.get_or_404.
        """
from flask import Blueprint, jsonify
from flask_login import current_user, login_required

bp = Blueprint("vouchers", __name__)

@bp.get("/vouchers")
@login_required
def my_vouchers():
    rows = db.session.scalars(select(Voucher).where(Voucher.member_id == current_user.id).limit(50))
    return jsonify([v.code for v in rows])

@bp.get("/vouchers/<int:voucher_id>")
@login_required
def voucher(voucher_id):
    found = db.get_or_404(Voucher, voucher_id)  # expect: SEC018
    return jsonify(code=found.code)
""",
        # SQLAlchemy 2.0: the record picked by a URL reference, while a helper picks only the caller's own.
        """
from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select

router = APIRouter()

async def _owned_booking(session, reference, principal):
    return await session.scalar(select(DeckBooking).where(
        DeckBooking.reference == reference, DeckBooking.customer_id == principal.customer_id))

@router.get("/bookings/{reference}")
async def get_booking(reference: str, principal=Depends(current_principal), session=Depends(get_session)):
    booking = await session.scalar(select(DeckBooking).options(joinedload(DeckBooking.sailing))
                                   .where(DeckBooking.reference == reference))  # expect: SEC018
    return {"status": booking.status}

@router.post("/bookings/{reference}/cancel")
async def cancel_booking(reference: str, principal=Depends(current_principal), session=Depends(get_session)):
    booking = await _owned_booking(session, reference, principal)
    return await cancel(session, booking)
""",
        # The caller's role names the owner column (`Application.parent_id == parent.id`).
        """
from fastapi import APIRouter, Depends

router = APIRouter()

@router.get("/applications")
def mine(parent=Depends(current_parent), session=Depends(get_session)):
    return session.scalars(select(Application).where(Application.parent_id == parent.id).limit(50)).all()

@router.get("/applications/{application_id}")
def one(application_id: int, parent=Depends(current_parent), session=Depends(get_session)):
    return session.get(Application, application_id)  # expect: SEC018
""",
        # A Django ModelForm saved with the caller as its owner; another view serves any of them.
        """
from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

class EnquiryForm(forms.ModelForm):
    class Meta:
        model = QuoteRequest
        fields = ["description"]

@login_required
def enquire(request):
    form = EnquiryForm(request.POST)
    quote = form.save(commit=False)
    quote.customer = request.user.customer
    quote.save()
    return redirect("quote", pk=quote.pk)

@login_required
def quote_detail(request, pk):
    quote = get_object_or_404(QuoteRequest, pk=pk)  # expect: SEC018
    return render(request, "quote.html", {"quote": quote})
""",
        # DRF function views under the project's default permission: one narrows by `request.user`, the other
        # serves any reservation; an invoice picked by its number from the URL.
        """
from rest_framework.decorators import api_view

@api_view(["GET"])
def my_reservations(request):
    return Response(ReservationSerializer(Reservation.objects.filter(customer=request.user)[:50], many=True).data)

@api_view(["GET"])
def reservation_detail(request, pk: int):
    reservation = get_object_or_404(Reservation.objects.select_related("car"), pk=pk)  # expect: SEC018
    return Response(ReservationSerializer(reservation).data)
""",
        """
from flask import Blueprint, jsonify, send_file
from flask_login import current_user, login_required

@bp.get("/invoices")
@login_required
def my_invoices():
    return jsonify([i.number for i in Invoice.query.filter_by(customer_id=current_user.id).limit(50)])

@bp.get("/invoices/<number>.pdf")
@login_required
def download_invoice(number: str):
    invoice = Invoice.query.filter_by(number=number).first_or_404()  # expect: SEC018
    return send_file(invoice.pdf_path)
""",
        # The caller is asked for and never looked at, and the order its URL names is refunded.
        """
from fastapi import APIRouter, Depends

router = APIRouter()

@router.post("/orders/{order_id}/refund")
async def refund_order(order_id: int, visitor=Depends(current_visitor), pool=Depends(get_pool)):
    order = await pool.fetchrow("SELECT id, amount_cents FROM orders WHERE id = $1", order_id)  # expect: SEC018
    await pool.execute("UPDATE orders SET status = 'refunded' WHERE id = $1", order["id"])
    return {"refunded": order["amount_cents"]}
""",
        # The caller is read for its own counter, and the booking its URL names is cancelled with no comparison.
        """
from fastapi import APIRouter, Depends

router = APIRouter()

@router.post("/bookings/{booking_id}/cancel")
async def cancel(booking_id: int, principal=Depends(current_principal), session=Depends(get_session)):
    booking = await session.get(Booking, booking_id)  # expect: SEC018
    customer = principal.customer
    booking.status = "cancelled"
    customer.cancellations += 1
    await session.commit()
    return {"id": booking.id}
""",
        # Locked for the update, still not checked against the caller, who is only logged.
        """
from fastapi import APIRouter, Depends

router = APIRouter()

@router.post("/appointments/{appointment_id}/cancel")
def cancel_appointment(appointment_id: int, donor=Depends(current_donor), db=Depends(get_db)):
    appt = db.get(Appointment, appointment_id, with_for_update=True)  # expect: SEC018
    appt.status = "cancelled"
    db.commit()
    log.info("appointment %s cancelled by donor %s", appointment_id, donor.id)
    return {"id": appt.id}
""",
        # `@require_customer` signs the caller in (and `create` makes call-outs theirs); `get_callout` reads anyone's.
        """
from flask import Blueprint, g, jsonify

bp = Blueprint("callouts", __name__)

@bp.post("")
@require_customer
def create_callout():
    callout = Callout(customer_id=g.identity_id, address=request.json["address"])
    db.session.add(callout)
    db.session.commit()
    return jsonify(id=callout.id), 201

@bp.get("/<int:callout_id>")
@require_customer
def get_callout(callout_id: int):
    callout = db.session.get(Callout, callout_id)  # expect: SEC018
    return jsonify(callout.to_dict())
""",
        # A helper compares the pass's owner with the customer it is handed; one handler loads the pass without it.
        """
from fastapi import APIRouter, Depends, HTTPException

router = APIRouter()

async def _owned_pass(db, pass_id, customer):
    season_pass = await db.get(SeasonPass, pass_id)
    if season_pass is None or season_pass.customer_id != customer.id:
        raise HTTPException(404, "no such pass")
    return season_pass

@router.get("/passes/{pass_id}")
async def get_pass(pass_id: int, customer=Depends(current_customer), db=Depends(get_session)):
    season_pass = await db.get(SeasonPass, pass_id)  # expect: SEC018
    return {"tier": season_pass.tier}

@router.patch("/passes/{pass_id}/auto-renew")
async def set_auto_renew(pass_id: int, customer=Depends(current_customer), db=Depends(get_session)):
    season_pass = await _owned_pass(db, pass_id, customer)
    season_pass.auto_renew = True
    await db.commit()
    return {"tier": season_pass.tier}
""",
        # The viewset saves each booking as the caller's, then serves every booking by id.
        """
from rest_framework import viewsets

class SheetBookingViewSet(viewsets.ModelViewSet):
    serializer_class = SheetBookingSerializer

    def get_queryset(self):
        return SheetBooking.objects.select_related("sheet").order_by("-starts_at")  # expect: SEC018

    def perform_create(self, serializer):
        serializer.save(member=self.request.user.member)
""",
        # The signed-in account kept in Flask's session narrows the list, not the record read by id.
        """
from flask import Blueprint, abort, jsonify, session

bp = Blueprint("bookings", __name__)

@bp.get("")
@customer_required
def my_bookings():
    with connection() as conn:
        rows = conn.execute("SELECT id, starts_at FROM visits WHERE customer_id = %s LIMIT 50",
                            (session["account_id"],)).fetchall()
    return jsonify(bookings=rows)

@bp.get("/<int:visit_id>")
@customer_required
def get_booking(visit_id: int):
    with connection() as conn:
        visit = conn.execute("SELECT id, starts_at, access_notes FROM visits WHERE id = %s",  # expect: SEC018
                             (visit_id,)).fetchone()
    if visit is None:
        abort(404)
    return jsonify(visit)
""",
        # A viewset builds its queryset in a name and returns it whole (reported at the return, with the line the
        # queryset was built on as a related place); the module makes bookings for the caller.
        """
from rest_framework import mixins, viewsets

class BookingViewSet(mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    def get_queryset(self):
        queryset = Booking.objects.select_related("flight")
        site = self.request.query_params.get("site")
        if site:
            queryset = queryset.filter(flight__site__slug=site)
        return queryset  # expect: SEC018

    def create(self, request, *args, **kwargs):
        booking = Booking.objects.create(flight_id=request.data["flight"], customer=request.user)
        return Response({"id": booking.pk}, status=201)
""",
        # aiohttp: the caller comes from a helper given the request; whether the row exists is not whose it is.
        """
from aiohttp import web

async def my_reservations(request: web.Request) -> web.Response:
    guide = await current_guide(request)
    async with request.app[DB].acquire() as conn:
        rows = await conn.fetch("SELECT id, night FROM reservations WHERE guide_id = $1 LIMIT 100", guide["id"])
    return web.json_response([dict(r) for r in rows])

async def reservation_detail(request: web.Request) -> web.Response:
    guide = await current_guide(request)
    reservation_id = int(request.match_info["reservation_id"])
    async with request.app[DB].acquire() as conn:
        row = await conn.fetchrow("SELECT id, phone FROM reservations WHERE id = $1", reservation_id)  # expect: SEC018
    if row is None:
        raise web.HTTPNotFound()
    return web.json_response(dict(row))
""",
        # peewee, as Falcon responders use it: one load is narrowed by the caller kept on the request's context, the
        # other takes any booking by its id.
        """
import falcon

class BookingResource:
    def on_get(self, req, resp, booking_id: int):
        mine = (Booking.id == booking_id) & (Booking.customer == req.context.user_id)
        booking = Booking.get_or_none(mine)  # ok: SEC018
        if booking is None:
            raise falcon.HTTPNotFound()
        resp.media = {"id": booking.id}

    def on_post_cancel(self, req, resp, booking_id: int):
        booking = Booking.get_or_none(Booking.id == booking_id)  # expect: SEC018
        if booking is None:
            raise falcon.HTTPNotFound()
        booking.status = "cancelled"
        booking.save()
        logger.info("booking %s cancelled by %s", booking.id, req.context.user_id)
""",
        # A report hangs off an order (`order_id`), and orders are the caller's: the report is too.
        """
from flask import Blueprint, abort, jsonify
from flask_login import current_user, login_required

bp = Blueprint("portal", __name__)

@bp.get("/orders/<int:order_id>")
@login_required
def order_detail(order_id: int):
    order = db.execute("SELECT id, status FROM orders WHERE id = %s AND customer_id = %s",
                       (order_id, current_user.id)).fetchone()
    return jsonify(order)

@bp.get("/reports/<int:report_id>")
@login_required
def report(report_id: int):
    row = db.execute("SELECT order_id, pdf FROM tuning_reports WHERE id = %s", (report_id,))  # expect: SEC018
    if row is None:
        abort(404)
    return row["pdf"]
""",
        # The module lists the children of the caller's family through a helper; the detail view takes any child.
        """
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

def _guardian(request):
    return Guardian.objects.select_related("family").get(user=request.user)

@login_required
def dashboard(request):
    guardian = _guardian(request)
    children = guardian.family.children.filter(active=True)
    return render(request, "portal/dashboard.html", {"children": children})

@login_required
def child_attendance(request, child_id):
    child = get_object_or_404(Child, pk=child_id)  # expect: SEC018
    return render(request, "portal/attendance.html", {"child": child})
""",
        # A plot's document served from a path built from the plot id in the URL, with no check of whose plot it is.
        """
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render

@login_required
def plot_documents(request, plot_id):
    plot = get_object_or_404(Plot, pk=plot_id, tenant__user=request.user)
    return render(request, "garden/plot_documents.html", {"plot": plot})

@login_required
def download_plot_document(request, plot_id, name):
    path = DOCUMENT_ROOT / str(plot_id) / name
    return FileResponse(open(path, "rb"))  # expect: SEC018

@login_required
def plot_photo(request, plot_id, name):
    _check_owner(request, plot_id)
    path = PHOTO_ROOT / str(plot_id) / name
    return FileResponse(open(path, "rb"))  # ok: SEC018
""",
    )

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.ctx.is_test or not self.ctx.is_web_app:
            return
        module_scope = scope_of(original_node)
        handlers = [handler for handler, _cls in module_handlers(original_node, self.ctx)]
        # Handlers of a view class whose permission decides per record or admits staff only are not judged.
        decided = {handler for handler, cls in module_handlers(original_node, self.ctx)
                   if cls is not None and _permission_decides(cls)}
        local = {fn.name.value: fn for fn in original_node.body if isinstance(fn, cst.FunctionDef)}
        decided |= {handler for handler in handlers if _decorated_by_id_check(handler, local)}
        queryset_methods, detail_views = _queryset_methods(original_node), _generic_detail_views(original_node)
        forms = _model_forms(original_node)
        judged = {handler: _Handler(handler, scope_of(handler, module_scope), self.ctx, forms) for handler in handlers}
        for handler, found in judged.items():
            if handler not in decided and not found.staff_only:
                self._report_caller_as_default(found.scope)
        # A handler that asks who the caller is (`visitor = Depends(current_visitor)`), never looks at the answer,
        # and changes the record its URL names: the sign-in is there, the check it was for is not.
        # One that reads the caller only for other things (`customer = principal.customer`) and changes the record
        # itself (`reservation.status = "cancelled"`) has no check either.
        unused = set()
        for handler, found in judged.items():
            if (handler in decided or found.staff_only or found.participates or not found.caller_params
                    or any(name.startswith("_") for name in found.caller_params)  # `_ = Depends(...)`: on purpose
                    or found.ties_to_caller or _PUBLIC.search(handler.name.value)):
                continue
            load = found.load_by_url_id()
            if load is None or not found.writes_after(load[0]):
                continue
            params = ", ".join(f"`{name}`" for name in sorted(found.caller_params))
            if not found.uses_caller:
                message = (f"`{handler.name.value}` takes the caller ({params}) but never uses it, and changes the "
                           "record its URL names: any signed-in user can change the id and act on another "
                           "customer's record.")
            elif found.changes_loaded(load[0]):
                message = (f"`{handler.name.value}` takes the caller ({params}) and changes the record its URL "
                           "names without ever comparing the two: any signed-in user can change the id and act on "
                           "another customer's record.")
            else:
                continue
            unused.add(handler)
            self.report(load[1], end_node=load[1], message=message)
        if len(handlers) + len(queryset_methods) + len(detail_views) < 2:
            return
        judged = {handler: found for handler, found in judged.items() if handler not in unused}
        # A view's `get_queryset` narrows what its handlers read (`filter(student__user=self.request.user)`).
        narrowing = [_Handler(fn, scope_of(fn, module_scope), self.ctx, forms) for fn in queryset_methods]
        # The models (or tables) this module ties to the caller somewhere: its per-customer records.
        owned = {model for found in (*judged.values(), *narrowing) for model in found.tied_models if model is not None}
        owned |= {model for found in judged.values() for model in found.created_for_caller}
        owned |= _narrowed_by_owner_column(original_node)
        owned |= {model for found in judged.values() for model in found.owner_columns_read}
        # Records listed under a parent tied to the caller (`choir = _choir_for(request, slug)`, a helper that loads
        # with `members__user=request.user`; then `Rehearsal.objects.filter(choir=choir)`) belong to that parent.
        helpers = {fn: judged[fn] if fn in judged else _Handler(fn, scope_of(fn, module_scope), self.ctx)
                   for fn in original_node.body if isinstance(fn, cst.FunctionDef)}
        tied_helpers = {fn.name.value for fn, found in helpers.items() if found.tied_models}
        # A helper that reads the owner column of a record it loaded (`if season_pass.customer_id != customer.id`)
        # shows, as a handler doing so would, that the module's records of that model are someone's.
        owned |= {model for found in helpers.values() for model in found.owner_columns_read}
        owned |= {model for found in judged.values() for model in found.children_of_tied(tied_helpers)}
        # A `get_queryset` that narrows by the caller on one path only (`if self.action == "list": return
        # qs.filter(customer=self.request.user)`, then `return qs`) says itself that the rows are the caller's, and
        # serves everyone's on the other paths.
        # Each detail view's own `get_queryset`, judged once for both questions below.
        querysets = {source: _Handler(source, scope_of(source, module_scope), self.ctx, forms)
                     for _, source in detail_views if isinstance(source, cst.FunctionDef)}
        for view, source in detail_views:
            if isinstance(source, cst.FunctionDef):
                own = querysets[source]
                untied = own.untied_return() if own.ties_to_caller and not own.staff_only else None
                if untied is not None:
                    self.report(untied, f"`{view.name.value}.get_queryset` narrows to the caller's rows on one path "
                                        "only: on this one it serves any record by the id in the URL, so any "
                                        "signed-in user can change the id and read another customer's record.")
        # A viewset whose `perform_create` saves the caller as the owner (`serializer.save(member=self.request.user
        # .member)`) makes each of its records someone's: the rows its queryset serves are per-customer records.
        for view, source in detail_views:
            expr = source.value if isinstance(source, cst.Assign) else next(
                (n.value for n in descendants(source.body) if isinstance(n, cst.Return) and n.value is not None), None)
            orm = orm_model(expr, module_scope, self.ctx) if expr is not None and _saves_for_caller(view) else None
            if orm is not None:
                owned.add(_model_key(orm[1]))
        if not owned:
            return  # nothing here says these records belong to someone
        for view, source in detail_views:
            if isinstance(source, cst.FunctionDef):
                own = querysets[source]
                if own.ties_to_caller or own.staff_only:
                    continue
                returned = next((n.value for n in descendants(source.body)
                                 if isinstance(n, cst.Return) and n.value is not None), None)
                if returned is None:
                    continue
                where, expr = returned, _built_from(returned, own.scope)
            else:
                where, expr = source, source.value
            orm = orm_model(expr, module_scope, self.ctx)
            if orm is not None and _model_key(orm[1]) in owned:
                self.report(where, f"`{view.name.value}` serves any `{orm[1]}` by the id in its URL: its queryset "
                                   "is not narrowed to the caller's rows and no permission decides per record, so "
                                   "any signed-in user can change the id and read another customer's record.",
                            related=[expr] if expr is not where else ())
        # DRF function views with the project's default permission: when one of them reads `request.user`, the
        # default lets only signed-in callers in, and the module's other such views know their caller as well.
        drf_signed_in = "request.user" in self.ctx.text and any(
            _drf_function_view(handler) and any(isinstance(n, cst.Attribute) and attribute_path(n) == "request.user"
                                                for n in descendants(handler.body)) for handler in handlers)
        for handler, found in judged.items():
            if found.staff_only or found.participates or handler in decided or _PUBLIC.search(handler.name.value):
                continue
            if not identifies_caller(handler) and not (drf_signed_in and _drf_function_view(handler)):
                continue  # no caller at all: UnprotectedStateChange's finding
            load = found.load_by_url_id()
            # A handler that ties one record to the caller (`leader = ...filter(user=request.user)`) and loads another
            # by the URL's id (`singer = get_object_or_404(Member, pk=member_id)`) that nothing ties: still unchecked.
            if found.ties_to_caller and (load is None or not found.record_untied(load[0])):
                continue
            if load is not None and (found.model_of(load[0]) in owned or found.child_of(load[0], owned)):
                # The finding spans the whole call: the id may be picked on any of its lines (a SQL `WHERE`).
                self.report(load[1], end_node=load[1],
                            message=f"`{handler.name.value}` loads a record by the id in its URL and never checks "
                                    "that it belongs to the caller: any signed-in user can change the id and reach "
                                    "another customer's record.")
            elif load is None and not found.ties_to_caller:
                served = found.file_of_owned_id(owned)
                if served is not None:
                    self.report(served[0], related=[served[1]] if served[1] is not served[0] else (),
                                message=f"`{handler.name.value}` serves a file named by the id of a record in its URL "
                                        f"(`{served[2]}`) without checking that the record is the caller's: any "
                                        "signed-in user can change the id and download another customer's file.")


    def _report_caller_as_default(self, scope: Scope) -> None:
        """`member_id = request.query_params.get("member") or request.user.member.pk`: the caller's own id is only
        the default of an id the client may send, so any signed-in user can name another's. Reported from the
        assignment to the first use of the name."""
        for assign in scope.of_type(cst.Assign):
            if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
                continue
            value = _unwrap_conversion(assign.value)
            if isinstance(value, cst.BooleanOperation) and isinstance(value.operator, cst.Or):
                client, default = value.left, value.right
            elif (isinstance(value, cst.Call) and method(value) == "get" and len(value.args) == 2
                  and isinstance(value.func, cst.Attribute)):
                client, default = value.func.value, value.args[1].value
            else:
                continue
            if not (_from_client(client, scope) and _names_caller(default)):
                continue
            name = assign.targets[0].target.value
            uses = [n for n in scope.of_type(cst.Name) if n.value == name and scope.index[n] > scope.last[assign]]
            self.report(assign, f"`{name}` is the caller's own id only when the client sends none: any signed-in "
                                "user can send another's and act on their records.",
                        end_node=uses[0] if uses else None)


def _unwrap_conversion(value: cst.BaseExpression) -> cst.BaseExpression:
    """`int(x)`, `str(x)`, `UUID(x)`: the value converted."""
    while (isinstance(value, cst.Call) and isinstance(value.func, cst.Name)
           and value.func.value in ("int", "str", "UUID") and len(value.args) == 1):
        value = value.args[0].value
    return value


def _from_client(expr: cst.BaseExpression, scope: Scope) -> bool:
    """Request input, directly or through a local name bound to it (`body = request.get_json() or {}`)."""
    if is_request_input(expr):
        return True
    root = chain_root(expr)
    if not isinstance(root, cst.Name):
        return False
    binding = scope.binding(root.value, expr)
    if binding is None:
        return False
    bound = binding.value.left if isinstance(binding.value, cst.BooleanOperation) else binding.value
    return is_request_input(bound)


# `current_member_id()`, `get_current_user()`: a function that answers who the caller is.
_CALLER_FUNCTION = re.compile(r"^(get_)?current_\w+$")
# Keys of Flask's session that hold the signed-in account (`session["account_id"]`), not a cart or a flash.
_SESSION_CALLER_KEY = re.compile(r"^(user|account|customer|member|client|patient|student|owner)(_id)?$")


# A helper that resolves who is calling from the request: `guide = await current_guide(request)`.
_CALLER_RESOLVER = re.compile(r"^(get_)?current_\w+$")


def _resolves_caller(value: cst.BaseExpression) -> bool:
    """`await current_guide(request)`, `get_current_user(req)`: the caller, as a helper reads it off the request."""
    if isinstance(value, cst.Await):
        value = value.expression
    return (isinstance(value, cst.Call) and isinstance(value.func, cst.Name)
            and bool(_CALLER_RESOLVER.match(value.func.value))
            and any(isinstance(arg.value, cst.Name) and arg.value.value in ("request", "req") for arg in value.args))


def _existence_test(node: cst.CSTNode, record: cst.Name) -> bool:
    """`row is None`, `row is not None`, `not row`, or `if row:`: a test of whether a record was found."""
    if isinstance(node, (cst.If, cst.While, cst.Assert)):
        node = node.test
    elif not isinstance(node, (cst.Comparison, cst.UnaryOperation)):
        return False
    found = polarity(node)
    return found is not None and found[0] is record


def _names_caller(expr: cst.BaseExpression) -> bool:
    """The caller or their id: `request.user.pk`, `current_user.id`, `g.member_id`, `current_member_id()`."""
    if isinstance(expr, cst.Call):
        return bool(_CALLER_FUNCTION.match(method(expr) or "")) and not expr.args
    return bool(_CALLER_PATHS.match(attribute_path(expr) or ""))


class _Handler:
    """One handler's view of its caller: who it is, and whether anything ties the records it reads to them."""

    def __init__(self, fn: cst.FunctionDef, scope: Scope, ctx, form_models: dict[str, str] | None = None) -> None:
        self.fn = fn
        self.scope = scope
        self.ctx = ctx
        self.form_models = form_models or {}  # the module's Django ModelForms and the model each saves
        params = (*fn.params.params, *fn.params.kwonly_params)
        self.caller_params = {p.name.value for p in params if _is_caller_dependency(p.default)}
        # The URL's parameters (`/bookings/{reference}`), except the secrets a caller presents (`{token}`).
        in_path = {name for name in path_parameters(fn) if not _CREDENTIAL_PARAMETER.search(name)}
        self.id_params = {p.name.value for p in params if (_ID_PARAMETER.match(p.name.value) or p.name.value in in_path)
                          and not _is_caller_dependency(p.default)}
        # aiohttp names the URL's parts in `request.match_info`: `booking_id = int(request.match_info["booking_id"])`.
        self.id_params |= {assign.targets[0].target.value for assign in scope.of_type(cst.Assign)
                           if len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Name)
                           and _ID_PARAMETER.match(assign.targets[0].target.value)
                           and any((attribute_path(node) or "").endswith(".match_info")
                                   for node in descendants(assign.value) if isinstance(node, cst.Attribute))}
        staff_dependency = any(_STAFF_DEPENDENCY.search(_dependency(p.default))
                               for p in params if _is_caller_dependency(p.default))
        staff_test = any(isinstance(node, (cst.Name, cst.Attribute)) and _STAFF_CHECK.search(attribute_path(node) or "")
                         for node in scope.nodes)
        self.staff_only = (_elevated(fn) or staff_dependency or staff_test or _staff_roles_only(fn)
                           or _staff_decorator(fn)) and not _admits_customers(fn)
        # Per tie of a record to the caller: the model or table tied (None when the tie names none).
        self.tied_models: list[str | None] = []
        # The caller is written into a new record (`Response.objects.create(survey=s, respondent=request.user)`):
        # the record loaded by id is something every user takes part in, not one of the caller's own.
        self.participates = False
        self.created_for_caller: set[str] = set()  # models of records created with the caller as their owner
        for node in scope.nodes:
            if self._is_caller(node):
                tie = self._tie(node)
                if tie is not False:
                    self.tied_models.append(tie)
        # `rental.customer_id` read off a record this handler loaded: the handler itself shows whose it is.
        self.owner_columns_read: set[str] = set()
        for node in scope.of_type(cst.Attribute):
            if (_OWNER_COLUMN.search(node.attr.value) and not _AUTHORSHIP.search(node.attr.value)
                    and isinstance(node.value, cst.Name) and not node.value.value[:1].isupper()):
                model = self._record_model(node)
                if model is not None:
                    self.owner_columns_read.add(model)
        # DRF's `self.check_object_permissions(request, obj)` runs the view's per-record permissions.
        self.ties_to_caller = bool(self.tied_models) or any(method(call) == "check_object_permissions"
                                                            for call in scope.calls())

    def untied_return(self) -> cst.Name | None:
        """A `return qs` in which nothing refers to the caller, directly or through the names it uses, when another
        `return` narrows that same `qs` by the caller (`return qs.filter(customer=self.request.user)`): the path on
        which the query is served whole. (A `return Model.objects.none()` for the anonymous is not one.)"""
        returns = [node.value for node in self.scope.nodes if isinstance(node, cst.Return) and node.value is not None]
        tied = [value for value in returns if self._refers_to_caller(value)]
        for value in returns:
            if (isinstance(value, cst.Name) and value not in tied
                    and any(isinstance(root := chain_root(other), cst.Name) and root.value == value.value
                            for other in tied)):
                return value
        return None

    def _refers_to_caller(self, expr: cst.BaseExpression, depth: int = 0) -> bool:
        for node in self.scope.within(expr):
            if self._is_caller(node):
                return True
            if isinstance(node, cst.Name) and depth < 4:
                binding = self.scope.binding(node.value, node)
                if (binding is not None and binding.value in self.scope.index
                        and self._refers_to_caller(binding.value, depth + 1)):
                    return True
        return False

    def _is_caller(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Name):
            parent = self.scope.parent.get(node)
            if isinstance(parent, cst.Attribute) and parent.attr is node:
                return False
            if node.value in self.caller_params or node.value == "current_user":
                return True
            # `member = request.user.member`, then `get_object_or_404(Address, pk=..., member=member)`.
            binding = self.scope.binding(node.value, node)
            return (binding is not None and not binding.unpacked and binding.value is not None
                    and ((isinstance(binding.value, cst.Attribute)
                          and bool(_CALLER_PATHS.match(attribute_path(binding.value) or "")))
                         or self._session_caller(binding.value) or _resolves_caller(binding.value))
                    and not isinstance(self.scope.parent.get(node), cst.AssignTarget))
        if isinstance(node, cst.Attribute):
            path = attribute_path(node) or ""
            return bool(_CALLER_PATHS.match(path)) and not isinstance(self.scope.parent.get(node), cst.Attribute)
        return self._session_caller(node) and not isinstance(self.scope.parent.get(node), cst.AssignTarget)

    def _session_caller(self, node: cst.CSTNode) -> bool:
        """Flask's signed session keeping who signed in: `session["account_id"]`, `session.get("user_id")`; or the
        request where middleware keeps it: aiohttp's `request["user"]`, Falcon's `req.context["user"]`."""
        if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            holder, key = node.value, node.slice[0].slice.value
        elif (isinstance(node, cst.Call) and method(node) == "get" and node.args
              and isinstance(node.func, cst.Attribute)):
            holder, key = node.func.value, node.args[0].value
        else:
            return False
        # Also where middleware keeps the caller: aiohttp's `request["user"]`, Falcon's `req.context["user"]`.
        kept_by_middleware = (isinstance(holder, cst.Name) and holder.value in ("request", "req")) or (
            isinstance(holder, cst.Attribute) and holder.attr.value == "context"
            and attribute_path(holder.value) in ("request", "req"))
        return (isinstance(key, cst.SimpleString) and bool(_SESSION_CALLER_KEY.match(key.evaluated_value))
                and (self.ctx.qualify(holder) == "flask.session" or kept_by_middleware))

    def _tie(self, reference: cst.CSTNode) -> str | None | bool:
        """False when the caller reference ties nothing; else the model or table it ties to the caller (None when
        unknown): compared with a record's field, narrowing a query, handed to an authorizing call, or the start of
        a query (`request.user.bookings.get(...)`)."""
        node = reference
        for ancestor in self.scope.ancestors(reference):
            if isinstance(ancestor, cst.Comparison):
                others = [ancestor.left, *(c.comparator for c in ancestor.comparisons)]
                return next((m for o in others if o is not node
                             for m in [self._record_model(o) or _role_column_model(o, reference)] if m), None)
            if isinstance(ancestor, (cst.If, cst.While, cst.Assert)):
                return None
            if isinstance(ancestor, cst.Call):
                name = method(ancestor) or ""
                if name in _LOGGING:
                    return False
                if name in _CREATING or (isinstance(ancestor.func, cst.Name) and ancestor.func.value[:1].isupper()):
                    self.participates = True
                    # `Address.objects.create(member=request.user.member)`: the caller written as the owner says
                    # the module's records of that model belong to someone.
                    if isinstance(node, cst.Arg) and node.keyword is not None and _OWNER_COLUMN.search(
                            node.keyword.value) and not _AUTHORSHIP.search(node.keyword.value):
                        created = ancestor.func.value if isinstance(ancestor.func, cst.Name) else None
                        model = _model_key(created) if created else self.model_of(ancestor)
                        if model is not None:
                            self.created_for_caller.add(model)
                    return False
                if _AUTHORIZING.search(name):
                    return next((m for arg in ancestor.args for m in [self._record_model(arg.value)] if m), None)
                if name in _NARROWING and node is not ancestor.func:
                    return self.model_of(ancestor)
                if node is ancestor.func:  # `request.user.bookings.get(...)`: the caller's own rows
                    return None
            if isinstance(ancestor, cst.Assign) and node is ancestor.value:
                # `quote = form.save(commit=False)`, `quote.customer = request.user.customer`: the caller written
                # as a new record's owner, as `create(customer=...)` does.
                for target in ancestor.targets:
                    column = target.target
                    if (isinstance(column, cst.Attribute) and _OWNER_COLUMN.search(column.attr.value)
                            and not _AUTHORSHIP.search(column.attr.value)):
                        model = self._record_model(column)
                        if model is not None:
                            self.participates = True
                            self.created_for_caller.add(model)
                return False
            if isinstance(ancestor, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                return False
            node = ancestor
        return False

    def _record_model(self, expr: cst.BaseExpression) -> str | None:
        """`booking.member_id` or `row["owner_id"]`: the model of the record `booking`/`row` was loaded as."""
        root = expr
        while isinstance(root, (cst.Attribute, cst.Subscript)):
            root = root.value
        if not isinstance(root, cst.Name) or root is expr:
            return None
        binding = self.scope.binding(root.value, expr if expr in self.scope.index else None)
        if (binding is None and root.value[:1].isupper() and isinstance(expr, cst.Attribute)
                and _OWNER_COLUMN.search(expr.attr.value)):
            return _model_key(root.value)  # `Voucher.volunteer_id == volunteer.id`: the model's owner column
        value = binding.value if binding is not None and not binding.unpacked else None
        while isinstance(value, cst.Await):
            value = value.expression
        return self.model_of(value) if isinstance(value, cst.Call) else None

    def model_of(self, call: cst.Call) -> str | None:
        """The model or table a query call reads or writes, as a comparable key (`Booking`, `bookings` -> booking)."""
        name = method(call) or ""
        found: str | None = None
        if name in ("get_object_or_404", "get_list_or_404") and call.args:
            first = call.args[0].value
            orm = orm_model(first, self.scope, self.ctx) if isinstance(first, cst.Call) else None
            found = orm[1] if orm is not None else attribute_path(first)  # a model, or a queryset of one
        elif name in ("execute", "fetch", "fetchrow", "fetchval", "fetchone", "fetchall", "scalar", "scalars", "fetch_one",
                      "fetch_all", "fetch_val"):
            text = sql_text(positional(call), self.scope)
            table = _SQL_TABLE.search(text[0]) if text is not None else None
            found = table.group(1) if table else None
            if found is None:
                inner = next((c for c in self.scope.calls_within(call) if method(c) == "select" and c.args), None) \
                    if call in self.scope.index else None
                found = attribute_path(inner.args[0].value) if inner is not None else None
        if found is None:
            orm = orm_model(call, self.scope, self.ctx)
            found = orm[1] if orm is not None else None
        if found is None and name in _PEEWEE_LOADS and isinstance(call.func, cst.Attribute) and isinstance(
                call.func.value, cst.Name) and call.func.value.value[:1].isupper() and (
                name in ("get_or_none", "get_by_id") or any(
                    isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name)
                    and n.value.value == call.func.value.value for n in descendants(call))):
            # peewee: `Booking.get_or_none(Booking.id == booking_id)`, `Booking.get_by_id(booking_id)`
            found = call.func.value.value
        if found is None and name == "select" and call.args and call.args[0].keyword is None:
            found = attribute_path(call.args[0].value)  # `select(Booking)`
        if found is None and name in ("get", "get_or_404") and len(_positional(call)) == 2:
            # `session.get(Booking, booking_id)`, `db.get_or_404(...)`, `db.get(Booking, id, with_for_update=True)`
            found = attribute_path(call.args[0].value)
        if found is None and name == "save" and isinstance(call.func, cst.Attribute) and isinstance(
                call.func.value, cst.Name):
            # `form.save(commit=False)` of `form = EnquiryForm(request.POST)`: the ModelForm's `Meta.model`.
            binding = self.scope.binding(call.func.value.value, call if call in self.scope.index else None)
            made = binding.value if binding is not None and not binding.unpacked else None
            if isinstance(made, cst.Call) and isinstance(made.func, cst.Name):
                found = self.form_models.get(made.func.value)
        if found is None and call.func is not None:
            inner = call.func.value if isinstance(call.func, cst.Attribute) else None
            while isinstance(inner, (cst.Attribute, cst.Call)):
                if isinstance(inner, cst.Call):
                    return self.model_of(inner)
                inner = inner.value
        return _model_key(found) if found else None

    @property
    def uses_caller(self) -> bool:
        """The body reads a caller parameter (not only declares it)."""
        return any(isinstance(node, cst.Name) and node.value in self.caller_params
                   and not isinstance(self.scope.parent.get(node), cst.Param) for node in self.scope.nodes)

    def children_of_tied(self, tied_helpers: set[str]) -> set[str]:
        """Models this handler queries narrowed by a record tied to the caller: a name bound to a call of a helper
        that narrows by the caller, or to a value that mentions the caller."""
        parents = self._derived | {
            name for name, bindings in self.scope.bindings.items()
            if any(isinstance(b.value, cst.Call) and isinstance(b.value.func, cst.Name)
                   and b.value.func.value in tied_helpers for b in bindings)}
        found = set()
        for call in self.scope.calls():
            if method(call) not in ("filter", "filter_by", "where", "exclude", "all"):
                continue
            if any(arg.keyword is not None and isinstance(arg.value, cst.Name) and arg.value.value in parents
                   for arg in call.args):
                model = self.model_of(call)
                if model is not None:
                    found.add(model)
            # `guardian.family.children.filter(active=True)`: a related manager reached from such a record.
            manager = call.func.value if isinstance(call.func, cst.Attribute) else None
            if (isinstance(manager, cst.Attribute) and manager.attr.value != "objects"
                    and (attribute_path(manager) or "").split(".")[0] in parents):
                found.add(_model_key(_IRREGULAR_PLURALS.get(manager.attr.value, manager.attr.value)))
        return found

    def file_of_owned_id(self, owned: set[str]) -> tuple[cst.Call, cst.CSTNode, str] | None:
        """A file served (`FileResponse(open(path, "rb"))`, `send_file(path)`) from a path built from the URL's id
        of a record the module ties to the caller (`path = DOCUMENT_ROOT / str(plot_id) / name`, `plot_id` of a
        `Plot`): the serving call, where the path is built, and the id."""
        keyed = {name for name in self.id_params
                 if (m := re.match(r"^(\w+)_id$", name)) and _model_key(m.group(1)) in owned}
        if not keyed or any(  # `await _check_owner(request, greenhouse_id)`: the module's own check
                _AUTHORIZING.search(method(call) or "") and method(call) not in _LOGGING
                and any(isinstance(n, cst.Name) and n.value in keyed for n in self.scope.within(call))
                for call in self.scope.calls()):
            return None
        # The names whose value is made from the id (`path = ROOT / str(plot_id) / name`, `filename = f"...{id}"`).
        made: dict[str, cst.CSTNode] = {}
        for _ in range(3):
            for name, bindings in self.scope.bindings.items():
                if name in made:
                    continue
                for binding in bindings:
                    if binding.value in self.scope.index and any(
                            isinstance(n, cst.Name) and (n.value in keyed or n.value in made)
                            for n in self.scope.within(binding.value)):
                        made[name] = binding.at if binding.at is not None else binding.value
                        break
        for call in self.scope.calls():
            if (attribute_path(call.func) or "").rsplit(".", 1)[-1] not in _FILE_SERVERS or not call.args:
                continue
            for node in self.scope.within(call.args[0].value):
                if isinstance(node, cst.Name) and node.value in made:
                    id_name = next(n.value for n in self.scope.within(made[node.value])
                                   if isinstance(n, cst.Name) and n.value in keyed | set(made))
                    return call, made[node.value], id_name
        return None

    def child_of(self, load: cst.Call, owned: set[str]) -> bool:
        """The loaded record hangs off a record of a model the module ties to the caller: its SQL reads the parent's
        key (`SELECT id, order_id, pdf_bytes FROM tuning_reports WHERE id = %s` where orders are the caller's), or the
        handler reads it off the record (`report.order_id`): the caller's through its parent."""
        keys = {f"{model}_id" for model in owned if model.isidentifier()}
        text = sql_text(positional(load), self.scope) if method(load) in _SQL_LOADS else None
        if text is not None and any(re.search(rf"\b{key}\b", text[0], re.I) for key in keys):
            return True
        record = self._bound_name(load)
        return record is not None and any(
            isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == record
            and node.attr.value in keys for node in self.scope.of_type(cst.Attribute))

    def record_untied(self, load: cst.Call) -> bool:
        """Nothing ties the record this load binds to the caller: the load is not narrowed by the caller or by a value
        derived from it, and the record never meets the caller (or such a value) in a comparison, a test, or a call."""
        record = self._bound_name(load)
        if record is None:
            return False
        derived = self._derived
        def meets_caller(node: cst.CSTNode) -> bool:
            return any(self._is_caller(inner) or (isinstance(inner, cst.Name) and inner.value in derived)
                       for inner in self.scope.within(node))
        # The whole chain the load starts: `filter(pk=slot_id, booked_by__isnull=True).update(booked_by=member)`
        # claims a free slot for the caller.
        chain = load
        while is_chain_link(chain, self.scope):
            chain = self.scope.parent[self.scope.parent[chain]]
        if meets_caller(chain):
            return False
        for node in self.scope.of_type(cst.Name):
            if node.value != record or not self.scope.before(load, node):
                continue
            for ancestor in self.scope.ancestors(node):
                if _existence_test(ancestor, node):
                    break  # `if row is None: raise HTTPNotFound`: whether there is one, not whose it is
                if isinstance(ancestor, (cst.Comparison, cst.If, cst.While, cst.Assert)):
                    return False  # a test on the record: taken as its check
                if isinstance(ancestor, cst.Call) and method(ancestor) not in _LOGGING and (
                        _AUTHORIZING.search(method(ancestor) or "") or meets_caller(ancestor)):
                    return False
                if isinstance(ancestor, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                    break
        return True

    def _bound_name(self, load: cst.Call) -> str | None:
        statement = next((a for a in self.scope.ancestors(load) if isinstance(a, cst.Assign)), None)
        if statement is None or len(statement.targets) != 1 or not isinstance(statement.targets[0].target, cst.Name):
            return None
        return statement.targets[0].target.value

    @functools.cached_property
    def _derived(self) -> frozenset[str]:
        """Names bound to a value that mentions the caller, or a name so bound (`leader`, `qs`, `choir`)."""
        derived: set[str] = set()
        while True:
            grown = {name for name, bindings in self.scope.bindings.items() if name not in derived and any(
                self._is_caller(inner) or (isinstance(inner, cst.Name) and inner.value in derived)
                for binding in bindings if binding.value in self.scope.index
                for inner in self.scope.within(binding.value))}
            if not grown:
                return frozenset(derived)
            derived |= grown

    def changes_loaded(self, load: cst.Call) -> bool:
        """The record the load bound (`reservation = await session.get(...)`) has a field set or is deleted."""
        name = self._bound_name(load)
        if name is None:
            return False
        for node in self.scope.of_type(cst.AssignTarget, cst.AugAssign, cst.Call):
            target = node.func if isinstance(node, cst.Call) else node.target
            if (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == name
                    and (not isinstance(node, cst.Call) or target.attr.value == "delete")
                    and self.scope.before(load, node)):
                return True
        return False

    def writes_after(self, load: cst.Call) -> bool:
        """A database write after the load: the handler changes what it loaded (or records something about it)."""
        return any(db_write(call, self.scope, self.ctx) is not None and self.scope.before(load, call)
                   for call in self.scope.calls())

    def load_by_url_id(self) -> tuple[cst.Call, cst.CSTNode] | None:
        """The first call that loads or changes a record by an id parameter of the URL, and where it names the id."""
        if not self.id_params:
            return None
        for call in self.scope.calls():
            where = self._loads_by_id(call)
            if where is not None:
                return call, where
        return None

    def _loads_by_id(self, call: cst.Call) -> cst.CSTNode | None:
        """The call, or the condition in it that picks the record by the URL's id; None when it picks none so."""
        name = method(call) or ""
        if name in ("execute", "fetch", "fetchrow", "fetchval", "fetchone", "fetch_one", "fetch_val"):
            text = sql_text(positional(call), self.scope)
            if (text is not None and _WHERE_ID.search(text[0])
                    and any(self._is_id(n) for arg in call.args[1:] for n in self.scope.within(arg.value))):
                return call
            return None
        if name in ("where", "filter", "get", "get_or_none"):
            # SQLAlchemy: `select(Booking).where(Booking.id == booking_id)`, `.where(Booking.reference == reference)`;
            # peewee: `Booking.get_or_none(Booking.id == booking_id)`
            for arg in call.args:
                test = arg.value
                if (isinstance(test, cst.Comparison) and len(test.comparisons) == 1
                        and isinstance(test.comparisons[0].operator, cst.Equal)):
                    column, value = test.left, test.comparisons[0].comparator
                    if isinstance(column, cst.Attribute) and self._is_id(value) and (
                            column.attr.value in ("id", "pk", value.value)):
                        return test
        if name in ("get_object_or_404", "get", "get_or_404", "filter", "filter_by"):
            for arg in call.args:
                # `pk=pk`, `id=booking_id`, or the record's own key the URL names (`filter_by(number=number)`; not a
                # parent's id, `filter_by(doctor_id=doctor_id)`, which lists the parent's records)
                if arg.keyword is not None and self._is_id(arg.value) and (
                        arg.keyword.value in ("pk", "id") or (isinstance(arg.value, cst.Name)
                                                              and arg.keyword.value == arg.value.value
                                                              and not re.search(r"_(id|pk)$", arg.keyword.value))):
                    return call
            given = _positional(call)
            if name == "get_by_id" and len(given) == 1 and self._is_id(given[0].value):
                return call  # peewee: `Booking.get_by_id(booking_id)`
            if name in ("get", "get_or_404") and given:
                # `session.get(Booking, booking_id)`, `Booking.query.get_or_404(booking_id)`; keywords after the
                # id (`with_for_update=True`, `options=[...]`) change how it is loaded, not which record
                last = given[-1]
                if self._is_id(last.value) and (
                        len(given) == 2 or name == "get_or_404"
                        or (attribute_path(call.func) or "").endswith("query.get")):
                    return call
        return None

    def _is_id(self, expr: cst.CSTNode) -> bool:
        return isinstance(expr, cst.Name) and expr.value in self.id_params


def _positional(call: cst.Call) -> list[cst.Arg]:
    """The arguments given by position, when they all come first (`get(Booking, booking_id, with_for_update=True)`);
    none when a keyword comes before one."""
    given = [arg for arg in call.args if arg.keyword is None and not arg.star]
    return given if all(arg.keyword is None for arg in call.args[: len(given)]) else []


# DRF generic views and viewsets that serve one record by the id in the URL (`get_object()` over `queryset`).
_DETAIL_VIEW = re.compile(r"^(Retrieve\w*APIView|UpdateAPIView|DestroyAPIView|ModelViewSet|ReadOnlyModelViewSet|"
                          r"RetrieveModelMixin|UpdateModelMixin|DestroyModelMixin|DetailView|UpdateView|DeleteView)$")
# Django mixins and DRF permission classes that decide per record, or admit staff only.
_PERMISSION_BASE = re.compile(r"Permission|UserPassesTest|Staff|Admin|Owner|Superuser")


def _queryset_methods(module: cst.Module) -> list[cst.FunctionDef]:
    return [inner for statement in module.body if isinstance(statement, cst.ClassDef)
            and isinstance(statement.body, cst.IndentedBlock) for inner in statement.body.body
            if isinstance(inner, cst.FunctionDef) and inner.name.value == "get_queryset"]


def _generic_detail_views(module: cst.Module) -> list[tuple[cst.ClassDef, cst.Assign | cst.FunctionDef]]:
    """Detail views (DRF generic views and viewsets, Django's DetailView/UpdateView/DeleteView) whose record
    comes from a class-level `queryset` or their own `get_queryset` (judged by the caller), with no `get_object`
    of their own and no permission class or mixin that decides per record or admits staff only."""
    found = []
    for statement in module.body:
        if not isinstance(statement, cst.ClassDef) or not isinstance(statement.body, cst.IndentedBlock):
            continue
        bases = {(attribute_path(base.value) or "").rsplit(".", 1)[-1] for base in statement.bases}
        if not any(_DETAIL_VIEW.match(base) for base in bases) or _permission_decides(statement):
            continue
        source: cst.Assign | cst.FunctionDef | None = None
        overridden = False
        for inner in statement.body.body:
            if isinstance(inner, cst.FunctionDef) and inner.name.value == "get_object":
                overridden = True
            if isinstance(inner, cst.FunctionDef) and inner.name.value == "get_queryset":
                source = inner
            if source is None and isinstance(inner, cst.SimpleStatementLine):
                source = next((small for small in inner.body if _assigns(small, "queryset")), None)
        if overridden or source is None:
            continue
        found.append((statement, source))
    return found


def _built_from(expr: cst.BaseExpression, scope: Scope) -> cst.BaseExpression:
    """`return queryset` after `queryset = Booking.objects.select_related(...)` and `queryset = queryset.filter(...)`:
    the expression the returned name was first built from, through each rebinding of it."""
    for _ in range(8):
        root = chain_root(expr)
        bound = bound_here(root, scope) if isinstance(root, cst.Name) else None
        if bound is None:
            return expr
        expr = bound
    return expr


def _saves_for_caller(view: cst.ClassDef) -> bool:
    """The view's `perform_create` saves the new record with the caller as its owner:
    `serializer.save(member=self.request.user.member)` (not as its author, `created_by=self.request.user`)."""
    for inner in body_statements(view.body):
        if not (isinstance(inner, cst.FunctionDef) and inner.name.value == "perform_create"):
            continue
        for call in descendants(inner.body):
            if isinstance(call, cst.Call) and method(call) == "save" and any(
                    arg.keyword is not None and _OWNER_COLUMN.search(arg.keyword.value)
                    and not _AUTHORSHIP.search(arg.keyword.value)
                    and _CALLER_PATHS.match(attribute_path(arg.value) or "") for arg in call.args):
                return True
    return False


def _assigns(small: cst.BaseSmallStatement, name: str) -> bool:
    return (isinstance(small, cst.Assign) and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name) and small.targets[0].target.value == name)


def _permission_decides(view: cst.ClassDef) -> bool:
    """A view class whose mixins or permission classes decide per record or admit staff only
    (`PermissionRequiredMixin`, `IsOwner`, `IsAdminUser`, `DjangoModelPermissions`)."""
    if any(_PERMISSION_BASE.search((attribute_path(base.value) or "").rsplit(".", 1)[-1]) for base in view.bases):
        return True
    if not isinstance(view.body, cst.IndentedBlock):
        return False
    for inner in view.body.body:
        for small in inner.body if isinstance(inner, cst.SimpleStatementLine) else ():
            if _assigns(small, "permission_classes"):
                # Permission classes are CamelCase: `permissions.IsAuthenticated` -> IsAuthenticated; a capability
                # (`CanReview`) decides who may act, as `has_perm` does.
                permissions = " ".join(n.value for n in descendants(small.value)
                                       if isinstance(n, cst.Name) and n.value[:1].isupper())
                return bool(_AUTHORIZING.search(permissions) or _STAFF_DEPENDENCY.search(permissions)
                            or re.search(r"\bCan[A-Z]", permissions))
    return False


# Roles that customers hold, not staff: `@require_role("customer", "dispatcher")` admits any customer.
_CUSTOMER_ROLES = frozenset({"customer", "customers", "member", "members", "user", "users", "client", "clients",
                             "patient", "patients", "student", "students", "guest", "guests", "rider", "riders",
                             "tenant", "tenants", "buyer", "buyers", "volunteer", "volunteers", "subscriber",
                             "subscribers", "parent", "parents", "renter", "renters", "donor", "donors"})


_ROLE_DECORATOR = re.compile(r"login|role|require|auth|permission|access", re.I)


def _staff_decorator(fn: cst.FunctionDef) -> bool:
    """A decorator named for a staff role: `@manager_required`, `@dispatcher_only`."""
    return any(re.match(r"^(\w+)_(required|only)$", name) and _STAFF_DEPENDENCY.search(name.rsplit("_", 1)[0])
               for name in (decorator_name(decorator) or "" for decorator in fn.decorators))


def _staff_roles_only(fn: cst.FunctionDef) -> bool:
    """`@login_required("coordinator")`, `@roles_required("admin", "support")`: a decorator given roles, each of
    them a staff role."""
    for decorator in fn.decorators:
        expr = decorator.decorator
        if not isinstance(expr, cst.Call) or not _ROLE_DECORATOR.search(attribute_path(expr.func) or ""):
            continue  # a route's path is not a role
        roles = [arg.value for arg in expr.args if arg.keyword is None]
        if roles and all(isinstance(role, cst.SimpleString) and _STAFF_DEPENDENCY.search(str(role.evaluated_value))
                         for role in roles):
            return True
    return False


def _admits_customers(fn: cst.FunctionDef) -> bool:
    """A role decorator or dependency that names a customer role among the roles it admits."""
    calls = [d.decorator for d in fn.decorators if isinstance(d.decorator, cst.Call)]
    calls += [p.default for p in (*fn.params.params, *fn.params.kwonly_params) if isinstance(p.default, cst.Call)]
    return any(isinstance(node, cst.SimpleString) and str(node.evaluated_value).lower() in _CUSTOMER_ROLES
               for call in calls for node in descendants(call))


def _narrowed_by_owner_column(module: cst.Module) -> set[str]:
    """Models the module's queries narrow by an owner column, whoever the owner is (`Booking.customer_id == ...`
    in a helper that loads the caller's booking): the module treats those records as someone's."""
    found = set()
    for node in descendants(module):
        if isinstance(node, cst.Comparison) and len(node.comparisons) == 1 and isinstance(
                node.comparisons[0].operator, cst.Equal):
            column = node.left
            if (isinstance(column, cst.Attribute) and isinstance(column.value, cst.Name)
                    and column.value.value[:1].isupper() and _OWNER_COLUMN.search(column.attr.value)
                    and not _AUTHORSHIP.search(column.attr.value)):
                found.add(_model_key(column.value.value))
    return found


def _decorated_by_id_check(handler: cst.FunctionDef, local: dict[str, cst.FunctionDef]) -> bool:
    """A decorator of this module whose wrapper takes the URL's id and compares it (`def wrapper(seller_id, ...)`,
    then `if key.seller_id != seller_id: abort(403)`): it decides per record before the handler runs. `local`: the
    module's top-level functions by name."""
    for decorator in handler.decorators:
        outer = local.get(decorator_name(decorator) or "")
        if outer is None:
            continue
        for wrapper in descendants(outer.body):
            if not isinstance(wrapper, cst.FunctionDef):
                continue
            taken = {p.name.value for p in wrapper.params.params if _ID_PARAMETER.match(p.name.value)}
            if any(isinstance(node, cst.Comparison) and any(
                    isinstance(side, cst.Name) and side.value in taken
                    for side in (node.left, *(c.comparator for c in node.comparisons)))
                   for node in descendants(wrapper.body)):
                return True
    return False


def _drf_function_view(fn: cst.FunctionDef) -> bool:
    """`@api_view([...])` with no permission of its own (`@permission_classes([AllowAny])` opens it to all)."""
    names = [decorator_name(d) for d in fn.decorators]
    return "api_view" in names and "permission_classes" not in names and "authentication_classes" not in names


def _model_forms(module: cst.Module) -> dict[str, str]:
    """Django ModelForms of the module and their model: `class EnquiryForm(...)` with `class Meta: model = Quote`."""
    found = {}
    for cls in module.body:
        if not isinstance(cls, cst.ClassDef) or not isinstance(cls.body, cst.IndentedBlock):
            continue
        for inner in cls.body.body:
            if isinstance(inner, cst.ClassDef) and inner.name.value == "Meta":
                for node in descendants(inner.body):
                    if (isinstance(node, cst.Assign) and len(node.targets) == 1
                            and isinstance(node.targets[0].target, cst.Name)
                            and node.targets[0].target.value == "model" and attribute_path(node.value)):
                        found[cls.name.value] = attribute_path(node.value)
    return found


def _role_column_model(column: cst.BaseExpression, caller: cst.CSTNode) -> str | None:
    """`Application.parent_id == parent.id`, `Job.translator_id == g.translator_id`: a model's column named for the
    caller's own role (the caller parameter or `g` attribute it is compared with) is that model's owner column."""
    if not (isinstance(column, cst.Attribute) and isinstance(column.value, cst.Name)
            and column.value.value[:1].isupper()):
        return None
    role = (attribute_path(caller) or "").rsplit(".", 1)[-1]
    role = re.sub(r"_(id|pk)$", "", role)
    if not role or role in ("id", "user", "current_user") or _AUTHORSHIP.search(role):
        return None
    return _model_key(column.value.value) if re.sub(r"_(id|pk)$", "", column.attr.value) == role else None


# Related managers named with an irregular plural: `family.children` holds `Child` records.
_IRREGULAR_PLURALS = {"children": "child", "people": "person", "geese": "goose", "mice": "mouse"}


def _model_key(name: str) -> str:
    """`Booking`, `bookings`, `app_booking`, `booking_items` -> a key a model and its table share."""
    last = name.rsplit(".", 1)[-1]
    last = last.lower() if last.isupper() else last  # a table named in SQL that was upper-cased: `RESERVATIONS`
    key = re.sub(r"(?<!^)(?=[A-Z])", "_", last).lower()
    key = key.split("_", 1)[1] if key.startswith(("app_", "core_")) else key
    return key[:-1] if key.endswith("s") and not key.endswith("ss") else key


def _is_caller_dependency(default: cst.BaseExpression | None) -> bool:
    """`Depends(get_current_user)`, `Security(current_customer)`: a parameter that is the caller."""
    if not is_dependency_call(default) or not default.args:
        return False
    dependency = _dependency(default)
    return bool(dependency) and not _RESOURCE_DEPENDENCY.search(dependency)


def _dependency(default: cst.Call) -> str:
    """`Depends(current_user)` -> "current_user"; `Depends(require_role("agent"))` -> "require_role"."""
    target = default.args[0].value
    if isinstance(target, cst.Call):
        target = target.func
    return attribute_path(target) or ""
