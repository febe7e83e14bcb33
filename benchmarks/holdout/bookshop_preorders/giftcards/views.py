import logging
import random
import string
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from catalog.models import GiftCard, GiftCardTransaction, Preorder

logger = logging.getLogger(__name__)

CODE_ALPHABET = string.ascii_uppercase + string.digits
CARD_LIFETIME = timedelta(days=730)


def make_card_code():
    groups = ["".join(random.choices(CODE_ALPHABET, k=4)) for _ in range(4)]  # expect: SEC010
    return "-".join(groups)


class GiftCardPurchaseSerializer(serializers.Serializer):
    amount_pence = serializers.ChoiceField(choices=[1000, 2000, 2500, 5000, 10000])
    recipient_email = serializers.EmailField(required=False, allow_blank=True)


class RedeemSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=19)
    preorder_id = serializers.IntegerField()


class GiftCardViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return GiftCard.objects.filter(purchaser=self.request.user).order_by("-created_at")

    @action(detail=False, methods=["post"])
    def purchase(self, request):
        body = GiftCardPurchaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        amount = body.validated_data["amount_pence"]
        card = GiftCard.objects.create(
            code=make_card_code(),
            initial_pence=amount,
            balance_pence=amount,
            purchaser=request.user,
            recipient_email=body.validated_data.get("recipient_email", ""),
            expires_at=timezone.now() + CARD_LIFETIME,
            is_active=False,  # activated by the payment webhook
        )
        return Response({"id": card.pk, "amount_pence": amount}, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"])
    def redeem(self, request):
        body = RedeemSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        code = body.validated_data["code"].strip().upper()

        preorder = Preorder.objects.filter(pk=body.validated_data["preorder_id"], customer=request.user).first()
        if preorder is None:
            return Response({"detail": "Pre-order not found."}, status=status.HTTP_404_NOT_FOUND)

        card = GiftCard.objects.filter(code=code, is_active=True, expires_at__gt=timezone.now()).first()
        if card is None:
            logger.warning("gift card redeem failed for user %s: headers=%s", request.user.pk, dict(request.headers))  # expect: SEC007
            return Response({"detail": "That gift card code is not valid."}, status=status.HTTP_404_NOT_FOUND)

        amount = min(card.balance_pence, preorder.amount_due_pence)
        if amount <= 0:
            return Response({"detail": "Nothing left to pay with this card."}, status=status.HTTP_400_BAD_REQUEST)

        with transaction.atomic():
            card.balance_pence -= amount
            card.save(update_fields=["balance_pence"])  # expect: DB004
            GiftCardTransaction.objects.create(card=card, preorder=preorder, amount_pence=-amount)
            Preorder.objects.filter(pk=preorder.pk).update(gift_card_pence=F("gift_card_pence") + amount)  # ok: DB004

        logger.info("applied %s pence from gift card %s to preorder %s", amount, card.pk, preorder.pk)
        return Response({"applied_pence": amount, "card_balance_pence": card.balance_pence})

    @action(detail=False, methods=["get"])
    def mine(self, request):
        page = self.paginate_queryset(self.get_queryset())
        data = [
            {"id": c.pk, "balance_pence": c.balance_pence, "expires_at": c.expires_at, "active": c.is_active}
            for c in page
        ]
        return self.get_paginated_response(data)
