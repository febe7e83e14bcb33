"""Portal access codes printed on summons letters, and the juror sign-in that uses them."""
import hashlib
import hmac
import logging
import random
import string

from django.contrib.auth import get_user_model, login
from django.core.cache import cache
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .models import Summons

logger = logging.getLogger(__name__)

CODE_ALPHABET = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"
CODE_LENGTH = 8
MAX_ATTEMPTS = 5
LOCKOUT_SECONDS = 15 * 60


def new_access_code(length=CODE_LENGTH):
    return "".join(random.choices(CODE_ALPHABET, k=length))  # expect: SEC010


def hash_code(code):
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()  # expect: SEC009


def issue_codes(summons_ids):
    """Assign fresh codes; returns {summons_id: plain_code} for the letter print run."""
    issued = {}
    with transaction.atomic():
        rows = Summons.objects.select_for_update().filter(pk__in=summons_ids, access_code_hash="")
        for summons in rows:
            code = new_access_code()
            summons.access_code_hash = hash_code(code)
            issued[summons.pk] = code
        Summons.objects.bulk_update(list(rows), ["access_code_hash"], batch_size=500)
    logger.info("issued %s access codes", len(issued))
    return issued


def _attempt_key(badge):
    return f"juror-signin-attempts:{badge}"


@require_POST
def juror_sign_in(request):
    badge = (request.POST.get("badge") or "").strip().upper()
    code = request.POST.get("code") or ""
    if not badge or not code:
        return JsonResponse({"error": "badge and code are required"}, status=400)

    attempts = cache.get(_attempt_key(badge), 0)
    if attempts >= MAX_ATTEMPTS:
        return JsonResponse({"error": "too many attempts, try again later"}, status=429)

    summons = Summons.objects.select_related("juror").filter(badge_number=badge).first()
    if summons is None or not hmac.compare_digest(summons.access_code_hash, hash_code(code)):
        try:
            cache.incr(_attempt_key(badge))
        except ValueError:
            cache.set(_attempt_key(badge), 1, LOCKOUT_SECONDS)
        logger.info("juror sign-in failed badge=%s", badge)
        return JsonResponse({"error": "badge or code not recognised"}, status=401)

    juror = summons.juror
    if juror.user_id is None:
        user, _ = get_user_model().objects.get_or_create(username=f"juror-{badge.lower()}")
        juror.user = user
        juror.save(update_fields=["user"])
    login(request, juror.user, backend="django.contrib.auth.backends.ModelBackend")
    cache.delete(_attempt_key(badge))
    logger.info("juror signed in badge=%s juror=%s", badge, juror.pk)
    return JsonResponse({"badge": badge, "service_date": summons.service_date.isoformat()})
