"""Customer-facing tokens: booking management links and waiver-signing links.

Customers never have accounts. A booking is managed through a random link
token (only its hash is stored), and players sign waivers through a short
JWT link that names the booking.
"""
import hashlib
import hmac
import secrets
import time

import jwt
from flask import current_app

WAIVER_AUDIENCE = "escape-waiver"
WAIVER_LINK_TTL = 7 * 24 * 60 * 60


class LinkError(Exception):
    pass


def new_manage_token() -> tuple[str, str]:
    """Return (token for the e-mail link, hash to store on the booking)."""
    token = secrets.token_urlsafe(32)  # ok: SEC010
    return token, hash_manage_token(token)


def hash_manage_token(token: str) -> str:
    # A 256-bit random token needs no slow hash; this only keeps it out of the database.
    return hashlib.sha256(token.encode("ascii")).hexdigest()  # ok: SEC009


def manage_token_matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_manage_token(token), stored_hash)


def waiver_link_token(booking_id: int, venue_id: int) -> str:
    now = int(time.time())
    claims = {
        "sub": f"booking:{booking_id}",
        "venue": venue_id,
        "aud": WAIVER_AUDIENCE,
        "iat": now,
        "exp": now + WAIVER_LINK_TTL,
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(claims, current_app.config["JWT_SECRET"], algorithm="HS256")


def read_waiver_link(token: str) -> tuple[int, int]:
    try:
        claims = jwt.decode(  # ok: SEC008
            token,
            current_app.config["JWT_SECRET"],
            algorithms=["HS256"],
            audience=WAIVER_AUDIENCE,
            options={"require": ["exp", "sub", "aud"]},
            leeway=30,
        )
    except jwt.InvalidTokenError as exc:
        raise LinkError("This waiver link is invalid or has expired.") from exc
    kind, _, booking_id = claims["sub"].partition(":")
    if kind != "booking" or not booking_id.isdigit():
        raise LinkError("This waiver link is invalid.")
    return int(booking_id), int(claims["venue"])


def kiosk_pin() -> str:
    """Six-digit code shown on the front-desk kiosk for walk-in waiver signing."""
    return f"{secrets.randbelow(1_000_000):06d}"  # ok: SEC010
