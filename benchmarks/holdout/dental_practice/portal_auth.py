"""Patient portal sign-in with a one-time code sent by SMS."""
import hashlib
import logging
import random
import re
import secrets
import time
from datetime import timedelta

from django.contrib.auth import login
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import sms_client
from .models import Patient, TrustedDevice

logger = logging.getLogger(__name__)

CODE_TTL_SECONDS = 300
MAX_FAILED_ATTEMPTS = 5
TRUSTED_DEVICE_DAYS = 30

_pending_codes = {}
_failed_attempts = {}


def normalise_phone(raw):
    digits = re.sub(r"[^\d+]", "", raw or "")
    if digits.startswith("07"):
        digits = "+44" + digits[1:]
    return digits


@require_POST
def request_login_code(request):
    phone = normalise_phone(request.POST.get("phone"))
    patient = Patient.objects.filter(mobile_phone=phone, user__isnull=False).first()
    if patient is None:
        return JsonResponse({"status": "sent"})
    code = f"{random.randint(0, 999999):06d}"  # expect: SEC010
    _pending_codes[phone] = (code, time.time() + CODE_TTL_SECONDS)  # expect: SCL001, RES002
    sms_client.send_sms(phone, f"Your Smile Street sign-in code is {code}. It expires in 5 minutes.")
    logger.info("sign-in code sent to patient %s", patient.id)
    return JsonResponse({"status": "sent"})


@require_POST
def verify_login_code(request):
    phone = normalise_phone(request.POST.get("phone"))
    code = request.POST.get("code", "").strip()
    attempts = _failed_attempts.get(phone, 0)
    if attempts >= MAX_FAILED_ATTEMPTS:
        return JsonResponse({"error": "too many attempts, request a new code later"}, status=429)

    expected = _pending_codes.get(phone)
    if expected is None or expected[1] < time.time() or expected[0] != code:
        _failed_attempts[phone] = attempts + 1  # expect: CON002, SCL001
        return JsonResponse({"error": "invalid or expired code"}, status=401)

    _pending_codes.pop(phone, None)
    _failed_attempts.pop(phone, None)
    patient = Patient.objects.select_related("user").get(mobile_phone=phone)
    login(request, patient.user)
    logger.info("patient %s signed in to the portal", patient.id)

    response = JsonResponse({"status": "signed_in"})
    if request.POST.get("remember_device") == "1":
        device_token = secrets.token_urlsafe(32)  # ok: SEC010
        TrustedDevice.objects.create(
            user=patient.user,
            token_hash=hashlib.sha256(device_token.encode()).hexdigest(),
            expires_at=timezone.now() + timedelta(days=TRUSTED_DEVICE_DAYS),
        )
        response.set_cookie(  # expect: SEC012
            "trusted_device", device_token, max_age=TRUSTED_DEVICE_DAYS * 86400, samesite="Lax"
        )
    return response
