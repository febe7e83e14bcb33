"""Pallet lookup and put-away."""
import logging

from flask import Blueprint, abort, g, jsonify, request

from coldchain import db
from coldchain.access import customer_scope, operator_required, role_required

logger = logging.getLogger(__name__)

bp = Blueprint("pallets", __name__, url_prefix="/pallets")

PALLET_COLUMNS = "p.id, p.lpn, p.sku, p.customer_id, p.status, p.weight_kg, p.received_at, l.code AS location"


def _serialize(row):
    return {**row, "received_at": row["received_at"].isoformat() if row["received_at"] else None}


@bp.get("/search")
@operator_required
def search():
    term = request.args.get("q", "").strip()
    if len(term) < 3:
        return jsonify(error="query must be at least 3 characters"), 400
    scope = customer_scope()
    with db.read_only() as conn:
        rows = conn.execute(
            f"SELECT {PALLET_COLUMNS} FROM pallets p LEFT JOIN locations l ON l.id = p.location_id "
            f"WHERE (p.lpn ILIKE '%%{term}%%' OR p.sku ILIKE '%%{term}%%') AND (%s::int IS NULL OR p.customer_id = %s) "  # expect: SEC001, DB006
            "ORDER BY p.received_at DESC LIMIT 50",
            (scope, scope),
        ).fetchall()
    return jsonify([_serialize(r) for r in rows])


@bp.get("/zone/<int:zone_id>")
@role_required("operator", "supervisor", "admin")
def pallets_in_zone(zone_id):
    with db.read_only() as conn:
        cur = conn.execute(
            f"SELECT {PALLET_COLUMNS} FROM pallets p JOIN locations l ON l.id = p.location_id "
            "WHERE l.zone_id = %s AND p.status = 'stored' ORDER BY p.received_at",
            (zone_id,),
        )
        rows = cur.fetchall()  # expect: DB002
    return jsonify(zone_id=zone_id, count=len(rows), pallets=[_serialize(r) for r in rows])


@bp.post("/<int:pallet_id>/putaway")
@role_required("operator", "supervisor")
def put_away(pallet_id):
    code = str((request.get_json(silent=True) or {}).get("location", "")).strip().upper()
    if not code:
        abort(400)
    with db.transaction() as conn:
        location = conn.execute(
            "SELECT id, capacity, occupied FROM locations WHERE code = %s", (code,)
        ).fetchone()
        if location is None:
            abort(404)
        if location["occupied"] >= location["capacity"]:
            return jsonify(error="location is full"), 409

        moved = conn.execute(
            "UPDATE pallets SET location_id = %s, status = 'stored', stored_at = now() "
            "WHERE id = %s AND status = 'received' RETURNING id",
            (location["id"], pallet_id),
        ).fetchone()
        if moved is None:
            return jsonify(error="pallet is not waiting for put-away"), 409
        conn.execute("UPDATE locations SET occupied = %s WHERE id = %s", (location["occupied"] + 1, location["id"]))  # expect: DB004, DB005
    logger.info("pallet %s put away at %s by %s", pallet_id, code, g.operator["sub"])
    return jsonify(pallet_id=pallet_id, location=code)
