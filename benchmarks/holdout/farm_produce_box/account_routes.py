"""Customer accounts: sign-up, sign-in, order history and delivery notes."""
import logging

from flask import Blueprint, abort, jsonify, request, session
from werkzeug.security import check_password_hash, generate_password_hash

from .db import get_db

logger = logging.getLogger(__name__)
bp = Blueprint("account", __name__, url_prefix="/account")

MIN_PASSWORD_LENGTH = 10
MAX_PAGE_SIZE = 50
MAX_NOTES_LENGTH = 500


@bp.post("/signup")
def signup():
    data = request.get_json(silent=True) or {}
    email = (data.get("email") or "").strip().lower()
    password = data.get("password") or ""
    first_name = (data.get("first_name") or "").strip()[:60]
    if "@" not in email or len(password) < MIN_PASSWORD_LENGTH or not first_name:
        return jsonify(error="valid email, first_name and a 10+ character password are required"), 400

    password_hash = generate_password_hash(password)  # ok: SEC009
    with get_db().cursor() as cur:
        cur.execute(
            "INSERT INTO customers (email, password_hash, first_name, subscribed) VALUES (%s, %s, %s, true) "
            "ON CONFLICT (email) DO NOTHING RETURNING id",
            (email, password_hash, first_name),
        )
        row = cur.fetchone()
    if row is None:
        return jsonify(error="email already registered"), 409
    session.clear()
    session["customer_id"] = row["id"]
    logger.info("customer %s signed up", row["id"])
    return jsonify(id=row["id"]), 201


@bp.post("/login")
def login():
    data = request.get_json(silent=True) or {}
    email = (data.get("email") or "").strip().lower()
    with get_db().cursor() as cur:
        cur.execute("SELECT id, password_hash FROM customers WHERE email = %s", (email,))
        row = cur.fetchone()
    if row is None or not check_password_hash(row["password_hash"], data.get("password") or ""):
        return jsonify(error="invalid email or password"), 401
    session.clear()
    session["customer_id"] = row["id"]
    logger.info("customer %s signed in", row["id"])
    return jsonify(id=row["id"])


@bp.get("/orders")
def order_history():
    customer_id = session.get("customer_id") or abort(401)
    page = max(1, request.args.get("page", 1, type=int))
    per_page = min(MAX_PAGE_SIZE, max(1, request.args.get("per_page", 20, type=int)))
    with get_db().cursor() as cur:
        cur.execute(
            "SELECT id, week_start, status, total_pence FROM orders WHERE customer_id = %s "
            "ORDER BY week_start DESC LIMIT %s OFFSET %s",  # ok: DB002
            (customer_id, per_page, (page - 1) * per_page),
        )
        rows = cur.fetchall()
    return jsonify(page=page, orders=[{**r, "week_start": r["week_start"].isoformat()} for r in rows])


@bp.put("/delivery-notes")
def update_delivery_notes():
    customer_id = session.get("customer_id") or abort(401)
    notes = ((request.get_json(silent=True) or {}).get("notes") or "").strip()
    if len(notes) > MAX_NOTES_LENGTH:
        return jsonify(error=f"notes must be at most {MAX_NOTES_LENGTH} characters"), 400
    with get_db().cursor() as cur:
        cur.execute("UPDATE customers SET delivery_notes = %s WHERE id = %s", (notes, customer_id))
    return jsonify(notes=notes)
