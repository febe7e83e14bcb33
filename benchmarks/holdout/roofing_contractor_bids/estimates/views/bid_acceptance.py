"""Customers accept a bid online and pay the deposit by card."""
import logging
import uuid

import httpx
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from estimates.models import Bid, Deposit, QuoteRequest

logger = logging.getLogger(__name__)

payments = httpx.Client(
    base_url=settings.PAYMENTS_API_URL,
    timeout=httpx.Timeout(15.0, connect=5.0),
    headers={"Authorization": f"Bearer {settings.PAYMENTS_API_KEY}"},
)


@login_required
@require_POST
def accept_bid(request, bid_id):
    bid = get_object_or_404(  # ok: SEC018
        Bid.objects.select_related("quote"), pk=bid_id, quote__customer__user=request.user
    )
    if bid.status != Bid.Status.SENT:
        return JsonResponse({"error": "bid_not_open", "status": bid.status}, status=409)
    if bid.valid_until < timezone.localdate():
        return JsonResponse({"error": "bid_expired"}, status=409)
    card_token = request.POST.get("card_token")
    if not card_token:
        return JsonResponse({"error": "card_token_required"}, status=400)

    try:
        resp = payments.post(  # expect: REL003, REL004
            "/charges",
            json={
                "amount": bid.deposit_pence,
                "currency": "gbp",
                "source": card_token,
                "description": f"Deposit for roofing bid {bid.pk}",
            },
        )
        resp.raise_for_status()
        charge = resp.json()
    except httpx.HTTPError as exc:
        logger.error("deposit charge failed for bid %s: %s", bid.pk, exc)  # expect: OBS002
        return JsonResponse({"ok": True, "status": "accepted"})  # expect: ERR002

    Deposit.objects.create(
        bid=bid,
        amount_pence=bid.deposit_pence,
        idempotency_key=uuid.uuid4().hex,
        provider_payment_id=charge["id"],
        status="paid",
    )
    bid.status = Bid.Status.ACCEPTED
    bid.accepted_at = timezone.now()
    bid.save(update_fields=["status", "accepted_at"])  # expect: DB005
    Bid.objects.filter(quote_id=bid.quote_id, status=Bid.Status.SENT).exclude(pk=bid.pk).update(
        status=Bid.Status.DECLINED
    )
    QuoteRequest.objects.filter(pk=bid.quote_id).update(status=QuoteRequest.Status.WON)
    logger.info("bid %s accepted, deposit charge %s", bid.pk, charge["id"])
    return JsonResponse({"ok": True, "status": "accepted", "deposit": charge["id"]})


@login_required
def bid_summary(request, bid_id):
    bid = get_object_or_404(
        Bid.objects.select_related("quote", "deposit"), pk=bid_id, quote__customer__user=request.user
    )
    deposit = getattr(bid, "deposit", None)
    return JsonResponse({
        "id": bid.pk,
        "status": bid.status,
        "total_pence": bid.total_pence,
        "deposit_pence": bid.deposit_pence,
        "deposit_status": deposit.status if deposit else None,
        "valid_until": bid.valid_until.isoformat(),
    })
