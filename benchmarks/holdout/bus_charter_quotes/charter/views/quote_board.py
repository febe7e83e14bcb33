"""Dispatcher quote board: page through open quotes, look one up, withdraw or extend it."""
import logging
from datetime import date, timedelta

from flask import Blueprint, abort, g, jsonify, request

from charter.auth import staff_required
from charter.db import db

logger = logging.getLogger(__name__)
bp = Blueprint("quote_board", __name__, url_prefix="/board")

PAGE_SIZE = 50
STATUSES = {"sent", "accepted", "withdrawn", "expired"}


@bp.get("/quotes")
@staff_required
def board():
    status = request.args.get("status", "sent")
    if status not in STATUSES:
        abort(400, f"status must be one of {sorted(STATUSES)}")
    after_id = request.args.get("after_id", type=int)

    sql = (
        "SELECT id, contact_email, trip_date, coaches, total_cents, status, created_at"
        "  FROM quotes WHERE status = %s"
    )
    params: list = [status]
    if after_id is not None:
        sql += " AND id < %s"
        params.append(after_id)
    sql += " ORDER BY id DESC LIMIT %s"
    params.append(PAGE_SIZE + 1)

    with db.cursor() as cur:
        cur.execute(sql, params)  # ok: SEC001
        rows = cur.fetchall()  # ok: DB002
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return jsonify(quotes=rows, next_after_id=rows[-1]["id"] if has_more else None)


@bp.get("/quotes/lookup")
@staff_required
def lookup():
    email = request.args.get("email", "").strip().lower()
    if "@" not in email:
        abort(400, "a full e-mail address is required")
    with db.cursor() as cur:
        # quotes_contact_email_idx covers this; emails are stored lower-cased.
        cur.execute(
            "SELECT id, trip_date, status, total_cents FROM quotes"
            " WHERE contact_email = %s ORDER BY id DESC LIMIT 20",  # ok: DB006
            (email,),
        )
        return jsonify(quotes=cur.fetchall())


@bp.post("/quotes/<int:quote_id>/withdraw")
@staff_required
def withdraw(quote_id: int):
    with db.cursor() as cur:
        cur.execute(
            "UPDATE quotes SET status = 'withdrawn', withdrawn_by = %s"
            " WHERE id = %s AND status = 'sent' RETURNING id",  # ok: DB005
            (g.staff["id"], quote_id),
        )
        if cur.fetchone() is None:
            abort(409, "only quotes that are still open can be withdrawn")
    logger.info("quote Q-%s withdrawn by staff %s", quote_id, g.staff["id"])
    return jsonify(quote_id=quote_id, status="withdrawn")


@bp.post("/quotes/<int:quote_id>/extend")
@staff_required
def extend(quote_id: int):
    days = request.get_json(silent=True, force=True) or {}
    extra = int(days.get("days", 7))
    if not 1 <= extra <= 30:
        abort(400, "days must be 1-30")
    with db.cursor() as cur:
        cur.execute(
            "UPDATE quotes SET valid_until = GREATEST(valid_until, %s) + %s"
            " WHERE id = %s AND status = 'sent' RETURNING valid_until",
            (date.today(), timedelta(days=extra), quote_id),
        )
        row = cur.fetchone()
    if row is None:
        abort(409, "only quotes that are still open can be extended")
    return jsonify(quote_id=quote_id, valid_until=row["valid_until"].isoformat())
