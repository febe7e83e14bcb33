"""Token login for operators, dispatchers and shop customers."""
import hashlib
import logging
import random
import string
import time
from functools import wraps

from flask import Blueprint, abort, current_app, g, jsonify, request

from drones.models import Account, db

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")

TOKEN_ALPHABET = string.ascii_letters + string.digits

_tokens: dict[str, tuple[int, float]] = {}  # expect: SCL001, RES002


def hash_password(password: str, salt: str) -> str:
    return hashlib.md5((salt + password).encode()).hexdigest()  # expect: SEC009


def _new_token() -> str:
    return "".join(random.choices(TOKEN_ALPHABET, k=40))  # expect: SEC010


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    return header.removeprefix("Bearer ").strip()


@bp.post("/login")
def login():
    data = request.get_json(silent=True) or {}
    username = str(data.get("username", "")).strip()
    password = str(data.get("password", ""))
    account = Account.query.filter_by(username=username, active=True).first()
    if account is None or hash_password(password, account.salt) != account.password_hash:
        logger.warning("failed login for %r with password %r", username, password)  # expect: SEC007
        return jsonify({"success": False, "message": "invalid credentials"})  # todo-expect: MNT001
    token = _new_token()
    _tokens[token] = (account.id, time.time() + current_app.config["TOKEN_TTL_SECONDS"])
    logger.info("account %s logged in as %s", account.id, account.role)
    return jsonify({"token": token, "role": account.role, "expires_in": current_app.config["TOKEN_TTL_SECONDS"]})


@bp.post("/logout")
def logout():
    _tokens.pop(_bearer_token(), None)
    return "", 204


def current_account() -> Account | None:
    entry = _tokens.get(_bearer_token())
    if entry is None:
        return None
    account_id, expires_at = entry
    if expires_at < time.time():
        return None
    return db.session.get(Account, account_id)


def require_role(*roles: str):
    """Allow the request only for an active account holding one of `roles`."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            account = current_account()
            if account is None or not account.active:
                abort(401)
            if account.role not in roles:
                abort(403)
            g.account = account
            return view(*args, **kwargs)

        return wrapper

    return decorator


@bp.get("/me")
@require_role("customer", "operator", "dispatcher")
def me():
    return jsonify({"id": g.account.id, "username": g.account.username, "role": g.account.role})
