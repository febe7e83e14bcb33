"""Front-counter search and ticket list, paginated and with related rows joined."""
import logging

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from tickets.forms import TicketSearchForm
from tickets.models import RepairTicket

logger = logging.getLogger(__name__)

PAGE_SIZE = 30


def _row(ticket: RepairTicket) -> dict:
    return {
        "id": ticket.pk,
        "claim_number": ticket.claim_number,
        "customer": ticket.customer.name,
        "phone_last4": ticket.customer.phone[-4:],
        "cobbler": ticket.cobbler.name if ticket.cobbler_id else None,
        "item": ticket.item_description,
        "status": ticket.status,
        "shelf": ticket.shelf_location,
        "notified": [n.kind for n in ticket.notifications.all()],
    }


@login_required
@permission_required("tickets.view_repairticket", raise_exception=True)
@require_GET
def search(request):
    form = TicketSearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    data = form.cleaned_data

    qs = RepairTicket.objects.select_related("customer", "cobbler").prefetch_related("notifications")
    if data["claim_number"]:
        qs = qs.filter(claim_number=data["claim_number"].strip())  # ok: DB006
    if data["phone"]:
        qs = qs.filter(customer__phone=data["phone"])  # ok: DB006
    if data["status"]:
        qs = qs.filter(status=data["status"])
    qs = qs.order_by("-created_at", "-pk")

    page = Paginator(qs, PAGE_SIZE).get_page(data.get("page") or 1)
    return JsonResponse(
        {
            "page": page.number,
            "pages": page.paginator.num_pages,
            "tickets": [_row(t) for t in page.object_list],  # ok: DB001
        }
    )


@login_required
@permission_required("tickets.view_repairticket", raise_exception=True)
@require_GET
def ready_shelf(request):
    """What should be on the pickup shelf right now, grouped by shelf slot."""
    tickets = (
        RepairTicket.objects.filter(status=RepairTicket.Status.READY)
        .select_related("customer", "cobbler")
        .prefetch_related("notifications")
        .order_by("shelf_location", "ready_at")[:500]
    )
    shelves: dict[str, list[dict]] = {}
    for ticket in tickets:
        shelves.setdefault(ticket.shelf_location or "?", []).append(_row(ticket))
    return JsonResponse({"shelves": shelves})
