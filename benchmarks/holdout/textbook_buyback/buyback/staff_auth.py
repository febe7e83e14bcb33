"""Warehouse staff authentication: browser sessions for graders, bearer
tokens for the handheld ISBN scanners."""
import functools
import hashlib
import hmac
import logging
import os
import secrets

from flask import Blueprint, abort, g, jsonify, request, session

from buyback.models import StaffUser, db

bp = Blueprint("staff_auth", __name__, url_prefix="/staff")
log = logging.getLogger(__name__)

PBKDF2_ITERATIONS = 600_000


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, PBKDF2_ITERATIONS)  # ok: SEC009
    return f"pbkdf2_sha256${PBKDF2_ITERATIONS}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _algo, iterations, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.pbkdf2_hmac(
        "sha256", password.encode("utf-8"), bytes.fromhex(salt_hex), int(iterations)
    )
    return hmac.compare_digest(candidate.hex(), digest_hex)


def _token_digest(token: str) -> str:
    # Scanner tokens are 256 random bits, so a plain digest is enough for lookup.
    return hashlib.sha256(token.encode("ascii")).hexdigest()  # ok: SEC009


def _staff_from_request() -> StaffUser | None:
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        digest = _token_digest(auth.removeprefix("Bearer ").strip())
        return StaffUser.query.filter_by(api_token_hash=digest, active=True).first()
    staff_id = session.get("staff_id")
    if staff_id is None:
        return None
    staff = db.session.get(StaffUser, staff_id)
    return staff if staff is not None and staff.active else None


def staff_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        staff = _staff_from_request()
        if staff is None:
            abort(401)
        g.staff = staff
        return view(*args, **kwargs)

    return wrapper


@bp.post("/login")
def staff_login():
    data = request.get_json(silent=True) or {}
    staff = StaffUser.query.filter_by(email=(data.get("email") or "").strip().lower()).first()
    if staff is None or not staff.active or not verify_password(data.get("password") or "", staff.password_hash):
        log.info("staff login rejected")
        return jsonify(error="invalid credentials"), 401
    session.clear()
    session["staff_id"] = staff.id
    log.info("staff %s logged in at %s", staff.id, staff.warehouse)
    return jsonify(id=staff.id, warehouse=staff.warehouse)


@bp.post("/scanner-token")
@staff_required
def issue_scanner_token():
    token = secrets.token_urlsafe(32)  # ok: SEC010
    g.staff.api_token_hash = _token_digest(token)
    db.session.commit()
    log.info("staff %s rotated scanner token", g.staff.id)
    # Shown once; only the digest is stored.
    return jsonify(token=token), 201
