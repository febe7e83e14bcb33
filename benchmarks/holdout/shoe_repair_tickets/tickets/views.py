"""Counter workflow: write up a ticket, mark it ready, hand the shoes back; public claim lookup."""
import logging
import random
import string

from django.contrib.auth.decorators import login_required, permission_required
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from notifications.tasks import send_ready_sms
from tickets.forms import NewTicketForm
from tickets.models import Customer, RepairTicket

logger = logging.getLogger(__name__)


def _new_claim_number() -> str:
    return "".join(random.choices(string.digits, k=6))  # expect: SEC010


@login_required
@permission_required("tickets.add_repairticket", raise_exception=True)
@require_POST
def create_ticket(request):
    form = NewTicketForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    data = form.cleaned_data
    customer, _ = Customer.objects.get_or_create(phone=data["phone"], defaults={"name": data["name"]})
    for _attempt in range(5):
        try:
            ticket = RepairTicket.objects.create(
                claim_number=_new_claim_number(),
                customer=customer,
                item_description=data["item_description"],
                work_requested=data["work_requested"],
                quoted_cents=data["quoted_cents"],
            )
            break
        except IntegrityError:
            continue
    else:
        logger.error("could not allocate a claim number for customer %s", customer.pk)
        return JsonResponse({"error": "try again"}, status=503)
    logger.info("ticket %s written up by %s", ticket.pk, request.user.pk)
    return JsonResponse({"id": ticket.pk, "claim_number": ticket.claim_number}, status=201)


@login_required
@permission_required("tickets.change_repairticket", raise_exception=True)
@require_POST
def mark_ready(request, ticket_id: int):
    shelf = request.POST.get("shelf_location", "").strip()[:10]
    with transaction.atomic():
        ticket = get_object_or_404(RepairTicket.objects.select_for_update(), pk=ticket_id)
        if ticket.status not in (RepairTicket.Status.RECEIVED, RepairTicket.Status.IN_PROGRESS):
            return JsonResponse({"error": f"ticket is {ticket.status}"}, status=409)
        ticket.status = RepairTicket.Status.READY
        ticket.ready_at = timezone.now()
        ticket.shelf_location = shelf
        ticket.save(update_fields=["status", "ready_at", "shelf_location"])
        send_ready_sms.delay(ticket.pk)  # expect: REL004
    return JsonResponse({"id": ticket.pk, "status": ticket.status})


@login_required
@permission_required("tickets.change_repairticket", raise_exception=True)
@require_POST
def hand_over(request, ticket_id: int):
    updated = RepairTicket.objects.filter(pk=ticket_id, status=RepairTicket.Status.READY).update(  # ok: DB005
        status=RepairTicket.Status.PICKED_UP, picked_up_at=timezone.now()
    )
    if not updated:
        return JsonResponse({"error": "ticket is not ready for pickup"}, status=409)
    logger.info("ticket %s handed over by %s", ticket_id, request.user.pk)
    return JsonResponse({"id": ticket_id, "status": RepairTicket.Status.PICKED_UP})


@require_GET
def claim_status(request, claim_number: str):
    """Public: customers type the number from their claim stub to see if shoes are ready."""
    try:
        ticket = RepairTicket.objects.only("status", "item_description", "ready_at").get(
            claim_number=claim_number
        )
    except RepairTicket.DoesNotExist:
        raise Http404("no ticket with that claim number")
    return JsonResponse(
        {
            "item": ticket.item_description,
            "status": ticket.status,
            "ready_since": ticket.ready_at.isoformat() if ticket.ready_at else None,
        }
    )
