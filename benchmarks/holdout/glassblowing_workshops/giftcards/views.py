"""Gift card API used by the online shop: buy a card, check a balance, redeem."""
import logging
from collections import defaultdict

import stripe
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from workshops.models import Booking

from . import services
from .models import GiftCard, GiftCardRedemption

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_SECRET_KEY

MAX_FAILED_LOOKUPS = 10
_failed_lookups: dict[int, int] = defaultdict(int)


class ShopSessionAuthentication(SessionAuthentication):
    """The shop widget posts from an iframe on the marketing site."""

    def enforce_csrf(self, request):  # expect: SEC014
        return None


class PurchaseSerializer(serializers.Serializer):
    amount_cents = serializers.IntegerField(min_value=2500, max_value=50000)
    payment_method = serializers.CharField(max_length=64)
    recipient_email = serializers.EmailField()
    recipient_name = serializers.CharField(max_length=120)
    message = serializers.CharField(max_length=500, allow_blank=True, required=False)
    client_token = serializers.UUIDField()


class GiftCardPurchaseView(APIView):
    authentication_classes = [ShopSessionAuthentication]
    permission_classes = [IsAuthenticated]

    def post(self, request):
        s = PurchaseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        intent = stripe.PaymentIntent.create(
            amount=data["amount_cents"], currency="usd", payment_method=data["payment_method"], confirm=True,
            automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
            idempotency_key=f"giftcard-{request.user.pk}-{data['client_token']}",
            metadata={"kind": "giftcard", "purchaser_id": request.user.pk,
                      "recipient_email": data["recipient_email"], "recipient_name": data["recipient_name"]},
        )
        # The payment_intent.succeeded webhook creates the same card if this
        # request dies after the charge.
        with transaction.atomic():
            card, created = services.card_for_payment(
                intent.id, purchaser_id=request.user.pk, amount_cents=data["amount_cents"],
                recipient_email=data["recipient_email"], recipient_name=data["recipient_name"],
                message=data.get("message", ""),
            )
        return Response({"id": card.pk, "code": card.masked_code()}, status=status.HTTP_201_CREATED)


class GiftCardBalanceView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        if _failed_lookups[request.user.pk] >= MAX_FAILED_LOOKUPS:
            return Response({"detail": "Too many attempts."}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        code = str(request.data.get("code", "")).strip().upper()
        card = GiftCard.objects.filter(code=code).first()
        if card is None:
            _failed_lookups[request.user.pk] += 1  # expect: SCL001, CON002, RES002
            return Response({"detail": "Unknown code."}, status=status.HTTP_404_NOT_FOUND)
        return Response({"code": card.masked_code(), "balance_cents": card.balance_cents})


class GiftCardRedeemView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        code = str(request.data.get("code", "")).strip().upper()
        booking = get_object_or_404(Booking, pk=request.data.get("booking_id"), user=request.user)
        card = get_object_or_404(GiftCard, code=code)
        already = booking.giftcard_redemptions.filter(reversed_at__isnull=True).aggregate(t=Sum("amount_cents"))["t"] or 0
        amount = min(card.balance_cents, booking.amount_cents - already)
        if amount <= 0:
            return Response({"detail": "Nothing to redeem."}, status=status.HTTP_400_BAD_REQUEST)
        card.balance_cents -= amount
        card.save(update_fields=["balance_cents"])  # expect: DB004
        GiftCardRedemption.objects.create(card=card, booking=booking, amount_cents=amount)  # expect: DB005
        logger.info("redeemed %d cents from card %s on booking %s", amount, card.masked_code(), booking.pk)
        return Response({"redeemed_cents": amount, "balance_cents": card.balance_cents})
