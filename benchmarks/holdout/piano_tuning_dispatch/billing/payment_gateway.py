"""Payrail client and the Celery task that charges completed visits."""
import hashlib
import hmac
import json
import logging
from functools import lru_cache

import requests
from celery import shared_task
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from scheduling.models import Invoice

logger = logging.getLogger(__name__)


class GatewayUnavailable(Exception):
    pass


class PayrailClient:
    def __init__(self, base_url, api_key, timeout=(3.05, 15)):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {api_key}"
        retry = Retry(total=3, backoff_factor=0.5, status_forcelist=(502, 503, 504), allowed_methods=None)  # ok: REL002
        self.session.mount("https://", HTTPAdapter(max_retries=retry))

    def charge(self, *, customer_ref, amount_cents, currency, description, idempotency_key):
        try:
            resp = self.session.post(  # ok: REL001, REL003
                f"{self.base_url}/v1/charges",
                json={"customer": customer_ref, "amount": amount_cents, "currency": currency, "description": description},
                headers={"Idempotency-Key": str(idempotency_key)},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise GatewayUnavailable(str(exc)) from exc
        if resp.status_code >= 500:
            raise GatewayUnavailable(f"gateway status {resp.status_code}")
        resp.raise_for_status()
        return resp.json()


@lru_cache(maxsize=1)
def get_client():
    return PayrailClient(settings.PAYMENTS["BASE_URL"], settings.PAYMENTS["API_KEY"])


@shared_task(bind=True, autoretry_for=(GatewayUnavailable,), retry_backoff=True, max_retries=6)
def charge_invoice(self, invoice_id):
    invoice = Invoice.objects.select_related("booking__customer").get(pk=invoice_id)
    if invoice.status == Invoice.Status.PAID:
        return invoice.payment_reference
    charge = get_client().charge(  # ok: REL004
        customer_ref=invoice.booking.customer.payment_customer_id,
        amount_cents=invoice.amount_cents,
        currency=invoice.currency,
        description=f"Tuning visit #{invoice.booking_id}",
        idempotency_key=invoice.idempotency_key,
    )
    Invoice.objects.filter(pk=invoice.pk).exclude(status=Invoice.Status.PAID).update(
        status=Invoice.Status.PAID, payment_reference=charge["id"], paid_at=timezone.now()
    )
    logger.info("invoice %s charged as %s", invoice.pk, charge["id"])
    return charge["id"]


@csrf_exempt  # ok: SEC014
@require_POST
def payrail_webhook(request):
    secret = settings.PAYMENTS["WEBHOOK_SECRET"].encode()
    expected = hmac.new(secret, request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("Payrail-Signature", "")):
        return HttpResponseBadRequest("bad signature")
    event = json.loads(request.body)
    if event.get("type") == "charge.refunded":
        charge_id = event["data"]["id"]
        updated = Invoice.objects.filter(payment_reference=charge_id, status=Invoice.Status.PAID).update(
            status=Invoice.Status.REFUNDED
        )
        logger.info("refund webhook for charge %s updated %s invoice(s)", charge_id, updated)
    return HttpResponse(status=204)
