"""One-off card payments from the customer portal."""
from __future__ import annotations

import logging
from decimal import Decimal

import requests
from django.conf import settings
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from utility.db import connection

log = logging.getLogger(__name__)


class PaymentSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("1.00"))
    card_token = serializers.CharField(max_length=128)


class PortalPaymentView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, account_number: str):
        ser = PaymentSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        amount = ser.validated_data["amount"]

        with connection() as conn:
            acct = conn.execute(
                "SELECT id, balance, status FROM accounts WHERE account_number = %s",  # expect: SEC018
                (account_number,),
            ).fetchone()
            if acct is None:
                return Response({"detail": "account not found"}, status=status.HTTP_404_NOT_FOUND)
            payment = conn.execute(
                "INSERT INTO payments (account_id, amount, channel, status, created_by) "
                "VALUES (%s, %s, 'portal', 'pending', %s) RETURNING id",
                (acct["id"], amount, request.user.id),
            ).fetchone()

        resp = requests.post(  # expect: REL001, REL003
            f"{settings.PAYMENT_GATEWAY_URL}/v1/payments",
            json={
                "amount": str(amount),
                "currency": "USD",
                "source": ser.validated_data["card_token"],
                "reference": f"acct-{account_number}",
            },
            headers={"Authorization": f"Bearer {settings.PAYMENT_GATEWAY_KEY}"},
        )
        if resp.status_code != 201:
            with connection() as conn:
                conn.execute("UPDATE payments SET status = 'failed' WHERE id = %s", (payment["id"],))
            log.info("portal payment declined", extra={"payment_id": payment["id"], "status": resp.status_code})
            return Response({"detail": "payment declined"}, status=status.HTTP_402_PAYMENT_REQUIRED)

        new_balance = acct["balance"] - amount
        with connection() as conn:
            conn.execute("UPDATE accounts SET balance = %s WHERE id = %s", (new_balance, acct["id"]))  # expect: DB004
            conn.execute(
                "UPDATE payments SET status = 'settled', gateway_ref = %s WHERE id = %s",
                (resp.json()["id"], payment["id"]),
            )
        log.info("portal payment settled", extra={"payment_id": payment["id"], "account_id": acct["id"]})
        return Response(
            {"payment_id": payment["id"], "balance": str(new_balance)},
            status=status.HTTP_201_CREATED,
        )
