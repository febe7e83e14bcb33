"""Webhook from the payment provider confirming card and bank payments of invoices."""
import hashlib
import hmac
import json
import logging
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from billing.models import Invoice, Payment
from billing.tasks import send_payment_receipt

logger = logging.getLogger(__name__)


def _valid_signature(body: bytes, signature: str | None) -> bool:
    if not settings.PAYMENT_WEBHOOK_SECRET or not signature:
        return False
    expected = hmac.new(settings.PAYMENT_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@method_decorator(csrf_exempt, name="dispatch")  # ok: SEC014
class PaymentWebhookView(View):
    def post(self, request):
        logger.info("payment webhook received: %s", request.body.decode("utf-8", "replace"))  # expect: SEC007
        if not _valid_signature(request.body, request.headers.get("X-Signature")):
            return HttpResponse(status=400)

        event = json.loads(request.body)
        if event.get("type") != "payment.succeeded":
            return HttpResponse(status=204)
        data = event["data"]

        try:
            with transaction.atomic():
                invoice = Invoice.objects.get(number=data["invoice_number"])
                payment, created = Payment.objects.get_or_create(
                    provider_reference=data["id"],
                    defaults={
                        "invoice": invoice,
                        "amount": Decimal(data["amount"]),
                        "received_at": datetime.fromisoformat(data["paid_at"]),
                        "payer_name": data.get("payer", {}).get("name", ""),
                    },
                )
                if created:
                    invoice.amount_paid += payment.amount  # expect: DB004
                    if invoice.amount_paid >= invoice.total:
                        invoice.status = Invoice.Status.PAID
                    else:
                        invoice.status = Invoice.Status.PARTIALLY_PAID
                    invoice.save(update_fields=["amount_paid", "status"])
                    send_payment_receipt.delay(invoice.pk, payment.pk)  # expect: REL004
        except Exception as exc:
            logger.error("could not record payment %s: %s", data.get("id"), exc)  # expect: OBS002
            return JsonResponse({"received": True})  # expect: ERR002

        return JsonResponse({"received": True})
