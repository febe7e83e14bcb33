"""Authentication for the self-service kiosks at marina gates.

Each kiosk holds its marina's private key and signs short-lived tokens; the
token header's ``kid`` is the marina code, whose public key we keep on file.
"""
import logging
from dataclasses import dataclass

import jwt
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .models import Marina

log = logging.getLogger(__name__)

KEYWORD = b"kiosk"
AUDIENCE = "moorings-api"


@dataclass
class KioskPrincipal:
    """Stands in for request.user on kiosk calls."""

    marina: Marina
    kiosk_id: str
    is_authenticated: bool = True
    is_staff: bool = False
    is_active: bool = True

    @property
    def pk(self):
        return f"kiosk:{self.marina.code}:{self.kiosk_id}"


class KioskTokenAuthentication(BaseAuthentication):
    def authenticate_header(self, request):
        return "Kiosk"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("malformed kiosk token")
        token = parts[1].decode()

        try:
            header = jwt.get_unverified_header(token)  # ok: SEC008
        except jwt.DecodeError:
            raise AuthenticationFailed("malformed kiosk token")
        marina = Marina.objects.filter(code=header.get("kid", "")).first()
        if marina is None or not marina.kiosk_public_key:
            raise AuthenticationFailed("unknown kiosk")

        try:
            claims = jwt.decode(  # expect: SEC008
                token,
                marina.kiosk_public_key,
                algorithms=[header.get("alg", "RS256")],
                audience=AUDIENCE,
                options={"require": ["exp", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            log.warning("kiosk token rejected for marina %s: %s", marina.code, type(exc).__name__)
            raise AuthenticationFailed("invalid kiosk token")
        return KioskPrincipal(marina=marina, kiosk_id=claims["sub"]), token
