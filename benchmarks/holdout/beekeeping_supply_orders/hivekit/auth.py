"""Customer sessions, personal API tokens, staff checks and partner signatures."""
import functools
import hashlib
import hmac
import logging
import secrets

from flask import abort, g, request, session
from werkzeug.security import check_password_hash, generate_password_hash

from . import config
from .db import fetch_one, transaction

log = logging.getLogger(__name__)

# Compared against when the email is unknown, so both paths cost one scrypt check.
_DUMMY_HASH = generate_password_hash("placeholder-for-timing", method="scrypt")  # ok: SEC005


def hash_password(raw: str) -> str:
    return generate_password_hash(raw, method="scrypt")


def authenticate(email: str, password: str) -> dict | None:
    row = fetch_one(
        "SELECT id, password_hash, is_staff, disabled_at FROM customers WHERE email = %s",
        (email.strip().lower(),),
    )
    if row is None or row["disabled_at"] is not None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(row["password_hash"], password):
        return None
    return row


def start_session(customer: dict) -> None:
    session.clear()
    session["customer_id"] = customer["id"]
    session["is_staff"] = bool(customer["is_staff"])
    session.permanent = True


def issue_api_token(customer_id: int, label: str) -> str:
    """Create a token for a wholesale customer's integration; only its digest is stored."""
    token = "hk_" + secrets.token_urlsafe(32)  # ok: SEC010
    digest = hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009
    with transaction() as conn:
        conn.execute(
            "INSERT INTO api_tokens (customer_id, label, token_sha256) VALUES (%s, %s, %s)",
            (customer_id, label, digest),
        )
    log.info("issued api token %r for customer %s", label, customer_id)
    return token


def _customer_from_token(header: str) -> dict | None:
    if not header.startswith("Bearer hk_"):
        return None
    digest = hashlib.sha256(header.removeprefix("Bearer ").encode()).hexdigest()
    return fetch_one(
        "SELECT c.id, c.is_staff FROM api_tokens t JOIN customers c ON c.id = t.customer_id "
        "WHERE t.token_sha256 = %s AND t.revoked_at IS NULL AND c.disabled_at IS NULL",
        (digest,),
    )


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        customer_id = session.get("customer_id")
        is_staff = session.get("is_staff", False)
        if customer_id is None:
            row = _customer_from_token(request.headers.get("Authorization", ""))
            if row is None:
                abort(401, description="Sign in to continue.")
            customer_id, is_staff = row["id"], row["is_staff"]
        g.customer_id = customer_id
        g.is_staff = bool(is_staff)
        return view(*args, **kwargs)

    return wrapper


def staff_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not g.is_staff:
            abort(403, description="Staff only.")
        return view(*args, **kwargs)

    return wrapper


def supplier_signature_ok(body: bytes, signature: str) -> bool:
    """Check the supplier's HMAC-SHA256 of the raw request body."""
    expected = hmac.new(config.SUPPLIER_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.removeprefix("sha256="))
