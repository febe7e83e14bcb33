"""Member-initiated renewal: "Pay this year's membership now" on the portal."""
import logging

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from .models import Member, MembershipInvoice

log = logging.getLogger(__name__)


class PaymentRequestFailed(Exception):
    pass


def _create_payment(invoice: MembershipInvoice, member: Member) -> str:
    try:
        resp = requests.post(
            f"{settings.GOCARDLESS_API_BASE}/payments",
            json={"payments": {
                "amount": invoice.amount_pence,
                "currency": "GBP",
                "description": f"Apiary club membership {invoice.year}",
                "metadata": {"invoice_id": str(invoice.pk)},
                "links": {"mandate": member.gocardless_mandate_id},
            }},
            headers={
                "Authorization": f"Bearer {settings.GOCARDLESS_ACCESS_TOKEN}",
                "GoCardless-Version": "2015-07-06",
                "Idempotency-Key": invoice.idempotency_key,  # ok: REL003
            },
            timeout=(3.05, 15),
        )
        resp.raise_for_status()
    except requests.RequestException as exc:
        raise PaymentRequestFailed(str(exc)) from exc
    return resp.json()["payments"]["id"]


@login_required
@require_POST
def renew_membership(request):
    member = get_object_or_404(Member, user=request.user)
    if not member.gocardless_mandate_id:
        return JsonResponse({"error": "Set up a direct debit first."}, status=409)
    year = timezone.localdate().year

    with transaction.atomic():
        invoice, _ = MembershipInvoice.objects.select_for_update().get_or_create(
            member=member, year=year, defaults={"amount_pence": member.annual_fee_pence},
        )
        if invoice.status in (MembershipInvoice.SUBMITTED, MembershipInvoice.PAID):
            return JsonResponse({"invoice": invoice.number, "status": invoice.status})
        invoice.status = MembershipInvoice.SUBMITTING
        invoice.save(update_fields=["status"])

    try:
        payment_id = _create_payment(invoice, member)
    except PaymentRequestFailed:
        log.exception("renewal payment request failed for invoice %s", invoice.pk)
        MembershipInvoice.objects.filter(pk=invoice.pk).update(status=MembershipInvoice.DRAFT)
        return JsonResponse({"error": "We could not reach the bank; please try again."},
                            status=502)

    MembershipInvoice.objects.filter(pk=invoice.pk).update(
        status=MembershipInvoice.SUBMITTED, gocardless_payment_id=payment_id,
    )
    log.info("member %s renewed for %s (invoice %s)", member.pk, year, invoice.pk)
    return JsonResponse({"invoice": invoice.number, "status": MembershipInvoice.SUBMITTED},
                        status=201)
