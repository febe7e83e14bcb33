"""Partial payments on a loan (extensions and pay-downs), card or cash.

The till sends an Idempotency-Key per payment attempt. A pending Payment row
is written under the loan's row lock first (its key is unique), the card is
charged with a key derived from that row, and the loan is updated under the
lock again. A repeated request returns the first result.
"""
import logging
from decimal import Decimal

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from loans.models import Loan, Payment

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_API_KEY


class PartialPaymentSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("1.00"))
    method = serializers.ChoiceField(choices=["card", "cash"])
    payment_method = serializers.CharField(required=False, max_length=64)


def _result(payment: Payment, http_status=status.HTTP_200_OK) -> Response:
    return Response(
        {"payment_id": payment.pk, "status": payment.status, "amount": str(payment.amount)}, status=http_status
    )


class PartialPaymentView(APIView):
    def post(self, request, ticket_number):
        key = request.headers.get("Idempotency-Key", "")
        if not 8 <= len(key) <= 64:
            return Response({"detail": "Idempotency-Key header is required"}, status=status.HTTP_400_BAD_REQUEST)
        data = PartialPaymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        amount = data.validated_data["amount"]

        try:
            with transaction.atomic():
                loan = Loan.objects.select_for_update().get(ticket_number=ticket_number)
                if loan.status != Loan.Status.ACTIVE:  # ok: DB005
                    return Response({"detail": f"loan is {loan.status}"}, status=status.HTTP_409_CONFLICT)
                pending = loan.payments.filter(status=Payment.Status.PENDING).aggregate(s=Sum("amount"))["s"] or 0
                if amount > loan.balance_due - pending:
                    return Response({"detail": "amount exceeds the balance due"}, status=status.HTTP_400_BAD_REQUEST)
                payment = Payment.objects.create(
                    loan=loan, amount=amount, method=data.validated_data["method"],
                    idempotency_key=key, taken_by=request.user,
                )
        except Loan.DoesNotExist:
            return Response({"detail": "no such ticket"}, status=status.HTTP_404_NOT_FOUND)
        except IntegrityError:
            return _result(Payment.objects.get(idempotency_key=key))

        intent_id = None
        if payment.method == "card":
            try:
                intent = stripe.PaymentIntent.create(
                    amount=int(amount * 100),
                    currency="usd",
                    payment_method=data.validated_data.get("payment_method"),
                    confirm=True,
                    automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
                    metadata={"payment_id": payment.pk, "ticket": ticket_number},
                    idempotency_key=f"pawn-payment-{payment.pk}",  # ok: REL003
                )
            except stripe.error.CardError as exc:
                Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.FAILED)
                return Response({"detail": exc.user_message or "card declined"}, status=status.HTTP_402_PAYMENT_REQUIRED)
            except stripe.error.StripeError:
                logger.exception("card payment %s left pending for reconciliation", payment.pk)
                return Response(
                    {"detail": "card processor unavailable; payment is pending", "payment_id": payment.pk},
                    status=status.HTTP_502_BAD_GATEWAY,
                )
            intent_id = intent.id

        with transaction.atomic():
            loan = Loan.objects.select_for_update().get(pk=payment.loan_id)
            to_fees = min(amount, loan.fees_due)
            loan.fees_due -= to_fees  # ok: DB004
            loan.amount_paid += amount - to_fees
            loan.save(update_fields=["fees_due", "amount_paid"])
            Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.SUCCEEDED, stripe_payment_intent=intent_id)
        payment.refresh_from_db()
        logger.info("payment %s of %s applied to loan %s by user %s", payment.pk, amount, loan.pk, request.user.pk)
        return _result(payment, status.HTTP_201_CREATED)
