"""Admin endpoints for creating and listing front-desk staff accounts."""
import logging

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from .models import StaffAccount, db

log = logging.getLogger(__name__)
bp = Blueprint("staff", __name__, url_prefix="/admin/staff")

ROLES = ("front_desk", "trainer", "manager")
PAGE_SIZE = 50


@bp.post("")
@login_required
def create_staff_account():
    if current_user.role != "manager":
        abort(403)
    payload = request.get_json(force=True)
    email = payload.get("email", "").strip().lower()
    role = payload.get("role", "front_desk")
    password = payload.get("password", "")
    if not email or role not in ROLES or len(password) < 12:
        return jsonify(error="email, a valid role and a 12+ character password are required"), 400

    account = StaffAccount(
        email=email,
        full_name=payload.get("full_name", "").strip(),
        role=role,
        password_hash=generate_password_hash(password),  # ok: SEC009
    )
    db.session.add(account)
    try:
        db.session.commit()
    except IntegrityError:  # ok: ERR001
        db.session.rollback()
        return jsonify(error="a staff account with this email already exists"), 409
    log.info("staff account %s created by %s", account.id, current_user.id)
    return jsonify(id=account.id, email=account.email, role=account.role), 201


@bp.get("")
@login_required
def list_staff_accounts():
    if current_user.role != "manager":
        abort(403)
    page = request.args.get("page", 1, type=int)
    accounts = (
        StaffAccount.query.order_by(StaffAccount.id)
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
        .all()  # ok: DB002
    )
    return jsonify(
        page=page,
        accounts=[{"id": a.id, "email": a.email, "role": a.role} for a in accounts],
    )
