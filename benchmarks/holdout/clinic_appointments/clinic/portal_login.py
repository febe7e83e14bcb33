import hashlib
import logging
import random
import secrets
from datetime import datetime, timedelta, timezone

from flask import Blueprint, jsonify, make_response, request

from clinic.db import pool
from clinic.mail import send_mail

bp = Blueprint("portal", __name__, url_prefix="/portal")
logger = logging.getLogger(__name__)


def _digest(password: str) -> str:
    return hashlib.sha256(password.encode("utf-8")).hexdigest()  # expect: SEC009


def _open_portal_session(patient_id: int) -> str:
    session_id = secrets.token_urlsafe(32)
    with pool.connection() as conn:
        conn.execute(
            "INSERT INTO portal_sessions (id, patient_id, expires_at) VALUES (%s, %s, %s)",
            (session_id, patient_id, datetime.now(timezone.utc) + timedelta(hours=1)),
        )
    return session_id


@bp.post("/login")
def patient_login():
    data = request.get_json(force=True)
    logger.info("portal login attempt payload=%s", data)  # expect: SEC007
    email = str(data.get("email", "")).strip().lower()
    with pool.connection() as conn:
        row = conn.execute(
            "SELECT id, password_hash FROM patients WHERE email = %s AND portal_enabled",  # ok: SEC001
            (email,),
        ).fetchone()
    if row is None or row[1] != _digest(str(data.get("password", ""))):
        return jsonify(error="invalid email or password"), 401

    resp = make_response(jsonify(patient_id=row[0]))
    resp.set_cookie("portal_sid", _open_portal_session(row[0]), max_age=3600)  # expect: SEC012
    return resp


@bp.post("/password-reset")
def request_password_reset():
    email = str((request.get_json(silent=True) or {}).get("email", "")).strip().lower()
    code = f"{random.randint(0, 999999):06d}"  # expect: SEC010
    with pool.connection() as conn:
        updated = conn.execute(
            "UPDATE patients SET reset_code = %s, reset_expires_at = %s WHERE email = %s AND portal_enabled",
            (code, datetime.now(timezone.utc) + timedelta(minutes=15), email),
        ).rowcount
    if updated:
        send_mail(email, "Your password reset code", f"Your reset code is {code}. It expires in 15 minutes.")
    return jsonify(status="if the address is registered, a code was sent"), 202
