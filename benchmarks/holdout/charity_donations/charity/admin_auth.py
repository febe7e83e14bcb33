import logging
from datetime import datetime, timedelta, timezone
from functools import wraps

from flask import Blueprint, abort, g, jsonify, request, session
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from .models import StaffUser

logger = logging.getLogger(__name__)
bp = Blueprint("admin_auth", __name__, url_prefix="/admin/auth")

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


def hash_password(raw):
    return generate_password_hash(raw, method="scrypt")  # ok: SEC009


def current_staff():
    staff_id = session.get("staff_id")
    if staff_id is None:
        return None
    if "staff" not in g:
        g.staff = g.db.get(StaffUser, staff_id)
    return g.staff


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_staff() is None:
            abort(401)
        return view(*args, **kwargs)

    return wrapper


def finance_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        staff = current_staff()
        if staff is None:
            abort(401)
        if not staff.is_finance:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.post("/login")
def login():
    body = request.get_json(silent=True) or {}
    email = str(body.get("email", "")).strip().lower()
    staff = g.db.scalar(select(StaffUser).where(StaffUser.email == email))
    now = datetime.now(timezone.utc)
    if staff is None:
        return jsonify({"error": {"code": "invalid_credentials", "message": "Invalid email or password"}}), 401
    if staff.locked_until and staff.locked_until > now:
        return jsonify({"error": {"code": "locked", "message": "Too many attempts, try later"}}), 429
    if not check_password_hash(staff.password_hash, str(body.get("password", ""))):
        g.db.execute(
            update(StaffUser)
            .where(StaffUser.id == staff.id)
            .values(failed_logins=StaffUser.failed_logins + 1)  # ok: DB004
        )
        g.db.execute(
            update(StaffUser)
            .where(StaffUser.id == staff.id, StaffUser.failed_logins >= MAX_FAILED_LOGINS)
            .values(locked_until=now + LOCKOUT, failed_logins=0)
        )
        g.db.commit()
        logger.warning("failed staff login staff_id=%s", staff.id)
        return jsonify({"error": {"code": "invalid_credentials", "message": "Invalid email or password"}}), 401

    g.db.execute(update(StaffUser).where(StaffUser.id == staff.id).values(failed_logins=0, locked_until=None))
    g.db.commit()
    session.clear()
    session["staff_id"] = staff.id
    session.permanent = True
    logger.info("staff login staff_id=%s", staff.id)
    return jsonify({"data": {"id": staff.id, "email": staff.email, "finance": staff.is_finance}})


@bp.post("/logout")
def logout():
    session.clear()
    return jsonify({"data": {"logged_out": True}})
