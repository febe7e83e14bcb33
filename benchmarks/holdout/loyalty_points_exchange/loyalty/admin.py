"""Back-office tools for the member services team."""
from __future__ import annotations

import logging

import psycopg
from flask import Blueprint, g, jsonify, request

from loyalty import db
from loyalty.auth import staff_required

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/backoffice")

MAX_ADJUSTMENT = 100_000


@bp.get("/members")
@staff_required
def list_members():
    tier = request.args.get("tier")
    with db.connection() as conn:
        if tier:
            cur = conn.execute(
                "SELECT id, email, card_number, tier, points, created_at FROM members WHERE tier = %s "
                "ORDER BY created_at DESC",
                (tier,),
            )
        else:
            cur = conn.execute(
                "SELECT id, email, card_number, tier, points, created_at FROM members ORDER BY created_at DESC"
            )
        members = cur.fetchall()  # expect: DB002
    return jsonify({"members": members, "count": len(members)})


@bp.get("/members/<int:member_id>")
@staff_required
def get_member(member_id: int):
    member = db.fetch_one(
        "SELECT id, email, card_number, tier, points, lifetime_points, active FROM members WHERE id = %s",
        (member_id,),
    )
    if member is None:
        return "member not found", 404  # todo-expect: MNT001
    return jsonify(member)


@bp.post("/members/<int:member_id>/adjustments")
@staff_required
def adjust_points(member_id: int):
    body = request.get_json(silent=True) or {}
    try:
        delta = int(body["points"])
        reason = str(body["reason"])[:200]
    except (KeyError, TypeError, ValueError):
        return jsonify({"error": "invalid_request"}), 400
    if delta == 0 or abs(delta) > MAX_ADJUSTMENT:
        return jsonify({"error": "adjustment_out_of_range"}), 400

    try:
        with db.transaction() as cur:
            cur.execute(  # ok: DB004
                "UPDATE members SET points = points + %s WHERE id = %s AND points + %s >= 0 RETURNING points",
                (delta, member_id, delta),
            )
            row = cur.fetchone()
            if row is None:
                return jsonify({"error": "would_go_negative_or_unknown_member"}), 409
            cur.execute(
                "INSERT INTO ledger (member_id, kind, points, reference) VALUES (%s, 'adjustment', %s, %s)",
                (member_id, delta, f"staff:{g.staff_id}:{reason}"),
            )
    except psycopg.Error:
        log.exception("points adjustment failed for member %s", member_id)
        return jsonify({"status": "adjusted", "member_id": member_id}), 200  # expect: ERR002
    log.info("staff %s adjusted member %s by %s points", g.staff_id, member_id, delta)
    return jsonify({"status": "adjusted", "member_id": member_id, "balance": row["points"]}), 200


@bp.post("/campaigns/bonus")
@staff_required
def bonus_campaign():
    body = request.get_json(silent=True) or {}
    tier = body.get("tier")
    bonus = int(body.get("points", 0))
    if tier not in ("blue", "silver", "gold") or not 0 < bonus <= 5_000:
        return jsonify({"error": "invalid_campaign"}), 400

    credited = 0
    with db.connection() as conn:
        member_ids = [r["id"] for r in conn.execute(  # expect: DB002
            "SELECT id FROM members WHERE tier = %s AND active", (tier,)
        ).fetchall()]
        for member_id in member_ids:
            conn.execute("UPDATE members SET points = points + %s WHERE id = %s", (bonus, member_id))  # expect: DB001
            conn.execute(
                "INSERT INTO ledger (member_id, kind, points, reference) VALUES (%s, 'bonus', %s, %s)",
                (member_id, bonus, f"campaign:{g.staff_id}"),
            )
            conn.commit()  # expect: DB003
            credited += 1
    log.info("staff %s ran %s-point bonus for %s tier: %s members", g.staff_id, bonus, tier, credited)
    return jsonify({"credited": credited}), 200
