"""Promo codes applied to a held booking before checkout."""
import json
import logging

from django.contrib.auth.decorators import login_required, permission_required
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bookings.models import Booking, PromoCode, PromoRedemption

log = logging.getLogger(__name__)


def _discounted(amount_cents: int, percent_off: int) -> int:
    return max(amount_cents - amount_cents * percent_off // 100, 0)


@login_required
@require_POST
def apply_promo(request, booking_id: int):
    booking = get_object_or_404(Booking, pk=booking_id, user=request.user, status=Booking.HELD)  # ok: SEC018
    try:
        code = str(json.loads(request.body)["code"]).strip().upper()
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "code is required"}, status=400)
    if PromoRedemption.objects.filter(booking=booking).exists():  # ok: DB005
        return JsonResponse({"error": "a promo code is already applied to this booking"}, status=409)

    promo = PromoCode.objects.filter(code=code, active=True).first()
    if promo is None or promo.valid_until < timezone.now():
        return JsonResponse({"error": "unknown or expired code"}, status=404)
    if promo.uses >= promo.max_uses:
        return JsonResponse({"error": "this code has been fully redeemed"}, status=409)

    try:
        with transaction.atomic():
            promo.uses += 1
            promo.save(update_fields=["uses"])  # expect: DB004, DB005
            booking.amount_cents = _discounted(booking.amount_cents, promo.percent_off)
            booking.save(update_fields=["amount_cents"])
            PromoRedemption.objects.create(promo=promo, user=request.user, booking=booking)
    except IntegrityError:
        return JsonResponse({"error": "a promo code is already applied to this booking"}, status=409)
    log.info("user %s applied promo %s to booking %s", request.user.pk, promo.code, booking.pk)
    return JsonResponse({"booking_id": booking.pk, "amount_cents": booking.amount_cents,
                         "percent_off": promo.percent_off})


@login_required
@permission_required("promos.view_promocode", raise_exception=True)
@require_GET
def promo_usage(request):
    try:
        page = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return JsonResponse({"error": "page must be a number"}, status=400)
    promos = PromoCode.objects.filter(active=True).order_by("-valid_until")[(page - 1) * 50: page * 50]
    return JsonResponse({"page": page, "promos": [
        {"code": p.code, "percent_off": p.percent_off, "uses": p.uses, "max_uses": p.max_uses,
         "valid_until": p.valid_until.isoformat()} for p in promos
    ]})
