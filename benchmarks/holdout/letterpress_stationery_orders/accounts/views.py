"""Sign-in, sign-up, password reset by e-mailed code, and small preferences."""

import logging
import random

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from orders.forms import PasswordResetConfirmForm, PasswordResetRequestForm
from orders.models import Order

logger = logging.getLogger(__name__)
User = get_user_model()

RESET_TTL_SECONDS = 15 * 60
DEVICE_COOKIE_AGE = 60 * 60 * 24 * 30
MAX_RESET_TRIES = 5


@require_http_methods(["GET", "POST"])
def sign_in(request):
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        login(request, user)
        response = redirect("order_list")
        if request.POST.get("remember_device"):
            token = signing.dumps({"uid": user.pk}, salt="studio-device")
            response.set_cookie("studio_device", token, max_age=DEVICE_COOKIE_AGE)  # expect: SEC012
        return response
    return render(request, "accounts/sign_in.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_up(request):
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)
        logger.info("customer signed up", extra={"user_id": user.pk})
        return redirect("order_create")
    return render(request, "accounts/sign_up.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_request(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(email=form.cleaned_data["email"], is_active=True).first()
        if user is not None:
            code = f"{random.randint(0, 999999):06d}"  # expect: SEC010
            cache.set(f"pwreset:{user.pk}", make_password(code), timeout=RESET_TTL_SECONDS)
            send_mail(
                "Your password reset code",
                f"Enter {code} on the reset page within 15 minutes.",
                None,
                [user.email],
            )
        return redirect("password_reset_confirm")
    return render(request, "accounts/reset_request.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request):
    form = PasswordResetConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(email=form.cleaned_data["email"], is_active=True).first()
        key = f"pwreset:{user.pk}" if user else None
        stored = cache.get(key) if key else None
        if stored:
            cache.add(f"{key}:tries", 0, timeout=RESET_TTL_SECONDS)
            if cache.incr(f"{key}:tries") > MAX_RESET_TRIES:  # ok: SCL001
                cache.delete_many([key, f"{key}:tries"])
                stored = None
        if stored and check_password(form.cleaned_data["code"], stored):
            cache.delete_many([key, f"{key}:tries"])
            user.set_password(form.cleaned_data["new_password"])
            user.save(update_fields=["password"])
            messages.success(request, "Password changed. Please sign in.")
            return redirect("sign_in")
        form.add_error("code", "That code is wrong or has expired.")
    return render(request, "accounts/reset_confirm.html", {"form": form})


@require_POST
def set_paper_preference(request):
    """Remember the sheet size a visitor last browsed, for the sample gallery."""
    size = request.POST.get("size", "")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=True):
        next_url = "order_list"
    response = redirect(next_url)
    if size in Order.PaperSize.values:
        response.set_cookie("preferred_size", size, max_age=DEVICE_COOKIE_AGE, samesite="Lax")  # ok: SEC012
    return response
