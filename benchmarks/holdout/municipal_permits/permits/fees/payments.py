"""Permit fee payment from the resident portal's pay button."""
import json
import logging

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from permits.models import FeePayment, PermitApplication

logger = logging.getLogger(__name__)


def _gateway_url(path: str) -> str:
    return f"{settings.PAYMENT_GATEWAY['base_url'].rstrip('/')}/{path.lstrip('/')}"


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def pay_fee(request, application_id: int):
    application = get_object_or_404(PermitApplication, pk=application_id, applicant=request.user)
    if application.status != PermitApplication.Status.SUBMITTED:
        return JsonResponse({"detail": "fees can only be paid on submitted applications"}, status=409)
    if FeePayment.objects.filter(application=application, status=FeePayment.PAID).exists():
        return JsonResponse({"detail": "fee already paid"}, status=409)

    try:
        card_token = json.loads(request.body)["card_token"]
    except (ValueError, KeyError):
        return JsonResponse({"detail": "card_token is required"}, status=400)

    resp = requests.post(  # expect: REL001, REL003, REL004
        _gateway_url("/v1/charges"),
        json={
            "amount": application.fee_cents,
            "currency": "usd",
            "source": card_token,
            "description": f"Permit fee {application.reference}",
        },
        auth=(settings.PAYMENT_GATEWAY["key"], ""),
    )
    if resp.status_code != 201:
        logger.warning("charge for application %s declined: %s", application.pk, resp.status_code)
        return JsonResponse({"error": "card declined"}, status=402)  # todo-expect: MNT001

    charge = resp.json()
    with transaction.atomic():
        FeePayment.objects.create(  # expect: DB005
            application=application,
            amount_cents=application.fee_cents,
            status=FeePayment.PAID,
            gateway_ref=charge["id"],
        )
        application.status = PermitApplication.Status.FEE_PAID
        application.save(update_fields=["status"])
    logger.info("fee payment completed")  # todo-expect: OBS003
    return JsonResponse({"status": "paid", "receipt": charge["id"], "paid_at": timezone.now().isoformat()})


@login_required
def payment_history(request, application_id: int):
    application = get_object_or_404(PermitApplication, pk=application_id, applicant=request.user)
    payments = application.payments.order_by("-created_at").values(
        "amount_cents", "status", "gateway_ref", "created_at"
    )[:20]
    return JsonResponse({"reference": application.reference, "payments": list(payments)})
