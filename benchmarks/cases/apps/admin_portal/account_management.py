"""Staff views for inviting users, resetting passwords and managing roles, with permission checks."""

import logging
import secrets
from datetime import timedelta

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .models import PasswordResetCode, Role
from .tasks import send_invitation, send_reset_code

logger = logging.getLogger(__name__)
User = get_user_model()


def _service_caller(request) -> str:
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    try:
        claims = jwt.decode(token, settings.SERVICE_TOKEN_KEY, algorithms=["HS256"], audience="admin-portal")  # ok: SEC008
    except jwt.InvalidTokenError as exc:
        raise PermissionDenied("invalid service token") from exc
    return claims["sub"]


@require_POST
@permission_required("auth.add_user", raise_exception=True)
def invite_user(request):
    email = request.POST["email"].strip().lower()
    try:
        with transaction.atomic():
            user = User.objects.create(username=email, email=email, is_active=False)
            transaction.on_commit(lambda: send_invitation.delay(user.pk))
    except IntegrityError:  # ok: ERR002
        return JsonResponse({"error": "already invited"}, status=409)
    logger.info("user %s invited by staff user %s", user.pk, request.user.pk)
    return JsonResponse({"id": user.pk}, status=201)


@require_POST
def request_password_reset(request):
    user = User.objects.filter(email=request.POST["email"].strip().lower(), is_active=True).first()
    if user is not None:
        code = f"{secrets.randbelow(1_000_000):06d}"  # ok: SEC010
        PasswordResetCode.objects.issue(user=user, code=code, expires_at=timezone.now() + timedelta(minutes=15))
        transaction.on_commit(lambda: send_reset_code.delay(user.pk, code))
        logger.info("password reset requested for user %s", user.pk)  # ok: SEC007
    return JsonResponse({"sent": True})


@require_POST
def confirm_password_reset(request):
    user = User.objects.filter(email=request.POST["email"].strip().lower(), is_active=True).first()
    if user is None or not PasswordResetCode.objects.consume(user=user, code=request.POST["code"]):
        return JsonResponse({"error": "invalid or expired code"}, status=400)
    try:
        validate_password(request.POST["new_password"], user=user)
    except ValidationError as exc:
        return JsonResponse({"error": list(exc.messages)}, status=400)
    user.set_password(request.POST["new_password"])  # ok: SEC009
    user.save(update_fields=["password"])
    return JsonResponse({"reset": True})


@require_POST
@permission_required("portal.assign_role", raise_exception=True)
def grant_role(request, user_id):
    role = Role.objects.get(name=request.POST["role"])
    User.objects.get(pk=user_id).roles.add(role)
    logger.info("role %s granted to user %s by staff user %s", role.name, user_id, request.user.pk)
    return JsonResponse({"granted": role.name})


@require_POST
def sync_roles_from_directory(request):
    caller = _service_caller(request)
    pairs = [item.split(":", 1) for item in request.POST.getlist("assignment")]
    users = User.objects.in_bulk([username for username, _ in pairs], field_name="username")
    roles = Role.objects.in_bulk([role for _, role in pairs], field_name="name")
    through = User.roles.through
    rows = [through(user_id=users[u].pk, role_id=roles[r].pk) for u, r in pairs if u in users and r in roles]
    through.objects.bulk_create(rows, ignore_conflicts=True)
    logger.info("directory sync by %s applied %d of %d role assignments", caller, len(rows), len(pairs))
    return JsonResponse({"applied": len(rows)})
