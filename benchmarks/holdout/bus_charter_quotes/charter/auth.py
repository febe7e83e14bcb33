"""Staff login for the dispatch dashboard and API tokens for subcontracted operators."""
import functools
import hashlib
import hmac
import logging
import random
import string

from flask import Blueprint, abort, g, jsonify, request, session

from charter.db import db

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")

TOKEN_ALPHABET = string.ascii_letters + string.digits


def _hash_password(password: str) -> str:
    return hashlib.sha256(password.encode("utf-8")).hexdigest()  # expect: SEC009


def staff_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        staff_id = session.get("staff_id")
        if staff_id is None:
            abort(401)
        with db.cursor() as cur:
            cur.execute("SELECT id, email, role FROM staff WHERE id = %s AND active", (staff_id,))
            g.staff = cur.fetchone()
        if g.staff is None:
            session.clear()
            abort(401)
        return view(*args, **kwargs)

    return wrapper


def operator_required(view):
    """Subcontracted bus operators call the manifest API with a bearer token."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip()
        if not token:
            abort(401)
        digest = hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009
        with db.cursor() as cur:
            cur.execute("SELECT id, name FROM operators WHERE token_sha256 = %s AND active", (digest,))
            g.operator = cur.fetchone()
        if g.operator is None:
            abort(401)
        return view(*args, **kwargs)

    return wrapper


@bp.post("/login")
def login():
    body = request.get_json(silent=True) or {}
    email = str(body.get("email", "")).strip().lower()
    password = str(body.get("password", ""))
    with db.cursor() as cur:
        cur.execute("SELECT id, password_hash FROM staff WHERE email = %s AND active", (email,))
        row = cur.fetchone()
    if row is None or not hmac.compare_digest(row["password_hash"], _hash_password(password)):
        logger.info("staff login failed for %s", email)
        abort(401)
    session.clear()
    session["staff_id"] = row["id"]
    session.permanent = True
    return jsonify(staff_id=row["id"])


@bp.post("/logout")
def logout():
    session.clear()
    return jsonify(status="logged_out")


@bp.post("/operators/<int:operator_id>/token")
@staff_required
def rotate_operator_token(operator_id: int):
    if g.staff["role"] != "dispatcher_admin":
        abort(403)
    token = "".join(random.choices(TOKEN_ALPHABET, k=40))  # expect: SEC010
    with db.cursor() as cur:
        cur.execute(
            "UPDATE operators SET token_sha256 = %s, token_rotated_at = now() WHERE id = %s RETURNING id",
            (hashlib.sha256(token.encode()).hexdigest(), operator_id),
        )
        if cur.fetchone() is None:
            abort(404)
    logger.info("operator %s token rotated by staff %s", operator_id, g.staff["id"])
    return jsonify(operator_id=operator_id, token=token)
