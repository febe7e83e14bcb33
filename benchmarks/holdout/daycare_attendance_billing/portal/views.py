"""Parent portal pages: dashboard, attendance history, contact details, payments."""
import logging
import random
import string
import threading
import uuid
from datetime import timedelta
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from alerts.tasks import gateway
from attendance.models import AttendanceRecord, Child, Guardian
from billing.models import BillingAccount
from billing.payments import record_payment

logger = logging.getLogger(__name__)

PICKUP_CODE_TTL = timedelta(hours=12)


def _guardian(request):
    return get_object_or_404(Guardian.objects.select_related("family"), user=request.user)


@login_required
def dashboard(request):
    guardian = _guardian(request)
    children = guardian.family.children.filter(active=True).select_related("classroom")
    account = BillingAccount.objects.filter(family=guardian.family).first()
    return render(request, "portal/dashboard.html", {
        "guardian": guardian, "children": children, "account": account,
    })


@login_required
def child_attendance(request, child_id):
    child = get_object_or_404(Child, pk=child_id)  # expect: SEC018
    visits = AttendanceRecord.objects.filter(child=child).order_by("-checked_in_at")
    page = Paginator(visits, 30).get_page(request.GET.get("page"))
    return render(request, "portal/attendance.html", {"child": child, "page": page})


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def update_contact(request):
    guardian = _guardian(request)
    guardian.phone = request.POST.get("phone", "").strip()[:32]
    guardian.email = request.POST.get("email", "").strip()[:254]
    guardian.sms_opt_in = request.POST.get("sms_opt_in") == "on"
    guardian.save(update_fields=["phone", "email", "sms_opt_in"])
    sync = threading.Thread(  # expect: CON003, REL005
        target=gateway().set_opt_in, args=(guardian.phone, guardian.sms_opt_in), daemon=True
    )
    sync.start()
    logger.info("guardian %s updated contact details", guardian.id)
    return redirect("portal:dashboard")


@login_required
@require_POST
def issue_pickup_code(request):
    """One-time code a grandparent or friend gives at the desk for today's pickup."""
    guardian = _guardian(request)
    child = get_object_or_404(guardian.family.children, pk=request.POST.get("child_id"), active=True)
    code = "".join(random.choices(string.digits, k=6))  # expect: SEC010
    cache.set(f"pickup-code:{child.id}:{code}", guardian.id, timeout=int(PICKUP_CODE_TTL.total_seconds()))
    logger.info("guardian %s issued a pickup code for child %s", guardian.id, child.id)
    return JsonResponse({"code": code, "valid_hours": 12})


@login_required
@require_POST
def pay_balance(request):
    guardian = _guardian(request)
    account = get_object_or_404(BillingAccount, family=guardian.family)
    try:
        amount = Decimal(request.POST["amount"]).quantize(Decimal("0.01"))
    except (KeyError, InvalidOperation):
        return JsonResponse({"error": "invalid amount"}, status=400)
    if amount <= 0 or amount > account.balance:
        return JsonResponse({"error": "amount must be between 0 and your balance"}, status=400)

    key = request.POST.get("payment_token") or uuid.uuid4().hex
    try:
        resp = requests.post(
            f"{settings.PROCESSOR_URL}/charges",
            json={"customer": account.processor_customer_token, "amount": str(amount), "currency": "usd"},
            headers={"Authorization": f"Bearer {settings.PROCESSOR_API_KEY}", "Idempotency-Key": key},
            timeout=20,
        )
        resp.raise_for_status()
        charge = resp.json()
        record_payment(account.id, amount, processor_ref=charge["id"], idempotency_key=f"portal-{key}")
    except requests.RequestException:
        logger.exception("portal payment failed for account %s", account.id)
    return JsonResponse({"status": "ok", "message": "Thank you, your payment has been received."})  # expect: ERR002
