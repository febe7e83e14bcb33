import logging
import random
import secrets
from datetime import datetime, timezone

import stripe
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required, login_user
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from models import Member, db

log = logging.getLogger(__name__)
bp = Blueprint("accounts", __name__, url_prefix="/account")

AVATAR_COLOURS = ["#b5651d", "#6b8e23", "#4682b4", "#cd853f", "#8b4513", "#708090"]


def member_json(member):
    return {"id": member.id, "email": member.email, "name": member.display_name,
            "verified": member.email_verified_at is not None, "colour": member.avatar_colour}


@bp.post("/signup")
def signup():
    payload = request.get_json(silent=True) or {}
    email = str(payload.get("email", "")).strip().lower()
    name = str(payload.get("name", "")).strip()[:120]
    password = str(payload.get("password", ""))
    if "@" not in email or not name or len(password) < 10:
        return jsonify(error="name, a valid email and a 10+ character password are required"), 400

    member = Member(
        email=email,
        display_name=name,
        password_hash=generate_password_hash(password),  # ok: SEC009
        verify_token=secrets.token_urlsafe(32),  # ok: SEC010
        avatar_colour=random.choice(AVATAR_COLOURS),  # ok: SEC010
    )
    db.session.add(member)
    try:
        db.session.commit()  # ok: DB005
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="an account with that email already exists"), 409

    try:
        customer = stripe.Customer.create(
            email=email, name=name, metadata={"member_id": member.id},
            idempotency_key=f"customer-member-{member.id}",
        )
        member.stripe_customer_id = customer.id
        db.session.commit()
    except stripe.error.StripeError:
        # checkout works without a saved customer; the nightly sync backfills it
        log.exception("stripe customer creation failed for member %s", member.id)  # ok: ERR002
    login_user(member)
    log.info("member %s signed up", member.id)
    return jsonify(member_json(member)), 201


@bp.get("/verify/<token>")
def verify_email(token):
    member = Member.query.filter_by(verify_token=token).first()
    if member is None or not secrets.compare_digest(member.verify_token, token):
        return jsonify(error="unknown or used verification link"), 404
    member.email_verified_at = datetime.now(timezone.utc)
    member.verify_token = None
    db.session.commit()
    return jsonify(member_json(member))


@bp.patch("/me")
@login_required
def update_profile():
    payload = request.get_json(silent=True) or {}
    if "name" in payload:
        current_user.display_name = str(payload["name"]).strip()[:120] or current_user.display_name
    if payload.get("colour") in AVATAR_COLOURS:
        current_user.avatar_colour = payload["colour"]
    db.session.commit()
    return jsonify(member_json(current_user))


@bp.post("/me/password")
@login_required
def change_password():
    payload = request.get_json(silent=True) or {}
    if not check_password_hash(current_user.password_hash, payload.get("current", "")):
        return jsonify(error="current password is wrong"), 403
    new_password = payload.get("new", "")
    if len(new_password) < 10:
        return jsonify(error="password must be at least 10 characters"), 400
    current_user.password_hash = generate_password_hash(new_password)
    db.session.commit()
    log.info("member %s changed password", current_user.id)
    return jsonify(status="password updated")
