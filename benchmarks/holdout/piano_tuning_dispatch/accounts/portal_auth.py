"""Customer portal login for the legacy booking site (pre-app customers).

Portal customers sign in with e-mail + portal password; the portal keeps its
own session token in Redis.
"""
import hashlib
import json
import logging
import random
import secrets
import string

from django.core.cache import cache
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from notifications.mailer import send_plain
from scheduling.models import Customer

logger = logging.getLogger(__name__)

PORTAL_SESSION_TTL = 12 * 3600
RESET_TTL = 15 * 60


def _hash_password(raw):
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()  # expect: SEC009


def _json(request):
    try:
        return json.loads(request.body or b"{}")
    except ValueError:
        return {}


@require_POST
def portal_login(request):
    data = _json(request)
    email = str(data.get("email", "")).strip().lower()
    password = str(data.get("password", ""))
    customer = Customer.objects.select_related("user").filter(user__email=email).first()
    if customer is None or customer.portal_password_hash != _hash_password(password):
        logger.info("portal login failed for %s", email)
        return JsonResponse({"error": "invalid credentials"}, status=401)

    token = secrets.token_urlsafe(32)
    cache.set(f"portal:{token}", customer.pk, PORTAL_SESSION_TTL)
    response = JsonResponse({"ok": True, "customer_id": customer.pk})
    response.set_cookie("portal_session", token, max_age=PORTAL_SESSION_TTL, samesite="Lax")  # expect: SEC012
    return response


@require_POST
def request_password_reset(request):
    email = str(_json(request).get("email", "")).strip().lower()
    customer = Customer.objects.select_related("user").filter(user__email=email).first()
    if customer is not None:
        code = "".join(random.choice(string.digits) for _ in range(6))  # expect: SEC010
        cache.set(f"portal-reset:{customer.pk}", code, RESET_TTL)
        logger.info("reset code %s issued for customer %s", code, customer.pk)  # expect: SEC007
        send_plain(email, "Your Piano Dispatch reset code", f"Your reset code is {code}. It expires in 15 minutes.")
    return JsonResponse({"ok": True})


@require_POST
def confirm_password_reset(request):
    data = _json(request)
    email = str(data.get("email", "")).strip().lower()
    customer = Customer.objects.filter(user__email=email).first()
    if customer is None:
        return JsonResponse({"error": "invalid code"}, status=400)
    attempts_key = f"portal-reset-attempts:{customer.pk}"
    cache.add(attempts_key, 0, RESET_TTL)
    if cache.incr(attempts_key) > 5:
        return JsonResponse({"error": "too many attempts"}, status=429)
    expected = cache.get(f"portal-reset:{customer.pk}")
    if not expected or not secrets.compare_digest(expected, str(data.get("code", ""))):
        return JsonResponse({"error": "invalid code"}, status=400)
    new_password = str(data.get("new_password", ""))
    if len(new_password) < 10:
        return JsonResponse({"error": "password too short"}, status=400)
    cache.delete(f"portal-reset:{customer.pk}")
    Customer.objects.filter(pk=customer.pk).update(portal_password_hash=_hash_password(new_password))
    return JsonResponse({"ok": True})
