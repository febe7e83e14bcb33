"""Authorisation helpers shared by the routers.

Families and staff sign in through Django sessions (``django_auth`` on the API).
The luthier partner calls back with an API key sent in a header; only its
SHA-256 digest is kept in configuration.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyHeader

logger = logging.getLogger(__name__)

WORKSHOP_PERMISSION = "rentals.change_repairticket"


class PartnerKeyAuth(APIKeyHeader):
    param_name = "X-Partner-Key"

    def authenticate(self, request: HttpRequest, key: str | None):
        expected = settings.LUTHIER_CALLBACK_KEY_SHA256
        if not key or not expected:
            return None
        digest = hashlib.sha256(key.encode()).hexdigest()  # ok: SEC009
        if not hmac.compare_digest(digest, expected):
            logger.warning("rejected luthier callback from %s", request.META.get("REMOTE_ADDR"))
            return None
        return "luthier"


def new_partner_key() -> tuple[str, str]:
    """Generate a key for the partner and the digest to store in our settings."""
    raw = secrets.token_urlsafe(32)  # ok: SEC010
    return raw, hashlib.sha256(raw.encode()).hexdigest()


def require_staff(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        raise HttpError(403, "Staff only")


def require_workshop(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_authenticated and user.has_perm(WORKSHOP_PERMISSION)):
        logger.info("user %s denied workshop access", getattr(user, "pk", None))
        raise HttpError(403, "Workshop staff only")


def guardian_for(request: HttpRequest):
    """The signed-in user's guardian profile, or 403 for staff-only accounts."""
    guardian = getattr(request.user, "guardian", None)
    if guardian is None:
        raise HttpError(403, "No family account is linked to this login")
    return guardian


def can_view_rental(request: HttpRequest, rental) -> bool:
    if request.user.is_staff:
        return True
    guardian = getattr(request.user, "guardian", None)
    return guardian is not None and rental.student.guardian_id == guardian.pk


def mask_email(email: str) -> str:
    name, _, domain = email.partition("@")
    if not domain:
        return "***"
    return f"{name[:1]}***@{domain}"
