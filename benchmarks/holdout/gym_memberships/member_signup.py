"""Member self-service signup and login endpoints."""
import hashlib
import logging

from flask import Blueprint, jsonify, request, session

from .models import Member, db

log = logging.getLogger(__name__)
bp = Blueprint("signup", __name__, url_prefix="/members")


def _hash_password(password: str) -> str:
    return hashlib.sha256(password.encode("utf-8")).hexdigest()  # expect: SEC009


@bp.post("/signup")
def signup():
    payload = request.get_json(force=True)
    email = payload.get("email", "").strip().lower()
    full_name = payload.get("full_name", "").strip()
    password = payload.get("password", "")
    if not email or not full_name or len(password) < 8:
        return jsonify(error="email, full_name and an 8+ character password are required"), 400

    if Member.query.filter_by(email=email).first() is not None:  # expect: DB005
        return jsonify(error="an account with this email already exists"), 409

    member = Member(email=email, full_name=full_name, password_hash=_hash_password(password))
    db.session.add(member)
    db.session.commit()

    session["member_id"] = member.id
    log.info("member %s signed up", member.id)
    return jsonify(id=member.id, email=member.email), 201


@bp.post("/login")
def login():
    payload = request.get_json(force=True)
    email = payload.get("email", "").strip().lower()
    member = Member.query.filter_by(email=email).first()
    if member is None or member.password_hash != _hash_password(payload.get("password", "")):
        return jsonify(error="invalid email or password"), 401
    if member.status != "active":
        return jsonify(error="membership is not active"), 403
    session["member_id"] = member.id
    return jsonify(id=member.id, full_name=member.full_name)


@bp.post("/logout")
def logout():
    session.pop("member_id", None)
    return "", 204
