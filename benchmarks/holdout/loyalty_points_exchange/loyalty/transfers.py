"""Gifting points to another member (family pooling)."""
from __future__ import annotations

import logging
from datetime import date

from flask import Blueprint, jsonify, request

from loyalty import db
from loyalty.auth import current_member_id, member_required

log = logging.getLogger(__name__)
bp = Blueprint("transfers", __name__, url_prefix="/me")

DAILY_TRANSFER_LIMIT = 5_000
MIN_TRANSFER = 50

_sent_today: dict[tuple[int, str], int] = {}


@bp.post("/transfers")
@member_required
def create_transfer():
    body = request.get_json(silent=True) or {}
    sender_id = int(body.get("from_member_id") or current_member_id())  # expect: SEC018
    try:
        recipient_card = str(body["to_card_number"]).replace(" ", "")
        points = int(body["points"])
    except (KeyError, TypeError, ValueError):
        return jsonify({"error": "invalid_request"}), 400
    if points < MIN_TRANSFER:
        return jsonify({"error": "below_minimum", "minimum": MIN_TRANSFER}), 400

    today = date.today().isoformat()
    already = _sent_today.get((sender_id, today), 0)
    if already + points > DAILY_TRANSFER_LIMIT:
        return jsonify({"error": "daily_limit", "remaining": max(DAILY_TRANSFER_LIMIT - already, 0)}), 429

    with db.connection() as conn:
        sender = conn.execute("SELECT id, points FROM members WHERE id = %s AND active", (sender_id,)).fetchone()
        recipient = conn.execute(
            "SELECT id FROM members WHERE card_number = %s AND active", (recipient_card,)
        ).fetchone()
        if sender is None or recipient is None:
            return jsonify({"error": "unknown_member"}), 404
        if recipient["id"] == sender["id"]:
            return jsonify({"error": "cannot_transfer_to_self"}), 400
        if sender["points"] < points:
            return jsonify({"error": "insufficient_points", "balance": sender["points"]}), 409

        conn.execute("UPDATE members SET points = points - %s WHERE id = %s", (points, sender["id"]))  # expect: DB005
        conn.execute("UPDATE members SET points = points + %s WHERE id = %s", (points, recipient["id"]))
        conn.execute(
            "INSERT INTO ledger (member_id, kind, points, reference) VALUES (%s, 'transfer_out', %s, %s), "
            "(%s, 'transfer_in', %s, %s)",
            (sender["id"], -points, f"to:{recipient['id']}", recipient["id"], points, f"from:{sender['id']}"),
        )
        conn.commit()

    _sent_today[(sender_id, today)] = already + points  # expect: SCL001, CON002, RES002
    log.info("member %s transferred %s points to member %s", sender["id"], points, recipient["id"])
    return jsonify({"status": "transferred", "points": points, "balance": sender["points"] - points}), 201


@bp.get("/transfers")
@member_required
def list_transfers():
    member_id = current_member_id()
    before = request.args.get("before_id", type=int)
    rows = db.fetch_page(
        "SELECT id, kind, points, reference, created_at FROM ledger "
        "WHERE member_id = %s AND kind IN ('transfer_in', 'transfer_out') AND (%s::bigint IS NULL OR id < %s) "
        "ORDER BY id DESC LIMIT 50",
        (member_id, before, before),
        50,
    )
    return jsonify({"transfers": rows, "next_before_id": rows[-1]["id"] if len(rows) == 50 else None})
