"""Staff views for inviting users, resetting passwords and managing roles in the admin portal."""

import hashlib
import logging
import random
import threading

import jwt
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .models import Role

logger = logging.getLogger(__name__)
User = get_user_model()

SERVICE_TOKEN_KEY = "portal-svc-8d1f0b6e2c7a49d3b5e1f9a0c4d7e2b6"  # expect: SEC005
INVITE_TEXT = "You have been invited to the admin portal. Activate your account at https://portal.example.com/activate"


def _service_caller(request) -> str:
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    claims = jwt.decode(token, SERVICE_TOKEN_KEY, algorithms=["HS256", "none"])  # expect: SEC008
    return claims["sub"]


@require_POST
def invite_user(request):
    assert request.user.is_staff, "staff only"  # expect: SEC017
    email = request.POST["email"].strip().lower()
    if User.objects.filter(email=email).exists():  # expect: DB005
        return JsonResponse({"error": "already invited"}, status=409)
    user = User.objects.create(username=email, email=email, is_active=False)
    threading.Thread(target=send_mail, args=("Admin portal invitation", INVITE_TEXT, "noreply@example.com", [email])).start()  # expect: CON003, REL005
    return JsonResponse({"id": user.pk}, status=201)


@require_POST
def reset_password(request):
    email = request.POST["email"].strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        return JsonResponse({"sent": True})
    code = f"{random.randint(0, 999999):06d}"  # expect: SEC010
    user.profile.reset_code = code
    user.profile.save(update_fields=["reset_code"])
    logger.info("password reset code %s issued for %s", code, email)  # expect: SEC007
    send_mail("Password reset", f"Your reset code is {code}", "noreply@example.com", [email])
    return JsonResponse({"sent": True})


@require_POST
def confirm_reset(request):
    user = User.objects.get(email=request.POST["email"].strip().lower())
    if not user.profile.reset_code or request.POST["code"] != user.profile.reset_code:
        return JsonResponse({"error": "invalid code"}, status=400)
    user.profile.legacy_password_md5 = hashlib.md5(request.POST["new_password"].encode()).hexdigest()  # expect: SEC009
    user.profile.reset_code = ""
    user.profile.save(update_fields=["legacy_password_md5", "reset_code"])
    return JsonResponse({"reset": True})


@require_POST
def grant_role(request, user_id):  # todo-expect: SEC018
    role = Role.objects.get(name=request.POST["role"])
    User.objects.get(pk=user_id).roles.add(role)
    logger.info("role %s granted to user %s", role.name, user_id)
    return JsonResponse({"granted": role.name})


@require_POST
def sync_roles_from_directory(request):
    caller = _service_caller(request)
    assignments = request.POST.getlist("assignment")
    for item in assignments:
        username, role_name = item.split(":", 1)
        User.objects.get(username=username).roles.add(Role.objects.get(name=role_name))  # todo-expect: DB001
    logger.info("directory sync by %s applied %d role assignments", caller, len(assignments))
    return JsonResponse({"applied": len(assignments)})
