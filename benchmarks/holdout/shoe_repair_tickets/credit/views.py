"""Store credit endpoints: the customer portal's balance page and redemption at the counter."""
import logging

from django.contrib.auth.decorators import login_required, permission_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from credit import services
from credit.ledger import issue_credit
from credit.models import CreditEntry, StoreCreditAccount
from tickets.forms import StoreCreditRedeemForm
from tickets.models import RepairTicket

logger = logging.getLogger(__name__)


@login_required
@require_GET
def my_balance(request):
    customer = getattr(request.user, "customer", None)
    if customer is None:
        return JsonResponse({"balance_cents": 0, "entries": []})
    return JsonResponse(services.statement(customer.pk))


@login_required
@require_GET
def account_statement(request, account_id: int):
    account = get_object_or_404(StoreCreditAccount, pk=account_id)  # expect: SEC018
    return JsonResponse(services.statement(account.customer_id))


@csrf_exempt  # expect: SEC014
@login_required
@permission_required("credit.change_storecreditaccount", raise_exception=True)
@require_POST
def redeem_at_pickup(request, ticket_id: int):
    """Called from the counter tablet when the customer chooses to pay with store credit."""
    form = StoreCreditRedeemForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    ticket = get_object_or_404(RepairTicket, pk=ticket_id)
    applied = services.apply_to_ticket(ticket, request.user, max_cents=form.cleaned_data["amount_cents"])
    return JsonResponse(
        {
            "ticket": ticket.claim_number,
            "applied_cents": applied,
            "still_due_cents": ticket.quoted_cents - applied,
        }
    )


@login_required
@permission_required("credit.add_creditentry", raise_exception=True)
@require_POST
def goodwill(request, ticket_id: int):
    """Manager gives credit when a repair had to be redone."""
    ticket = get_object_or_404(RepairTicket.objects.select_related("customer"), pk=ticket_id)
    try:
        amount = int(request.POST["amount_cents"])
    except (KeyError, ValueError):
        return JsonResponse({"error": "amount_cents is required"}, status=400)
    if not 0 < amount <= 20_000:
        return JsonResponse({"error": "goodwill credit must be between $0.01 and $200"}, status=400)
    entry = issue_credit(
        customer_id=ticket.customer_id,
        amount_cents=amount,
        reason=CreditEntry.Reason.REDO,
        ticket_id=ticket.pk,
        user=request.user,
    )
    logger.info("goodwill credit %s for ticket %s by user %s", entry.pk, ticket.pk, request.user.pk)
    return JsonResponse({"entry_id": entry.pk, "balance_cents": services.balance_for(ticket.customer_id)}, status=201)
