"""Customer accounts for the order portal: login, logout and password reset."""

import hashlib
import hmac
import logging
import random
import string
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import UserMixin, login_required, login_user, logout_user
from redis import Redis
from rq import Queue

from foundry.db import connection

bp = Blueprint("auth", __name__, url_prefix="/auth")
logger = logging.getLogger(__name__)

LOGIN_WINDOW_SECONDS = 900
MAX_LOGIN_FAILURES = 8
RESET_CODE_TTL = timedelta(minutes=30)


class Customer(UserMixin):
    """A parish, cathedral chapter or carillon society placing bell orders."""

    def __init__(self, row: dict):
        self.id = row["id"]
        self.email = row["email"]
        self.display_name = row["display_name"]
        self.is_staff = row["is_staff"]
        self.payment_ref = row.get("payment_ref")


def load_customer(user_id: str) -> Customer | None:
    with connection() as conn:
        row = conn.execute(
            "SELECT id, email, display_name, is_staff, payment_ref FROM customers WHERE id = %s",
            (int(user_id),),
        ).fetchone()
    return Customer(row) if row else None


def _hash_password(password: str, salt: str) -> str:
    return hashlib.sha256((salt + password).encode("utf-8")).hexdigest()  # expect: SEC009


@lru_cache(maxsize=4)
def _redis_for(url: str) -> Redis:
    return Redis.from_url(url, socket_timeout=2)


def _redis() -> Redis:
    return _redis_for(current_app.config["REDIS_URL"])


def _too_many_failures(email: str) -> bool:
    return int(_redis().get(f"login-fail:{email}") or 0) >= MAX_LOGIN_FAILURES


def _record_failure(email: str) -> None:
    pipe = _redis().pipeline()
    pipe.incr(f"login-fail:{email}")  # ok: SCL001
    pipe.expire(f"login-fail:{email}", LOGIN_WINDOW_SECONDS)
    pipe.execute()


@bp.post("/login")
def login():
    data = request.get_json(silent=True) or {}
    email = str(data.get("email", "")).strip().lower()
    password = str(data.get("password", ""))
    if not email or not password:
        abort(400, description="email and password are required")
    if _too_many_failures(email):
        abort(429, description="too many failed attempts, try again later")

    with connection() as conn:
        row = conn.execute(
            "SELECT id, email, display_name, is_staff, payment_ref, password_hash, password_salt "
            "FROM customers WHERE email = %s",
            (email,),
        ).fetchone()
    if row is None or not hmac.compare_digest(
        _hash_password(password, row["password_salt"]), row["password_hash"]
    ):
        _record_failure(email)
        abort(401, description="invalid email or password")

    login_user(Customer(row), remember=bool(data.get("remember")))
    logger.info("customer logged in", extra={"customer_id": row["id"]})
    return jsonify({"id": row["id"], "display_name": row["display_name"]})


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return jsonify({"status": "logged_out"})


@bp.post("/password-reset")
def request_password_reset():
    email = str((request.get_json(silent=True) or {}).get("email", "")).strip().lower()
    code = "".join(random.choices(string.ascii_uppercase + string.digits, k=8))  # expect: SEC010
    expires = datetime.now(timezone.utc) + RESET_CODE_TTL
    with connection() as conn:
        updated = conn.execute(
            "UPDATE customers SET reset_code = %s, reset_expires_at = %s WHERE email = %s",
            (code, expires, email),
        ).rowcount
    if updated:
        Queue("mail", connection=_redis()).enqueue(
            "foundry.jobs.reminders.send_password_reset", email, code, job_timeout=60
        )
    return jsonify({"status": "if the address is registered, a code is on its way"}), 202
