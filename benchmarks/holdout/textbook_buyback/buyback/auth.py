import hashlib
import hmac
import logging
import random
import string
from datetime import datetime, timedelta, timezone

from celery import shared_task
from flask import Blueprint, jsonify, request
from flask_login import login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from buyback.models import Student, db

bp = Blueprint("auth", __name__, url_prefix="/auth")
log = logging.getLogger(__name__)

RESET_TTL = timedelta(minutes=20)


def _hash_password(password: str) -> str:
    return hashlib.sha256(password.encode("utf-8")).hexdigest()  # expect: SEC009


def _reset_code() -> str:
    return "".join(random.choices(string.digits, k=6))  # expect: SEC010


@bp.post("/signup")
def signup():
    data = request.get_json(silent=True) or {}
    email = (data.get("email") or "").strip().lower()
    password = data.get("password") or ""
    if "@" not in email or len(password) < 10:
        return jsonify(error="a valid email and a password of 10+ characters are required"), 400

    student = Student(email=email, password_hash=_hash_password(password), campus=data.get("campus"))
    db.session.add(student)
    try:
        db.session.commit()
    except IntegrityError:  # ok: DB005
        db.session.rollback()
        return jsonify(error="email already registered"), 409
    login_user(student)
    log.info("student %s signed up", student.id)
    return jsonify(id=student.id, email=student.email), 201


@bp.post("/login")
def login():
    data = request.get_json(silent=True) or {}
    email = (data.get("email") or "").strip().lower()
    student = Student.query.filter_by(email=email).first()
    if student is None or not hmac.compare_digest(
        student.password_hash, _hash_password(data.get("password") or "")
    ):
        log.info("failed login for student email domain %s", email.rpartition("@")[2])
        return jsonify(error="invalid credentials"), 401
    login_user(student, remember=bool(data.get("remember")))
    return jsonify(id=student.id, email=student.email)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return jsonify(status="logged out")


@bp.post("/password-reset")
def request_reset():
    email = ((request.get_json(silent=True) or {}).get("email") or "").strip().lower()
    student = Student.query.filter_by(email=email).first()
    if student is not None:
        student.reset_code = _reset_code()
        student.reset_expires_at = datetime.now(timezone.utc) + RESET_TTL
        db.session.commit()
        send_reset_email.delay(student.id)
    # Same answer whether or not the address exists.
    return jsonify(status="if the address is registered, a code is on its way"), 202


@bp.post("/password-reset/confirm")
def confirm_reset():
    data = request.get_json(silent=True) or {}
    student = Student.query.filter_by(email=(data.get("email") or "").strip().lower()).first()
    now = datetime.now(timezone.utc)
    if (
        student is None
        or not student.reset_code
        or student.reset_expires_at is None
        or student.reset_expires_at < now
        or not hmac.compare_digest(student.reset_code, str(data.get("code", "")))
    ):
        return jsonify(error="invalid or expired code"), 400
    if len(data.get("password") or "") < 10:
        return jsonify(error="password must be at least 10 characters"), 400
    student.password_hash = _hash_password(data["password"])
    student.reset_code = None
    student.reset_expires_at = None
    db.session.commit()
    return jsonify(status="password updated")


@shared_task(ignore_result=True)
def send_reset_email(student_id: int) -> None:
    from buyback.mailer import send_template

    student = db.session.get(Student, student_id)
    if student is None or not student.reset_code:
        return
    send_template(student.email, "password_reset", {"code": student.reset_code})
