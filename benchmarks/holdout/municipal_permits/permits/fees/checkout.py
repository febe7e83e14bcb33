"""Fee checkout API: reserve a payment row, then charge with an idempotency key."""
import logging
import uuid

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from requests.adapters import HTTPAdapter
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from urllib3.util.retry import Retry

from permits.models import FeePayment, PermitApplication

logger = logging.getLogger(__name__)

_gateway = requests.Session()
_gateway.auth = (settings.PAYMENT_GATEWAY["key"], "")
_gateway.mount("https://", HTTPAdapter(max_retries=Retry(
    total=2, backoff_factor=0.5, status_forcelist=(502, 503, 504), allowed_methods=frozenset({"POST"}),
)))


class CheckoutSerializer(serializers.Serializer):
    card_token = serializers.CharField(max_length=128)


class FeeCheckoutView(APIView):
    permission_classes = [IsAuthenticated]

    def _reserve_payment(self, request, application_id: int) -> FeePayment | Response:
        with transaction.atomic():
            application = get_object_or_404(
                PermitApplication.objects.select_for_update(),
                pk=application_id, applicant=request.user,
            )
            if application.status != PermitApplication.Status.SUBMITTED:
                return Response({"detail": "fees can only be paid on submitted applications"},
                                status=status.HTTP_409_CONFLICT)
            payment = application.payments.exclude(status=FeePayment.FAILED).first()
            if payment is not None and payment.status == FeePayment.PAID:
                return Response({"detail": "fee already paid"}, status=status.HTTP_409_CONFLICT)
            if payment is None:
                payment = FeePayment.objects.create(  # ok: DB005
                    application=application,
                    amount_cents=application.fee_cents,
                    idempotency_key=uuid.uuid4().hex,
                )
            return payment

    def post(self, request, application_id: int):
        body = CheckoutSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            payment = self._reserve_payment(request, application_id)
        except IntegrityError:
            return Response({"detail": "a payment is already in progress"}, status=status.HTTP_409_CONFLICT)
        if isinstance(payment, Response):
            return payment

        try:
            resp = _gateway.post(
                f"{settings.PAYMENT_GATEWAY['base_url']}/v1/charges",
                json={"amount": payment.amount_cents, "currency": "usd",
                      "source": body.validated_data["card_token"],
                      "metadata": {"fee_payment_id": payment.pk}},
                headers={"Idempotency-Key": payment.idempotency_key},
                timeout=(3.05, 20),
            )
        except requests.RequestException:
            logger.warning("gateway unreachable for fee payment %s", payment.pk, exc_info=True)
            return Response({"detail": "payment provider unavailable, please retry"},
                            status=status.HTTP_503_SERVICE_UNAVAILABLE)

        if resp.status_code != 201:
            FeePayment.objects.filter(pk=payment.pk, status=FeePayment.PENDING).update(status=FeePayment.FAILED)
            logger.info("fee payment %s declined (%s)", payment.pk, resp.status_code)
            return Response({"detail": "card declined"}, status=status.HTTP_402_PAYMENT_REQUIRED)

        with transaction.atomic():
            FeePayment.objects.filter(pk=payment.pk, status=FeePayment.PENDING).update(
                status=FeePayment.PAID, gateway_ref=resp.json()["id"])
            PermitApplication.objects.filter(pk=application_id).update(
                status=PermitApplication.Status.FEE_PAID)
        logger.info("fee payment %s for application %s paid", payment.pk, application_id)
        return Response({"status": "paid", "payment_id": payment.pk})
