"""Login / logout for archive users (lawyers, paralegals, records staff)."""
import logging
import time

from flask import Blueprint, current_app, jsonify, request
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from archive import login_manager
from archive.db import get_conn, record_audit

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)

INVITE_MAX_AGE = 3 * 24 * 3600
MIN_PASSWORD_LENGTH = 12

# Hash of a random string, used so unknown e-mails take as long to reject as wrong passwords.
_DUMMY_HASH = "scrypt:32768:8:1$k3Qx9Z0pW1bYtN2m$1b1f0c5e0d6a4b3c2e8f7a9d0c1b2a3e4f5d6c7b8a9e0f1d2c3b4a5e6f7d8c9b0a1f2e3d4c5b6a7e8f9d0c1b2a3e4f5d6c7b8a9e0f1d2c3b4a5e6f7d8c9b0a1"


class User(UserMixin):
    def __init__(self, row: dict):
        self.id = row["id"]
        self.email = row["email"]
        self.full_name = row["full_name"]
        self.is_admin = row["is_admin"]
        self.active = row["active"]

    @property
    def is_active(self) -> bool:
        return self.active


@login_manager.user_loader
def load_user(user_id: str):
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT id, email, full_name, is_admin, active FROM users WHERE id = %s", (int(user_id),)
        )
        row = cur.fetchone()
    return User(row) if row else None


@bp.post("/login")
def login():
    payload = request.get_json(silent=True) or request.form
    email = (payload.get("email") or "").strip().lower()
    password = payload.get("password") or ""
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT id, email, full_name, is_admin, active, password_hash FROM users WHERE email = %s",
            (email,),
        )
        row = cur.fetchone()
        stored = row["password_hash"] if row else _DUMMY_HASH
        if not check_password_hash(stored, password) or not row or not row["active"]:  # ok: SEC009
            logger.warning("failed login for user_id=%s", row["id"] if row else None)
            time.sleep(0.2)
            return jsonify(error="invalid_credentials"), 401
        login_user(User(row), remember=bool(payload.get("remember")))
        record_audit(cur, row["id"], "login", "user", row["id"], ip=request.remote_addr)
        conn.commit()
    return jsonify(user={"id": row["id"], "name": row["full_name"]})


@bp.post("/logout")
@login_required
def logout():
    user_id = current_user.id
    logout_user()
    with get_conn() as conn, conn.cursor() as cur:
        record_audit(cur, user_id, "logout", "user", user_id)
        conn.commit()
    return jsonify(status="logged_out")


def _invite_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="archive-invite")


def make_invite_token(user_id: int) -> str:
    return _invite_serializer().dumps({"uid": user_id})


@bp.post("/invite/accept")
def accept_invite():
    payload = request.get_json(silent=True) or {}
    password = payload.get("password") or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return jsonify(error="password too short"), 400
    try:
        data = _invite_serializer().loads(payload.get("token", ""), max_age=INVITE_MAX_AGE)
    except SignatureExpired:
        return jsonify(error="invite expired"), 410
    except BadSignature:
        return jsonify(error="invalid invite"), 400
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "UPDATE users SET password_hash = %s, active = true, invited = false "
            "WHERE id = %s AND invited RETURNING id",
            (generate_password_hash(password), data["uid"]),  # ok: SEC009
        )
        if cur.fetchone() is None:
            return jsonify(error="invite already used"), 409
        record_audit(cur, data["uid"], "accept_invite", "user", data["uid"])
        conn.commit()
    return jsonify(status="activated")
