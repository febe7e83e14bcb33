"""Checkout, return and renewal of loans."""
import logging
from datetime import timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .models import Book, Hold, Loan, Member
from .notices import queue_hold_ready_notice

logger = logging.getLogger(__name__)

LOAN_PERIOD = timedelta(days=21)
MAX_RENEWALS = 2


@staff_member_required
@require_POST
def checkout(request, book_id, card_number):
    member = get_object_or_404(Member, card_number=card_number)
    if member.is_suspended:
        return JsonResponse({"error": "member is suspended"}, status=403)
    with transaction.atomic():
        taken = Book.objects.filter(pk=book_id, copies_available__gt=0).update(  # ok: DB004, DB005
            copies_available=F("copies_available") - 1
        )
        if not taken:
            return JsonResponse({"error": "no copy of this title is on the shelf"}, status=409)
        loan = Loan.objects.create(member=member, book_id=book_id, due_at=timezone.now() + LOAN_PERIOD)
    logger.info("loan %s: book %s checked out to member %s", loan.pk, book_id, member.pk)
    return JsonResponse({"loan_id": loan.pk, "due_at": loan.due_at.isoformat()}, status=201)


@staff_member_required
@require_POST
def check_in(request, loan_id):
    with transaction.atomic():
        loan = get_object_or_404(Loan.objects.select_for_update(), pk=loan_id)  # ok: DB004
        if loan.returned_at is not None:
            return JsonResponse({"error": "loan already returned"}, status=409)
        loan.returned_at = timezone.now()
        loan.save(update_fields=["returned_at"])

        next_hold = (
            Hold.objects.select_for_update(skip_locked=True)
            .filter(book_id=loan.book_id, status=Hold.WAITING)
            .order_by("created_at")
            .first()
        )
        if next_hold is not None:
            next_hold.status = Hold.READY
            next_hold.ready_at = timezone.now()
            next_hold.save(update_fields=["status", "ready_at"])
            hold_id = next_hold.pk
            transaction.on_commit(lambda: queue_hold_ready_notice(hold_id))  # ok: REL004
        else:
            Book.objects.filter(pk=loan.book_id).update(copies_available=F("copies_available") + 1)
    logger.info("loan %s returned, hold %s now ready", loan.pk, next_hold.pk if next_hold else None)
    return JsonResponse({"loan_id": loan.pk, "held_for_next_member": next_hold is not None})


@login_required
@require_POST
def renew(request, loan_id):
    with transaction.atomic():
        loan = get_object_or_404(  # ok: SEC018
            Loan.objects.select_for_update(), pk=loan_id, member=request.user.member, returned_at__isnull=True
        )
        if loan.renewals >= MAX_RENEWALS:
            return JsonResponse({"error": "renewal limit reached"}, status=409)
        if loan.due_at < timezone.now():
            return JsonResponse({"error": "overdue loans cannot be renewed online"}, status=409)
        loan.renewals += 1  # ok: DB004
        loan.due_at += LOAN_PERIOD
        loan.save(update_fields=["renewals", "due_at"])
    logger.info("loan %s renewed by member %s (renewal %d)", loan.pk, loan.member_id, loan.renewals)
    return JsonResponse({"loan_id": loan.pk, "due_at": loan.due_at.isoformat(), "renewals": loan.renewals})


@login_required
@require_GET
def my_loans(request):
    loans = (
        Loan.objects.filter(member=request.user.member, returned_at__isnull=True)
        .select_related("book")
        .order_by("due_at")
    )
    page = Paginator(loans, 25).get_page(request.GET.get("page"))  # ok: DB002
    return JsonResponse({
        "page": page.number,
        "pages": page.paginator.num_pages,
        "loans": [
            {"id": l.pk, "title": l.book.title, "due_at": l.due_at.isoformat(), "renewals": l.renewals}  # ok: DB001
            for l in page
        ],
    })
