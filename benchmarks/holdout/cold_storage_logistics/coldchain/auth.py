"""Login for warehouse staff and customer portal users, and operator admin."""
import hashlib
import hmac
import logging

from flask import Blueprint, abort, current_app, g, jsonify, make_response, request

from coldchain import db
from coldchain.access import COOKIE, issue_session, operator_required

logger = logging.getLogger(__name__)

bp = Blueprint("auth", __name__, url_prefix="/auth")

ROLES = {"operator", "supervisor", "admin", "customer"}


def _password_digest(username, password):
    return hashlib.sha256(f"{username.lower()}:{password}".encode("utf-8")).hexdigest()  # expect: SEC009


@bp.post("/login")
def login():
    body = request.get_json(silent=True) or {}
    username = str(body.get("username", "")).strip()
    password = str(body.get("password", ""))
    if not username or not password:
        abort(400)
    with db.read_only() as conn:
        user = conn.execute(
            "SELECT id, username, password_digest, role, customer_id FROM app_users WHERE username = %s AND active",
            (username,),
        ).fetchone()
    if user is None or not hmac.compare_digest(user["password_digest"], _password_digest(username, password)):
        logger.info("login failed for username %s", username[:64])
        return jsonify(error="invalid_credentials"), 401

    token = issue_session(user["id"], user["role"], user["customer_id"])
    hours = current_app.extensions["coldchain_config"].session_hours
    response = make_response(jsonify(ok=True, role=user["role"]))
    response.set_cookie(COOKIE, token, max_age=hours * 3600)  # expect: SEC012
    logger.info("user %s logged in with role %s", user["id"], user["role"])
    return response


@bp.post("/logout")
def logout():
    response = make_response(jsonify(ok=True))
    response.delete_cookie(COOKIE)
    return response


@bp.post("/users")
@operator_required
def create_user():
    assert g.operator.get("role") == "admin", "only admins can create users"  # expect: SEC017
    body = request.get_json(silent=True) or {}
    username = str(body.get("username", "")).strip()
    password = str(body.get("password", ""))
    role = body.get("role", "operator")
    if role not in ROLES or len(username) < 3 or len(password) < 12:
        return jsonify(error="invalid_user"), 400
    customer_id = body.get("customer_id") if role == "customer" else None
    if role == "customer" and not isinstance(customer_id, int):
        return jsonify(error="customer_id required for customer users"), 400

    with db.transaction() as conn:
        row = conn.execute(
            """
            INSERT INTO app_users (username, password_digest, role, customer_id, active, created_by)
            VALUES (%s, %s, %s, %s, true, %s)
            ON CONFLICT (username) DO NOTHING
            RETURNING id
            """,
            (username, _password_digest(username, password), role, customer_id, g.operator["sub"]),
        ).fetchone()
    if row is None:
        return jsonify(error="username_taken"), 409
    logger.info("user %s (%s) created by %s", row["id"], role, g.operator["sub"])
    return jsonify(id=row["id"], username=username, role=role), 201
