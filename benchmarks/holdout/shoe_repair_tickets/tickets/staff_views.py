"""Back-room views: the cobblers' work queue and a quick customer lookup."""
import logging

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from tickets.models import RepairTicket

logger = logging.getLogger(__name__)

OPEN_STATUSES = (RepairTicket.Status.RECEIVED, RepairTicket.Status.IN_PROGRESS)


def _queue_row(ticket: RepairTicket) -> dict:
    age_days = (timezone.now() - ticket.created_at).days
    return {
        "id": ticket.pk,
        "claim_number": ticket.claim_number,
        "item": ticket.item_description,
        "work": ticket.work_requested,
        "customer": ticket.customer.name,
        "bench": ticket.cobbler.bench if ticket.cobbler_id else None,
        "age_days": age_days,
        "overdue": age_days > 7,
    }


@login_required
@require_GET
def work_queue(request):
    """Tickets by status, oldest first, for the workshop screen (default: still to be done)."""
    statuses = [s for s in request.GET.getlist("status") if s in RepairTicket.Status.values] or OPEN_STATUSES
    tickets = list(RepairTicket.objects.filter(status__in=statuses).order_by("created_at"))  # expect: DB002
    rows = [_queue_row(t) for t in tickets]  # expect: DB001
    return JsonResponse({"count": len(rows), "tickets": rows})


@login_required
@require_GET
def lookup_by_phone(request):
    """Customer on the phone: 'I think I left boots with you last month?'"""
    fragment = "".join(ch for ch in request.GET.get("phone", "") if ch.isdigit())
    if len(fragment) < 4:
        return JsonResponse({"error": "type at least four digits"}, status=400)
    matches = (
        RepairTicket.objects.select_related("customer")
        .filter(customer__phone__icontains=fragment)  # expect: DB006
        .order_by("-created_at")[:25]
    )
    return JsonResponse(
        {
            "tickets": [
                {
                    "claim_number": t.claim_number,
                    "customer": t.customer.name,
                    "item": t.item_description,
                    "status": t.status,
                    "created": t.created_at.date().isoformat(),
                }
                for t in matches
            ]
        }
    )


@login_required
@require_GET
def bench_summary(request):
    """How many open tickets each cobbler has, for assigning new work."""
    from django.db.models import Count, Q

    from tickets.models import Cobbler

    cobblers = Cobbler.objects.filter(active=True).annotate(
        open_tickets=Count("repairticket", filter=Q(repairticket__status__in=OPEN_STATUSES))
    )
    return JsonResponse(
        {"benches": [{"cobbler": c.name, "bench": c.bench, "open": c.open_tickets} for c in cobblers]}
    )
