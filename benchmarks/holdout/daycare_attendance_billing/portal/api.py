"""JSON endpoints for the parent portal app. Session auth, CSRF header required."""
import logging
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from alerts.tasks import sync_opt_in
from attendance.models import AttendanceRecord, Child, Guardian
from billing.models import BillingAccount
from billing.payments import account_statement, record_payment

logger = logging.getLogger(__name__)


def _guardian(request):
    return get_object_or_404(Guardian.objects.select_related("family"), user=request.user)


@login_required
@require_GET
def children(request):
    guardian = _guardian(request)
    rows = list(  # ok: DB002
        guardian.family.children.filter(active=True)
        .values("id", "first_name", "last_name", "classroom__name")
    )
    return JsonResponse({"children": rows})


@login_required
@require_GET
def attendance(request, child_id):
    child = get_object_or_404(Child, pk=child_id, family__guardians__user=request.user)
    visits = AttendanceRecord.objects.filter(child=child).order_by("-checked_in_at")
    page = Paginator(visits.values("checked_in_at", "checked_out_at", "late_fee_applied"), 50)
    current = page.get_page(request.GET.get("page"))
    return JsonResponse({
        "child_id": child.id,
        "visits": list(current.object_list),
        "page": current.number,
        "pages": page.num_pages,
    })


@login_required
@require_POST
def update_contact(request):
    guardian = _guardian(request)
    guardian.phone = request.POST.get("phone", "").strip()[:32]
    guardian.sms_opt_in = request.POST.get("sms_opt_in") == "true"
    guardian.save(update_fields=["phone", "sms_opt_in"])
    sync_opt_in.delay(guardian.id)
    return JsonResponse({"phone": guardian.phone, "sms_opt_in": guardian.sms_opt_in})


@login_required
@require_GET
def statement(request):
    guardian = _guardian(request)
    account = get_object_or_404(BillingAccount, family=guardian.family)
    return JsonResponse(account_statement(account.id))


@login_required
@require_POST
def payment(request):
    guardian = _guardian(request)
    account = get_object_or_404(BillingAccount, family=guardian.family)
    key = request.headers.get("Idempotency-Key", "").strip()
    try:
        amount = Decimal(request.POST["amount"]).quantize(Decimal("0.01"))
    except (KeyError, InvalidOperation):
        return JsonResponse({"error": "invalid_amount"}, status=400)
    if not key or amount <= 0:
        return JsonResponse({"error": "invalid_request"}, status=400)
    try:
        resp = requests.post(
            f"{settings.PROCESSOR_URL}/charges",
            json={"customer": account.processor_customer_token, "amount": str(amount), "currency": "usd"},
            headers={"Authorization": f"Bearer {settings.PROCESSOR_API_KEY}", "Idempotency-Key": key},
            timeout=20,
        )
    except requests.RequestException:
        logger.exception("card processor unreachable for account %s", account.id)
        return JsonResponse({"error": "processor_unavailable",
                             "detail": "Please try again; repeating this payment is safe."}, status=502)
    if resp.status_code == 402:
        return JsonResponse({"error": "card_declined"}, status=402)
    if resp.status_code >= 400:
        logger.error("processor returned %s for account %s", resp.status_code, account.id)
        return JsonResponse({"error": "processor_error"}, status=502)
    charge = resp.json()
    paid = record_payment(account.id, amount, processor_ref=charge["id"], idempotency_key=f"portal-{key}")
    return JsonResponse({"payment_id": paid.id, "amount": str(paid.amount)}, status=201)
