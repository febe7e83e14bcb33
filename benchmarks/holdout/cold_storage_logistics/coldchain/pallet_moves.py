"""Pallet moves between locations, and paged pallet listings."""
import logging
from datetime import datetime

from flask import Blueprint, abort, g, jsonify, request

from coldchain import db
from coldchain.access import customer_scope, operator_required, role_required

logger = logging.getLogger(__name__)

bp = Blueprint("pallet_moves", __name__, url_prefix="/pallets")

PAGE_MAX = 200


@bp.post("/<int:pallet_id>/move")
@role_required("operator", "supervisor")
def move_pallet(pallet_id):
    target_code = str((request.get_json(silent=True) or {}).get("to", "")).strip().upper()
    if not target_code:
        abort(400)
    with db.transaction() as conn:
        pallet = conn.execute(
            "SELECT id, location_id FROM pallets WHERE id = %s AND status = 'stored' FOR UPDATE", (pallet_id,)
        ).fetchone()
        if pallet is None:
            return jsonify(error="pallet not in storage"), 409
        target = conn.execute(
            "UPDATE locations SET occupied = occupied + 1 "
            "WHERE code = %s AND occupied < capacity RETURNING id",  # ok: DB004, DB005
            (target_code,),
        ).fetchone()
        if target is None:
            return jsonify(error="target location unknown or full"), 409
        conn.execute(
            "UPDATE locations SET occupied = occupied - 1 WHERE id = %s AND occupied > 0", (pallet["location_id"],)
        )
        conn.execute("UPDATE pallets SET location_id = %s WHERE id = %s", (target["id"], pallet_id))
        conn.execute(
            "INSERT INTO pallet_moves (pallet_id, from_location_id, to_location_id, moved_by) VALUES (%s, %s, %s, %s)",
            (pallet_id, pallet["location_id"], target["id"], g.operator["sub"]),
        )
    logger.info("pallet %s moved to %s by %s", pallet_id, target_code, g.operator["sub"])
    return jsonify(pallet_id=pallet_id, location=target_code)


@bp.get("")
@operator_required
def list_pallets():
    """Keyset-paged list, newest first: ?before=<received_at ISO>&before_id=<id>&limit=<n>."""
    limit = min(request.args.get("limit", 50, type=int), PAGE_MAX)
    before = request.args.get("before")
    before_id = request.args.get("before_id", type=int)
    lpn_prefix = request.args.get("lpn", "").strip().upper()
    scope = customer_scope()

    clauses, params = ["(%s::int IS NULL OR p.customer_id = %s)"], [scope, scope]
    if before and before_id:
        try:
            before_ts = datetime.fromisoformat(before)
        except ValueError:
            return jsonify(error="before must be an ISO timestamp"), 400
        clauses.append("(p.received_at, p.id) < (%s, %s)")
        params += [before_ts, before_id]
    if lpn_prefix:
        clauses.append("p.lpn LIKE %s")  # ok: DB006, SEC001
        params.append(lpn_prefix.replace("%", "").replace("_", "") + "%")
    params.append(limit)

    sql = (
        "SELECT p.id, p.lpn, p.sku, p.status, p.received_at, l.code AS location "
        "FROM pallets p LEFT JOIN locations l ON l.id = p.location_id "
        f"WHERE {' AND '.join(clauses)} ORDER BY p.received_at DESC, p.id DESC LIMIT %s"  # ok: SEC001
    )
    with db.read_only() as conn:
        rows = conn.execute(sql, params).fetchall()  # ok: DB002
    items = [{**r, "received_at": r["received_at"].isoformat()} for r in rows]
    next_cursor = None
    if len(items) == limit:
        next_cursor = {"before": items[-1]["received_at"], "before_id": items[-1]["id"]}
    return jsonify(items=items, next=next_cursor)
