"""Password reset by emailed six-digit code, used from the market-stall tablets.

Members at the market rarely have their email open on the tablet, so instead of a
link we send a short code they can read off their phone and type in.
"""
import logging
import random
from datetime import timedelta

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db.models import F
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from members.models import ResetCode

logger = logging.getLogger(__name__)
User = get_user_model()

CODE_TTL = timedelta(minutes=15)
MAX_ATTEMPTS = 5
GENERIC_REPLY = {"status": "If that address has an account, a code is on its way."}


@require_POST
def request_reset_code(request):
    email = request.POST.get("email", "").strip().lower()
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        return JsonResponse(GENERIC_REPLY)

    code = f"{random.randint(0, 999999):06d}"  # expect: SEC010
    ResetCode.objects.create(user=user, code_hash=make_password(code), expires_at=timezone.now() + CODE_TTL)
    send_mail(
        "Your Hive & Harvest reset code",
        f"Your code is {code}. It expires in 15 minutes. If you didn't ask for it, ignore this email.",
        None,
        [user.email],
    )
    logger.info("reset code %s issued for user %s", code, user.pk)  # expect: SEC007
    return JsonResponse(GENERIC_REPLY)


@require_POST
def confirm_reset_code(request):
    email = request.POST.get("email", "").strip().lower()
    code = request.POST.get("code", "").strip()
    new_password = request.POST.get("new_password", "")

    user = User.objects.filter(email=email, is_active=True).first()
    reset = None
    if user is not None:
        reset = (
            ResetCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at")
            .first()
        )
    if reset is None or reset.attempts >= MAX_ATTEMPTS:
        return JsonResponse({"error": "invalid or expired code"}, status=400)

    ResetCode.objects.filter(pk=reset.pk).update(attempts=F("attempts") + 1)
    if not check_password(code, reset.code_hash):
        return JsonResponse({"error": "invalid or expired code"}, status=400)

    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)

    claimed = ResetCode.objects.filter(pk=reset.pk, used_at__isnull=True).update(used_at=timezone.now())  # ok: DB005
    if not claimed:
        return JsonResponse({"error": "invalid or expired code"}, status=400)

    user.set_password(new_password)
    user.save(update_fields=["password"])
    logger.info("password reset by code for user %s", user.pk)
    return JsonResponse({"status": "password changed"})
