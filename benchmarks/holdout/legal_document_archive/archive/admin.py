"""Records-management admin: audit trail, integration keys, user resets."""
import hashlib
import logging
import secrets

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from werkzeug.security import generate_password_hash

from archive.db import get_conn, record_audit

logger = logging.getLogger(__name__)
bp = Blueprint("admin", __name__)

AUDIT_TARGETS = {"document", "version", "share_link", "user", "matter", "api_key"}


def _require_admin() -> None:
    if not current_user.is_authenticated or not current_user.is_admin:  # ok: SEC017
        abort(403)


@bp.get("/audit")
@login_required
def audit_trail():
    _require_admin()
    target_type = request.args.get("target_type", "document")
    if target_type not in AUDIT_TARGETS:
        return jsonify(error="unknown target_type"), 400
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            """
            SELECT e.id, e.action, e.target_id, e.details, e.created_at, u.email AS actor
            FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE e.target_type = %s
            ORDER BY e.created_at DESC
            """,
            (target_type,),
        )
        events = cur.fetchall()  # expect: DB002
    return jsonify(events=events)


@bp.post("/api-keys")
@login_required
def create_api_key():
    assert current_user.is_admin, "only records admins may create integration keys"  # expect: SEC017
    name = (request.json or {}).get("name", "").strip()
    if not name:
        return jsonify(error="name is required"), 400
    raw_key = "ak_" + secrets.token_urlsafe(32)  # ok: SEC010
    key_hash = hashlib.sha256(raw_key.encode()).hexdigest()  # ok: SEC009
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO api_keys (name, key_hash, created_by) VALUES (%s, %s, %s) RETURNING id",
            (name, key_hash, current_user.id),
        )
        key_id = cur.fetchone()["id"]
        record_audit(cur, current_user.id, "create", "api_key", key_id, name=name)
        conn.commit()
    logger.info("integration key %s (%s) created by user %s", key_id, name, current_user.id)
    return jsonify(id=key_id, key=raw_key), 201


@bp.post("/users/<int:user_id>/reset-password")
@login_required
def reset_password(user_id: int):
    _require_admin()
    temporary = secrets.token_urlsafe(12)
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "UPDATE users SET password_hash = %s, must_change_password = true WHERE id = %s RETURNING email",
            (generate_password_hash(temporary), user_id),
        )
        row = cur.fetchone()
        if row is None:
            abort(404)
        record_audit(cur, current_user.id, "reset_password", "user", user_id)
        conn.commit()
    logger.info("password reset for user %s by admin %s", user_id, current_user.id)
    return jsonify(email=row["email"], temporary_password=temporary)
