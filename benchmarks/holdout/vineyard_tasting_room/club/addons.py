"""Add-on bottles for club members, charged straight away to the card on file.

Bottles are reserved before the card is charged and released if the charge
fails. Each add-on carries its own Stripe idempotency key, so a retried or
reconciled charge can never bill twice.
"""
import logging
from datetime import timedelta

import stripe
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from inventory.models import InventoryMovement, Vintage
from .models import AddOnOrder

log = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_API_KEY


class AddOnRequest(serializers.Serializer):
    vintage_id = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1, max_value=12)
    client_token = serializers.UUIDField()


def _charge(addon: AddOnOrder) -> stripe.PaymentIntent:
    membership = addon.membership
    return stripe.PaymentIntent.create(
        amount=addon.total_cents,
        currency="usd",
        customer=membership.stripe_customer_id,
        payment_method=membership.default_payment_method,
        off_session=True,
        confirm=True,
        metadata={"addon_id": addon.pk},
        idempotency_key=f"club-addon-{addon.pk}",  # ok: REL003
    )


def _release(addon: AddOnOrder) -> None:
    with transaction.atomic():
        if AddOnOrder.objects.filter(pk=addon.pk, status=AddOnOrder.Status.PENDING).update(status=AddOnOrder.Status.FAILED):
            Vintage.objects.filter(pk=addon.vintage_id).update(bottles_on_hand=F("bottles_on_hand") + addon.quantity)
            InventoryMovement.objects.create(vintage_id=addon.vintage_id, delta=addon.quantity,
                                             reason=InventoryMovement.Reason.SALE, reference=f"addon-{addon.pk}-released")


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def order_addon(request):
    membership = getattr(request.user, "club_membership", None)
    if membership is None or not membership.is_active:
        return Response({"detail": "Add-ons are for active club members."}, status=status.HTTP_403_FORBIDDEN)
    req = AddOnRequest(data=request.data)
    req.is_valid(raise_exception=True)
    qty = req.validated_data["quantity"]
    vintage = Vintage.objects.filter(pk=req.validated_data["vintage_id"], released=True).first()
    if vintage is None:
        return Response({"detail": "That wine is not available."}, status=status.HTTP_404_NOT_FOUND)

    with transaction.atomic():
        addon, created = AddOnOrder.objects.get_or_create(  # ok: DB005
            membership=membership,
            client_token=req.validated_data["client_token"],
            defaults={"vintage": vintage, "quantity": qty, "total_cents": vintage.price_cents * qty},
        )
        if not created:
            return Response({"id": addon.pk, "status": addon.status}, status=status.HTTP_200_OK)
        reserved = Vintage.objects.filter(pk=vintage.pk, bottles_on_hand__gte=F("club_allocation") + qty).update(bottles_on_hand=F("bottles_on_hand") - qty)  # ok: DB004, DB005
        if not reserved:
            transaction.set_rollback(True)
            return Response({"detail": "Not enough bottles left."}, status=status.HTTP_409_CONFLICT)
        InventoryMovement.objects.create(vintage=vintage, delta=-qty, reason=InventoryMovement.Reason.SALE,
                                         reference=f"addon-{addon.pk}")

    try:
        intent = _charge(addon)
    except stripe.error.StripeError:
        log.exception("add-on %s charge failed for membership %s", addon.pk, membership.pk)
        _release(addon)
        return Response({"detail": "Your card could not be charged."}, status=status.HTTP_402_PAYMENT_REQUIRED)
    AddOnOrder.objects.filter(pk=addon.pk).update(status=AddOnOrder.Status.PAID, payment_intent_id=intent.id)
    log.info("add-on %s paid by membership %s (intent %s)", addon.pk, membership.pk, intent.id)
    return Response({"id": addon.pk, "status": AddOnOrder.Status.PAID}, status=status.HTTP_201_CREATED)


@shared_task
def reconcile_pending_addons() -> int:
    """Finish add-ons left pending by a crash between reserving and charging."""
    stale = AddOnOrder.objects.filter(status=AddOnOrder.Status.PENDING,
                                      created_at__lt=timezone.now() - timedelta(minutes=15)).select_related("membership")[:200]
    for addon in stale:
        try:
            intent = _charge(addon)  # ok: REL004
        except stripe.error.StripeError:
            log.exception("reconcile: add-on %s could not be charged; releasing bottles", addon.pk)
            _release(addon)
            continue
        AddOnOrder.objects.filter(pk=addon.pk, status=AddOnOrder.Status.PENDING).update(
            status=AddOnOrder.Status.PAID, payment_intent_id=intent.id)
    return len(stale)
