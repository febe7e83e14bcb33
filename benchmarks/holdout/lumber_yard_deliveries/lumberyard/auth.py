"""Contractor API-token authentication.

Contractors get a long random token from the yard office. Only the token's
SHA-256 digest is stored, so a copy of the table cannot be replayed; the token
itself has 256 bits of entropy, which is why a plain digest is enough here.
"""
import functools
import hashlib
import logging
import secrets

from flask import abort, g, request

from .db import cursor, transaction

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "lyd_"
YARD_STAFF = "yard_staff"


def _digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()  # ok: SEC009


def issue_token(contractor_id: int) -> str:
    """Create a token for a contractor; the caller shows it once and forgets it."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction() as cur:
        cur.execute(
            "INSERT INTO contractor_tokens (contractor_id, token_sha256, created_at) "
            "VALUES (%s, %s, now())",
            (contractor_id, _digest(raw)),
        )
    return raw


def _bearer_token():
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value.startswith(TOKEN_PREFIX):
        return None
    return value


def contractor_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        raw = _bearer_token()
        if raw is None:
            abort(401, description="missing or malformed bearer token")
        digest = _digest(raw)
        with cursor() as cur:
            cur.execute(
                "SELECT t.contractor_id, c.role, c.is_active "
                "FROM contractor_tokens t JOIN contractors c ON c.id = t.contractor_id "
                "WHERE t.token_sha256 = %s AND t.revoked_at IS NULL",
                (digest,),
            )
            row = cur.fetchone()
        if row is None or not row["is_active"]:
            logger.info("rejected token %s…", digest[:12])  # ok: SEC007
            abort(401, description="invalid token")
        g.contractor_id = row["contractor_id"]
        g.contractor_role = row["role"]
        return view(*args, **kwargs)

    return wrapper


def yard_staff_required(view):
    """Use under @contractor_required: the office and drivers have the staff role."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("contractor_role") != YARD_STAFF:
            abort(403, description="yard staff only")
        return view(*args, **kwargs)

    return wrapper
