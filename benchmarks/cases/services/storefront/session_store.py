"""Customer login sessions for the storefront: sign-in, sign-out and the current-customer lookup."""
import logging
import random
import string
import time

from flask import Blueprint, g, jsonify, request
from werkzeug.security import check_password_hash

from .models import Customer

logger = logging.getLogger(__name__)

sessions_bp = Blueprint("sessions", __name__)

SESSION_TTL_SECONDS = 60 * 60 * 24 * 14
_TOKEN_ALPHABET = string.ascii_letters + string.digits

_sessions: dict[str, dict] = {}  # expect: SCL001


def _new_token(length=40):
    return "".join(random.choice(_TOKEN_ALPHABET) for _ in range(length))  # expect: SEC010


def current_customer():
    token = request.cookies.get("sf_session")
    entry = _sessions.get(token) if token else None
    if entry is None or entry["expires_at"] < time.time():
        return None
    return Customer.query.get(entry["customer_id"])


@sessions_bp.route("/login", methods=["POST"])
def login():
    payload = request.get_json(silent=True) or {}
    email = payload.get("email", "").strip().lower()
    customer = Customer.query.filter_by(email=email).first()
    if customer is None or not check_password_hash(customer.password_hash, payload.get("password", "")):
        return jsonify({"error": "invalid_credentials"}), 401

    token = _new_token()
    _sessions[token] = {  # expect: CON002
        "customer_id": customer.id,
        "expires_at": time.time() + SESSION_TTL_SECONDS,
    }
    logger.info("customer %s signed in", customer.id)
    response = jsonify({"customer_id": customer.id, "name": customer.display_name})
    response.set_cookie("sf_session", token, max_age=SESSION_TTL_SECONDS)  # expect: SEC012
    return response


@sessions_bp.route("/logout", methods=["POST"])
def logout():
    token = request.cookies.get("sf_session")
    if token:
        _sessions.pop(token, None)  # expect: CON002
    response = jsonify({"ok": True})
    response.delete_cookie("sf_session")
    return response


@sessions_bp.before_app_request
def load_customer():
    g.customer = current_customer()
