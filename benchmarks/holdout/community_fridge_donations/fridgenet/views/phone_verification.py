"""SMS phone verification for new volunteer drivers.

A driver must verify their phone before they can claim a pickup route, since
coordinators call them on the day.
"""
import json
import logging
import random
import time
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from ..integrations.sms_gateway import SmsGatewayError, send_sms
from ..models import Driver

logger = logging.getLogger(__name__)

CODE_TTL_SECONDS = 600
MAX_SENDS_PER_HOUR = 3
MAX_CONFIRM_ATTEMPTS = 5

# phone number -> timestamps of recent code sends
_recent_sends = defaultdict(list)


def _code_key(driver):
    return f"phone-verify:{driver.pk}"


def _attempts_key(driver):
    return f"phone-verify-attempts:{driver.pk}"


@login_required
@require_POST
def send_code(request):
    driver = get_object_or_404(Driver, user=request.user)
    if driver.phone_verified:
        return JsonResponse({"status": "already_verified"})

    now = time.time()
    recent = [t for t in _recent_sends[driver.phone] if now - t < 3600]
    if len(recent) >= MAX_SENDS_PER_HOUR:
        return JsonResponse({"error": "too_many_requests"}, status=429)
    _recent_sends[driver.phone] = recent + [now]  # expect: SCL001, CON002

    code = f"{random.randint(0, 999999):06d}"  # expect: SEC010
    cache.set(_code_key(driver), make_password(code), timeout=CODE_TTL_SECONDS)
    cache.set(_attempts_key(driver), 0, timeout=CODE_TTL_SECONDS)
    try:
        send_sms(driver.phone, f"Your Fridge Network verification code is {code}. It expires in 10 minutes.")
    except SmsGatewayError:
        logger.warning("verification SMS for driver %s could not be sent", driver.pk, exc_info=True)
        return JsonResponse({"error": "sms_unavailable"}, status=503)

    logger.info("verification code sent to driver %s", driver.pk)
    return JsonResponse({"status": "sent"})


@login_required
@require_POST
def confirm_code(request):
    driver = get_object_or_404(Driver, user=request.user)
    try:
        submitted = str(json.loads(request.body or b"{}").get("code", ""))
    except ValueError:
        return JsonResponse({"error": "invalid_json"}, status=400)

    try:
        attempts = cache.incr(_attempts_key(driver))
    except ValueError:
        return JsonResponse({"error": "code_expired"}, status=400)
    if attempts > MAX_CONFIRM_ATTEMPTS:
        cache.delete(_code_key(driver))
        return JsonResponse({"error": "too_many_attempts"}, status=429)

    hashed = cache.get(_code_key(driver))
    if hashed is None or not check_password(submitted, hashed):
        return JsonResponse({"error": "wrong_code"}, status=400)

    cache.delete_many([_code_key(driver), _attempts_key(driver)])
    Driver.objects.filter(pk=driver.pk).update(phone_verified=True)
    logger.info("driver %s verified their phone", driver.pk)
    return JsonResponse({"status": "verified"})
