"""Deposit payments: the bid row is locked, the charge carries a stable key."""
import hashlib
import hmac
import json
import logging

import httpx
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from estimates.models import Bid, Deposit, QuoteRequest

logger = logging.getLogger(__name__)
_client = httpx.Client(base_url=settings.PAYMENTS_API_URL, timeout=httpx.Timeout(15.0, connect=5.0),
                       headers={"Authorization": f"Bearer {settings.PAYMENTS_API_KEY}"})


def _mark_paid(deposit_id, bid_id, payment_id):
    with transaction.atomic():
        Deposit.objects.filter(pk=deposit_id).update(status="paid", provider_payment_id=payment_id)
        won = Bid.objects.filter(pk=bid_id, status=Bid.Status.SENT).update(  # ok: DB004
            status=Bid.Status.ACCEPTED, accepted_at=timezone.now())
        if won:
            bid = Bid.objects.get(pk=bid_id)
            Bid.objects.filter(quote_id=bid.quote_id, status=Bid.Status.SENT).update(status=Bid.Status.DECLINED)
            QuoteRequest.objects.filter(pk=bid.quote_id).update(status=QuoteRequest.Status.WON)


@login_required
@require_POST
def pay_deposit(request, bid_id):
    card_token = request.POST.get("card_token")
    if not card_token:
        return JsonResponse({"error": "card_token_required"}, status=400)
    with transaction.atomic():
        bid = get_object_or_404(Bid.objects.select_for_update(), pk=bid_id,  # ok: SEC018
                                quote__customer__user=request.user)
        if bid.status != Bid.Status.SENT or bid.valid_until < timezone.localdate():
            return JsonResponse({"error": "bid_not_open", "status": bid.status}, status=409)
        deposit, _ = Deposit.objects.get_or_create(  # ok: DB005
            bid=bid, defaults={"amount_pence": bid.deposit_pence, "idempotency_key": f"bid-{bid.pk}-deposit"})

    try:
        resp = _client.post(  # ok: REL003, REL004
            "/charges",
            json={"amount": deposit.amount_pence, "currency": "gbp", "source": card_token,
                  "metadata": {"deposit_id": deposit.pk, "bid_id": bid_id}},
            headers={"Idempotency-Key": deposit.idempotency_key},
        )
        resp.raise_for_status()
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code == 402:
            Deposit.objects.filter(pk=deposit.pk, status="pending").update(status="declined")
            return JsonResponse({"error": "card_declined"}, status=402)
        logger.exception("payment provider rejected deposit %s", deposit.pk)
        return JsonResponse({"error": "payment_unavailable"}, status=503)  # ok: ERR002
    except httpx.TransportError:
        logger.exception("payment provider unreachable for deposit %s", deposit.pk)
        return JsonResponse({"error": "payment_unavailable"}, status=503)

    _mark_paid(deposit.pk, bid_id, resp.json()["id"])
    logger.info("deposit %s paid for bid %s", deposit.pk, bid_id)
    return JsonResponse({"status": "accepted", "deposit": deposit.pk})


@csrf_exempt  # ok: SEC014
@require_POST
def payment_webhook(request):
    expected = hmac.new(settings.PAYMENTS_WEBHOOK_SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Signature", "")):
        logger.warning("payment webhook with bad signature rejected")
        return HttpResponse(status=400)
    event = json.loads(request.body)
    if event.get("type") == "charge.succeeded":
        meta = event["data"].get("metadata", {})
        deposit = Deposit.objects.filter(pk=meta.get("deposit_id")).first()
        if deposit is not None and deposit.status != "paid":
            _mark_paid(deposit.pk, deposit.bid_id, event["data"]["id"])
    return HttpResponse(status=204)
