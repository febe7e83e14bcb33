"""Staff sign-in for the counter tablet and password resets."""
from __future__ import annotations

import hashlib
import logging
import random
import string
from datetime import datetime, timedelta, timezone

from flask import Blueprint, current_app, jsonify, request
from werkzeug.security import check_password_hash, generate_password_hash

from shack.auth import STAFF_COOKIE, STAFF_TOKEN_TTL, issue_staff_token
from shack.db import get_db
from shack.mailer import Mailer

logger = logging.getLogger(__name__)

bp = Blueprint("staff", __name__, url_prefix="/staff")

RESET_CODE_TTL = timedelta(minutes=15)
MAX_RESET_ATTEMPTS = 5


@bp.post("/login")
def login():
    body = request.get_json(silent=True) or {}
    email = str(body.get("email", "")).strip().lower()
    staff = get_db().staff.find_one({"email": email, "active": True})
    if staff is None or not check_password_hash(staff["password_hash"], str(body.get("password", ""))):
        logger.info("failed staff login for %s", email)
        return jsonify(error="email or password is wrong"), 401
    token = issue_staff_token(str(staff["_id"]), staff["role"])
    response = jsonify(name=staff["name"], role=staff["role"])
    response.set_cookie(STAFF_COOKIE, token, max_age=int(STAFF_TOKEN_TTL.total_seconds()), samesite="Lax")  # expect: SEC012
    logger.info("staff %s signed in", staff["_id"])
    return response


@bp.post("/logout")
def logout():
    response = jsonify(status="signed out")
    response.delete_cookie(STAFF_COOKIE)
    return response


@bp.post("/password-reset")
def request_reset():
    email = str((request.get_json(silent=True) or {}).get("email", "")).strip().lower()
    db = get_db()
    staff = db.staff.find_one({"email": email, "active": True}, {"_id": 1, "name": 1})
    if staff is not None:
        code = "".join(random.choices(string.digits, k=6))  # expect: SEC010
        db.staff.update_one(
            {"_id": staff["_id"]},
            {"$set": {
                "reset_code_hash": hashlib.sha256(code.encode()).hexdigest(),  # ok: SEC009
                "reset_expires": datetime.now(timezone.utc) + RESET_CODE_TTL,
                "reset_attempts": 0,
            }},
        )
        Mailer.from_config(current_app.config["SHACK"]).send_text(
            email, "Your Board Shack reset code", f"Hi {staff['name']}, your reset code is {code}. It expires in 15 minutes."
        )
    return jsonify(status="if that address belongs to staff, a code is on its way"), 202


@bp.post("/password-reset/confirm")
def confirm_reset():
    body = request.get_json(silent=True) or {}
    email = str(body.get("email", "")).strip().lower()
    code = str(body.get("code", ""))
    new_password = str(body.get("new_password", ""))
    if len(new_password) < 12:
        return jsonify(error="passwords need at least 12 characters"), 400
    db = get_db()
    staff = db.staff.find_one_and_update(
        {"email": email, "reset_expires": {"$gt": datetime.now(timezone.utc)}, "reset_attempts": {"$lt": MAX_RESET_ATTEMPTS}},
        {"$inc": {"reset_attempts": 1}},
    )
    if staff is None or staff.get("reset_code_hash") != hashlib.sha256(code.encode()).hexdigest():
        return jsonify(error="code is wrong or has expired"), 400
    db.staff.update_one(
        {"_id": staff["_id"]},
        {"$set": {"password_hash": generate_password_hash(new_password)},
         "$unset": {"reset_code_hash": "", "reset_expires": "", "reset_attempts": ""}},
    )
    logger.info("staff %s reset their password", staff["_id"])
    return jsonify(status="password updated")
