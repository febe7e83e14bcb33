import logging
import random
import string
import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.forms import ResetConfirmForm, ResetRequestForm, SignupForm
from accounts.models import OwnerProfile, PasswordResetCode
from reminders.sms_gateway import SmsError, SmsGateway

logger = logging.getLogger(__name__)
User = get_user_model()

RESET_CODE_TTL = timedelta(minutes=15)


def _new_username():
    return f"owner-{uuid.uuid4().hex[:12]}"


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            form.add_error("email", "An account with this e-mail already exists.")
        else:
            user = User.objects.create_user(username=_new_username(), email=email, password=form.cleaned_data["password"])  # expect: DB005
            user.first_name = form.cleaned_data["first_name"]
            user.last_name = form.cleaned_data["last_name"]
            user.save(update_fields=["first_name", "last_name"])
            OwnerProfile.objects.create(
                user=user,
                phone=form.cleaned_data["phone"],
                sms_opt_in=form.cleaned_data.get("sms_opt_in", False),
            )
            login(request, user)
            logger.info("new owner account %s", user.pk)
            return redirect("pets:list")
    return render(request, "accounts/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def request_password_reset(request):
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email=email).select_related("ownerprofile").first()
        if user is not None and hasattr(user, "ownerprofile"):
            code = "".join(random.choices(string.digits, k=6))  # expect: SEC010
            PasswordResetCode.objects.create(user=user, code=code, expires_at=timezone.now() + RESET_CODE_TTL)
            try:
                SmsGateway().send(user.ownerprofile.phone, f"Your Paws & Claws reset code is {code}. It expires in 15 minutes.")
                logger.info("password reset code %s sent to user %s", code, user.pk)  # expect: SEC007
            except SmsError:
                logger.exception("could not text reset code to user %s", user.pk)
        messages.info(request, "If that address is registered, we've sent a code to the phone on file.")
        return redirect("accounts:reset-confirm")
    return render(request, "accounts/reset_request.html", {"form": form})


@require_http_methods(["GET", "POST"])
def confirm_password_reset(request):
    form = ResetConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            entry = (
                PasswordResetCode.objects.select_for_update()  # ok: DB005
                .select_related("user")
                .filter(
                    user__email=form.cleaned_data["email"].strip().lower(),
                    code=form.cleaned_data["code"],
                    used_at__isnull=True,
                    expires_at__gt=timezone.now(),
                )
                .first()
            )
            if entry is None:
                form.add_error("code", "That code is invalid or has expired.")
            else:
                entry.used_at = timezone.now()
                entry.save(update_fields=["used_at"])
                entry.user.set_password(form.cleaned_data["new_password"])
                entry.user.save(update_fields=["password"])
                messages.success(request, "Password updated. Please sign in.")
                return redirect("accounts:login")
    return render(request, "accounts/reset_confirm.html", {"form": form})
