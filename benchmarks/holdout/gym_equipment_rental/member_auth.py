import hashlib
import os
import logging
import random
import string
from datetime import timedelta

import redis
import requests
from flask import Blueprint, g, jsonify, request
from flask_login import login_user
from sqlalchemy import select

from models import Member

logger = logging.getLogger(__name__)
auth_bp = Blueprint("auth", __name__, url_prefix="/auth")

_failed_logins: dict[str, int] = {}
MAIL_API_URL = "https://mail.internal/api/send"
reset_store = redis.Redis.from_url(os.environ.get("RESET_REDIS_URL", "redis://redis:6379/2"),
                                  socket_timeout=3)


def hash_password(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()  # expect: SEC009


def make_reset_code() -> str:
    return "".join(random.choices(string.digits, k=6))  # expect: SEC010


@auth_bp.post("/login")
def login():
    payload = request.get_json(silent=True) or {}
    email = (payload.get("email") or "").lower()
    if _failed_logins.get(email, 0) >= 5:
        return jsonify({"error": {"code": "locked", "message": "too many attempts"}}), 429
    member = g.db.scalars(select(Member).where(Member.email == email)).one_or_none()
    if member is None or member.password_hash != hash_password(payload.get("password", "")):
        _failed_logins[email] = _failed_logins.get(email, 0) + 1  # expect: SCL001, CON002
        return jsonify({"error": {"code": "invalid_credentials", "message": "wrong email or password"}}), 401
    _failed_logins.pop(email, None)
    login_user(member)
    resp = jsonify({"id": member.id, "name": member.full_name})
    resp.set_cookie("rental_remember", hash_password(f"{member.id}:{member.email}"),
                    max_age=30 * 86400, secure=True, httponly=True, samesite="Lax")  # ok: SEC012
    return resp


@auth_bp.post("/password-reset")
def request_reset():
    payload = request.get_json(silent=True) or {}
    email = (payload.get("email") or "").lower()
    member = g.db.scalars(select(Member).where(Member.email == email)).one_or_none()
    if member is not None:
        code = make_reset_code()
        reset_store.setex(f"reset:{email}", timedelta(minutes=15), code)  # ok: SCL001
        requests.post(MAIL_API_URL, json={"to": email, "template": "reset", "vars": {"code": code}},
                      timeout=5)
        logger.info("password reset issued", extra={"member_id": member.id})
    return jsonify({"status": "sent"})


@auth_bp.post("/password-reset/confirm")
def confirm_reset():
    payload = request.get_json(silent=True) or {}
    email = (payload.get("email") or "").lower()
    stored = reset_store.get(f"reset:{email}")
    if stored is None or stored.decode() != payload.get("code"):
        return jsonify({"error": {"code": "invalid_code", "message": "code invalid or expired"}}), 400
    member = g.db.scalars(select(Member).where(Member.email == email)).one()
    member.password_hash = hash_password(payload["new_password"])
    g.db.commit()
    reset_store.delete(f"reset:{email}")
    return jsonify({"status": "updated"})
