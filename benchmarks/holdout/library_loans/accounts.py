"""Member self-service: registration and profile."""
import json
import logging
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.views.decorators.http import require_http_methods, require_POST

from .models import Branch, Member

logger = logging.getLogger(__name__)

CARD_PREFIX = "2910"


def _new_card_number() -> str:
    return CARD_PREFIX + "".join(secrets.choice("0123456789") for _ in range(10))  # ok: SEC010


def _parse_json(request):
    try:
        return json.loads(request.body or b"{}")
    except ValueError:
        return None


@require_POST
def register(request):
    payload = _parse_json(request)
    if payload is None:
        return JsonResponse({"error": "request body must be JSON"}, status=400)
    email = (payload.get("email") or "").strip().lower()
    password = payload.get("password") or ""
    branch = Branch.objects.filter(code=payload.get("branch", "MAIN")).first()
    try:
        validate_email(email)
        validate_password(password)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    if branch is None:
        return JsonResponse({"error": "unknown branch"}, status=400)

    User = get_user_model()
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=email, email=email, password=password)  # ok: SEC009
            member = Member.objects.create(user=user, card_number=_new_card_number(), home_branch=branch)
    except IntegrityError:  # ok: DB005
        logger.info("registration refused: e-mail already registered or card number collision")
        return JsonResponse({"error": "an account with this e-mail already exists"}, status=409)
    logger.info("member %s registered at branch %s", member.pk, branch.code)
    return JsonResponse({"member_id": member.pk, "card_number": member.card_number}, status=201)


@login_required
@require_http_methods(["GET", "PATCH"])
def profile(request):
    member = request.user.member
    if request.method == "PATCH":
        payload = _parse_json(request)
        if payload is None:
            return JsonResponse({"error": "request body must be JSON"}, status=400)
        new_email = (payload.get("email") or "").strip().lower()
        if new_email:
            try:
                validate_email(new_email)
            except ValidationError as exc:
                return JsonResponse({"error": " ".join(exc.messages)}, status=400)
            request.user.email = new_email
            request.user.username = new_email
            try:
                with transaction.atomic():
                    request.user.save(update_fields=["email", "username"])
            except IntegrityError:  # ok: DB005
                return JsonResponse({"error": "that e-mail is already in use"}, status=409)
            logger.info("member %s changed their e-mail address", member.pk)
    return JsonResponse({
        "member_id": member.pk,
        "email": request.user.email,
        "card_number": member.card_number,
        "home_branch": member.home_branch.code,
        "fine_balance_cents": member.fine_balance_cents,
    })
