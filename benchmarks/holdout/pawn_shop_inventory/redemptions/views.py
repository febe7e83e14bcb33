"""Redemption: the customer pays off the loan in full and takes the item home."""
import logging
from decimal import Decimal

import stripe
from django.conf import settings
from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.models import Item
from loans.models import Loan, Payment

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_API_KEY


class RedemptionSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=["card", "cash"])
    payment_method = serializers.CharField(required=False, max_length=64)
    cash_tendered = serializers.DecimalField(max_digits=10, decimal_places=2, required=False)

    def validate(self, attrs):
        if attrs["method"] == "card" and not attrs.get("payment_method"):
            raise serializers.ValidationError("payment_method is required for card redemptions")
        if attrs["method"] == "cash" and attrs.get("cash_tendered") is None:
            raise serializers.ValidationError("cash_tendered is required for cash redemptions")
        return attrs


class RedeemLoanView(APIView):
    def post(self, request, ticket_number):
        data = RedemptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        loan = get_object_or_404(Loan.objects.select_related("item", "customer"), ticket_number=ticket_number)
        if loan.status != Loan.Status.ACTIVE:  # expect: DB005
            return Response({"detail": f"loan is {loan.status}"}, status=status.HTTP_409_CONFLICT)

        amount = loan.balance_due
        intent_id = None
        if data.validated_data["method"] == "card":
            try:
                intent = stripe.PaymentIntent.create(  # expect: REL003
                    amount=int(amount * 100),
                    currency="usd",
                    payment_method=data.validated_data["payment_method"],
                    confirm=True,
                    automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
                    description=f"Pawn redemption {loan.ticket_number}",
                    metadata={"loan_id": loan.pk},
                )
            except stripe.error.CardError as exc:
                return Response({"ok": False, "error": exc.user_message}, status=status.HTTP_200_OK)  # todo-expect: MNT001
            intent_id = intent.id
        elif data.validated_data["cash_tendered"] < amount:
            return Response({"detail": "cash tendered is less than the balance"}, status=status.HTTP_400_BAD_REQUEST)

        loan.amount_paid = loan.amount_paid + amount  # expect: DB004
        loan.status = Loan.Status.REDEEMED
        loan.save(update_fields=["amount_paid", "status"])
        Payment.objects.create(
            loan=loan,
            amount=amount,
            method=data.validated_data["method"],
            status=Payment.Status.SUCCEEDED,
            stripe_payment_intent=intent_id,
            taken_by=request.user,
        )
        Item.objects.filter(pk=loan.item_id).update(status=Item.Status.RETURNED)

        change = Decimal("0.00")
        if data.validated_data["method"] == "cash":
            change = data.validated_data["cash_tendered"] - amount
        logger.info("loan %s redeemed for %s by user %s", loan.ticket_number, amount, request.user.pk)
        return Response(
            {"ticket_number": loan.ticket_number, "paid": str(amount), "change": str(change), "status": loan.status},
            status=status.HTTP_201_CREATED,
        )
