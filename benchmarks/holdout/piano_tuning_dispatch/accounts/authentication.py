"""Authentication for the technician app and staff back office.

Technicians sign in once with their Django account and receive a signed,
expiring bearer token; the tablet web dashboard gets the same token in an
HttpOnly cookie.
"""
import json
import logging

from django.contrib.auth import authenticate
from django.core import signing
from django.http import JsonResponse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.http import require_POST
from rest_framework import authentication, exceptions, permissions

logger = logging.getLogger(__name__)

TOKEN_SALT = "piano-dispatch.technician-token"
TOKEN_MAX_AGE = 10 * 3600
COOKIE_NAME = "tech_session"


def _password_fingerprint(user):
    return salted_hmac(TOKEN_SALT, user.password).hexdigest()[:16]


def issue_token(user):
    return signing.dumps({"uid": user.pk, "v": _password_fingerprint(user)}, salt=TOKEN_SALT, compress=True)


def user_from_token(raw):
    from django.contrib.auth import get_user_model

    try:
        claims = signing.loads(raw, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=claims.get("uid"), is_active=True).first()
    # a password change invalidates every token issued before it
    if user is None or not constant_time_compare(_password_fingerprint(user), str(claims.get("v", ""))):
        return None
    return user


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(f"{self.keyword} "):
            return None
        user = user_from_token(header[len(self.keyword) + 1:].strip())
        if user is None:
            raise exceptions.AuthenticationFailed("invalid or expired token")
        return user, None

    def authenticate_header(self, request):
        return self.keyword


class IsTechnician(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and hasattr(request.user, "technician"))


class IsDispatcher(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_staff and request.user.has_perm("scheduling.change_booking"))


@require_POST
def technician_login(request):
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "invalid JSON"}, status=400)
    user = authenticate(request, username=data.get("username", ""), password=data.get("password", ""))
    if user is None or not hasattr(user, "technician"):
        logger.info("technician login rejected for username=%s", str(data.get("username", ""))[:150])
        return JsonResponse({"error": "invalid credentials"}, status=401)

    token = issue_token(user)
    logger.info("technician %s signed in", user.pk)
    response = JsonResponse({"token": token, "expires_in": TOKEN_MAX_AGE})
    response.set_cookie(  # ok: SEC012
        COOKIE_NAME, token, max_age=TOKEN_MAX_AGE, secure=True, httponly=True, samesite="Strict"
    )
    return response
