"""JSON endpoints for placing, listing and cancelling holds on books."""
import logging

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import Book, Hold

logger = logging.getLogger(__name__)

MAX_ACTIVE_HOLDS = 15
SEARCH_PAGE_SIZE = 25


def _queue_position(hold):
    """1-based position of a waiting hold in its book's queue."""
    ahead = Hold.objects.filter(
        book_id=hold.book_id, status=Hold.WAITING, created_at__lt=hold.created_at
    ).count()
    return ahead + 1


def _hold_to_dict(hold):
    return {
        "id": hold.pk,
        "isbn": hold.book.isbn,
        "title": hold.book.title,
        "status": hold.status,
        "position": _queue_position(hold) if hold.status == Hold.WAITING else None,
        "placed_at": hold.created_at.isoformat(),
    }


@require_GET
def search_catalogue(request):
    """Public catalogue search used by the OPAC page."""
    term = request.GET.get("q", "").strip()
    if len(term) < 3:
        return JsonResponse({"error": "search term must be at least 3 characters"}, status=400)
    books = Book.objects.filter(title__icontains=term).order_by("title")[:SEARCH_PAGE_SIZE]  # todo-expect: DB006
    return JsonResponse({
        "results": [
            {"id": b.pk, "isbn": b.isbn, "title": b.title, "author": b.author, "available": b.copies_available}
            for b in books
        ]
    })


@login_required
@require_GET
def my_holds(request):
    holds = Hold.objects.filter(member=request.user.member).order_by("-created_at")[:50]  # ok: DB002
    return JsonResponse({"holds": [_hold_to_dict(h) for h in holds]})  # expect: DB001


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def place_hold(request, book_id):
    member = request.user.member
    book = get_object_or_404(Book, pk=book_id)
    if member.is_suspended:
        return JsonResponse({"error": "account suspended, please contact the front desk"}, status=403)

    active = Hold.objects.filter(member=member, status__in=[Hold.WAITING, Hold.READY]).count()
    if active >= MAX_ACTIVE_HOLDS:
        return JsonResponse({"error": f"limit of {MAX_ACTIVE_HOLDS} active holds reached"}, status=409)
    if Hold.objects.filter(member=member, book=book, status=Hold.WAITING).exists():
        return JsonResponse({"error": "you already have a hold on this title"}, status=409)

    hold = Hold.objects.create(member=member, book=book, status=Hold.WAITING)  # expect: DB005
    logger.info("member %s placed hold %s on book %s", member.pk, hold.pk, book.pk)
    return JsonResponse(_hold_to_dict(hold), status=201)


@login_required
@require_POST
def cancel_hold(request, hold_id):
    hold = get_object_or_404(Hold, pk=hold_id)  # expect: SEC018
    cancelled = Hold.objects.filter(pk=hold.pk, status=Hold.WAITING).update(status=Hold.CANCELLED)  # ok: DB004
    if not cancelled:
        return JsonResponse({"error": "only waiting holds can be cancelled online"}, status=409)
    logger.info("hold %s cancelled by user %s", hold.pk, request.user.pk)
    return JsonResponse({"id": hold.pk, "status": Hold.CANCELLED})


@staff_member_required
@require_GET
def book_waitlist(request, book_id):
    """Queue of members waiting for one title, for the circulation desk."""
    holds = (
        Hold.objects.filter(book_id=book_id, status=Hold.WAITING)
        .select_related("member__user")
        .order_by("created_at")[:200]
    )
    return JsonResponse({
        "book_id": book_id,
        "waiting": [
            {"hold_id": h.pk, "card_number": h.member.card_number, "name": h.member.user.get_full_name()}  # ok: DB001
            for h in holds
        ],
    })
