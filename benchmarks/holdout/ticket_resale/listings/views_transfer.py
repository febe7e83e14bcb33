import logging

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from listings.models import Ticket, TicketTransfer
from listings.notifications import send_transfer_email

logger = logging.getLogger(__name__)
User = get_user_model()


class TransferForm(forms.Form):
    username = forms.CharField(max_length=150)


@login_required
@require_POST
def transfer_ticket(request, ticket_id: int):
    form = TransferForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)

    recipient = User.objects.filter(username=form.cleaned_data["username"], is_active=True).first()
    if recipient is None or recipient.pk == request.user.pk:
        return JsonResponse({"error": "recipient not found"}, status=404)

    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update()  # ok: DB004, DB005
            .filter(pk=ticket_id, holder=request.user, status=Ticket.Status.VALID)
            .first()
        )
        if ticket is None:
            return JsonResponse({"error": "ticket not found"}, status=404)
        ticket.holder = recipient
        ticket.transfer_count = F("transfer_count") + 1
        ticket.save(update_fields=["holder", "transfer_count"])
        TicketTransfer.objects.create(ticket=ticket, from_user=request.user, to_user=recipient)
        transaction.on_commit(lambda: send_transfer_email.delay(ticket.pk, recipient.pk))  # ok: REL004

    logger.info("ticket transferred ticket_id=%s from_user=%s to_user=%s", ticket.pk, request.user.pk, recipient.pk)
    return JsonResponse({"ticket_id": ticket.pk, "holder": recipient.username})
