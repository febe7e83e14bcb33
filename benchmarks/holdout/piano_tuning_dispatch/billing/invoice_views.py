"""Invoice endpoints used by the back office and the customer portal."""
import logging
import time

import requests
from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response

from scheduling.models import Invoice

logger = logging.getLogger(__name__)

CHARGES_URL = settings.PAYMENTS["BASE_URL"].rstrip("/") + "/v1/charges"


class PaymentUnavailable(Exception):
    pass


def _charge(customer, amount_cents, currency, description):
    headers = {"Authorization": f"Bearer {settings.PAYMENTS['API_KEY']}"}
    payload = {
        "customer": customer.payment_customer_id,
        "amount": amount_cents,
        "currency": currency,
        "description": description,
    }
    for attempt in range(4):  # ok: REL002
        try:
            resp = requests.post(CHARGES_URL, json=payload, headers=headers)  # expect: REL001, REL003
        except requests.ConnectionError:
            logger.warning("payment gateway unreachable (attempt %s)", attempt + 1)
        else:
            if resp.status_code < 500:
                resp.raise_for_status()
                return resp.json()
            logger.warning("payment gateway returned %s (attempt %s)", resp.status_code, attempt + 1)
        time.sleep(2 ** attempt)
    raise PaymentUnavailable("payment gateway did not answer")


def _invoice_payload(invoice):
    return {
        "id": invoice.pk,
        "booking_id": invoice.booking_id,
        "amount_cents": invoice.amount_cents,
        "currency": invoice.currency,
        "status": invoice.status,
        "paid_at": invoice.paid_at.isoformat() if invoice.paid_at else None,
    }


@api_view(["POST"])
@permission_classes([IsAdminUser])
def settle_invoice(request, invoice_id):
    invoice = get_object_or_404(Invoice.objects.select_related("booking__customer"), pk=invoice_id)
    if invoice.status == Invoice.Status.PAID:
        return Response({"detail": "invoice already paid"}, status=status.HTTP_409_CONFLICT)

    customer = invoice.booking.customer
    description = f"Tuning visit #{invoice.booking_id}"
    try:
        charge = _charge(customer, invoice.amount_cents, invoice.currency, description)  # expect: DB005, REL004
    except PaymentUnavailable:
        return Response({"detail": "payment provider unavailable"}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    except requests.HTTPError as exc:
        logger.warning("charge declined for invoice %s: %s", invoice.pk, exc.response.status_code)
        invoice.status = Invoice.Status.FAILED
        invoice.save(update_fields=["status"])
        return Response({"detail": "charge declined"}, status=status.HTTP_402_PAYMENT_REQUIRED)

    invoice.status = Invoice.Status.PAID
    invoice.payment_reference = charge["id"]
    invoice.paid_at = timezone.now()
    invoice.save(update_fields=["status", "payment_reference", "paid_at"])
    logger.info("invoice %s settled with charge %s", invoice.pk, charge["id"])
    return Response(_invoice_payload(invoice))


@api_view(["GET"])
@permission_classes([IsAuthenticated])
def my_invoices(request):
    queryset = Invoice.objects.filter(booking__customer=request.user.customer).order_by("-issued_at")
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset, request)  # ok: DB002
    return paginator.get_paginated_response([_invoice_payload(i) for i in page])
