"""Password reset by e-mailed link. Tokens are single-use and stored hashed."""
import hashlib
import logging
import secrets
from datetime import datetime, timedelta, timezone

import requests
from flask import Blueprint, current_app, jsonify, request, url_for

from marina.accounts.auth import hash_password
from marina.models import Owner, PasswordReset, db

log = logging.getLogger(__name__)
bp = Blueprint("password_reset", __name__, url_prefix="/api/auth/reset")

TOKEN_TTL = timedelta(minutes=30)


def _digest(token):
    return hashlib.sha256(token.encode("ascii")).hexdigest()  # ok: SEC009


@bp.post("")
def start_reset():
    email = ((request.get_json(silent=True) or {}).get("email") or "").strip().lower()
    owner = Owner.query.filter_by(email=email).first()
    if owner is not None:
        token = secrets.token_urlsafe(32)  # ok: SEC010
        db.session.add(PasswordReset(owner_id=owner.id, token_hash=_digest(token),
                                     expires_at=datetime.now(timezone.utc) + TOKEN_TTL))
        db.session.commit()
        link = url_for("password_reset.reset_form", token=token, _external=True)
        try:
            resp = requests.post(
                current_app.config["MAIL_API_URL"],
                json={"to": owner.email, "template": "password-reset", "vars": {"link": link}},
                timeout=current_app.config["HTTP_TIMEOUT_SECONDS"],
            )
            resp.raise_for_status()
        except requests.RequestException:
            log.exception("reset mail for owner %s failed", owner.id)
            return jsonify(error="mail_unavailable", detail="try again in a few minutes"), 503
        log.info("reset link sent owner=%s", owner.id)  # ok: SEC007
    return jsonify(status="if the address is registered, a link is on its way"), 202


@bp.get("/<token>")
def reset_form(token):
    row = PasswordReset.query.filter_by(token_hash=_digest(token), used_at=None).first()
    valid = row is not None and row.expires_at > datetime.now(timezone.utc)
    return jsonify(valid=valid)


@bp.post("/<token>")
def complete_reset(token):
    new_password = (request.get_json(silent=True) or {}).get("password") or ""
    if len(new_password) < 10:
        return jsonify(error="weak_password", detail="10+ characters required"), 400
    now = datetime.now(timezone.utc)
    row = PasswordReset.query.filter_by(token_hash=_digest(token)).first()
    if row is None:
        return jsonify(error="invalid_token"), 400
    claimed = (
        PasswordReset.query.filter(
            PasswordReset.id == row.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        ).update({"used_at": now}, synchronize_session=False)  # ok: DB005
    )
    if claimed == 0:
        db.session.rollback()
        return jsonify(error="invalid_token"), 400
    owner = db.session.get(Owner, row.owner_id)
    owner.password_hash = hash_password(new_password)
    db.session.commit()
    log.info("password reset completed owner=%s", owner.id)
    return jsonify(status="password_updated")
