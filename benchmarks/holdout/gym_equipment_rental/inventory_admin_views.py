import logging

from flask import Blueprint, abort, g, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import func, select, update

from models import Booking, Equipment

logger = logging.getLogger(__name__)
inventory_admin_bp = Blueprint("inventory_admin", __name__, url_prefix="/admin/equipment")

MAX_PAGE_SIZE = 100


def _require_staff():
    if not getattr(current_user, "is_staff", False):
        abort(403)


@inventory_admin_bp.get("")
@login_required
def list_equipment_with_usage():
    _require_staff()
    page = max(int(request.args.get("page", 1)), 1)
    per_page = min(int(request.args.get("per_page", 25)), MAX_PAGE_SIZE)

    out_counts = (
        select(Booking.equipment_id, func.count(Booking.id).label("out_count"))
        .where(Booking.status.in_(("reserved", "out")))
        .group_by(Booking.equipment_id)
        .subquery()
    )
    stmt = (
        select(Equipment, func.coalesce(out_counts.c.out_count, 0))
        .outerjoin(out_counts, out_counts.c.equipment_id == Equipment.id)
        .order_by(Equipment.id)
        .limit(per_page)  # ok: DB002
        .offset((page - 1) * per_page)
    )
    rows = g.db.execute(stmt).all()
    items = [
        {
            "id": eq.id,
            "sku": eq.sku,
            "name": eq.name,
            "units_total": eq.units_total,
            "units_available": eq.units_available,
            "out": out_count,
        }
        for eq, out_count in rows  # ok: DB001
    ]
    return jsonify({"items": items, "page": page, "per_page": per_page})


@inventory_admin_bp.post("/<int:equipment_id>/restock")
@login_required
def restock(equipment_id: int):
    _require_staff()
    payload = request.get_json(silent=True) or {}
    try:
        units = int(payload.get("units", 0))
    except (TypeError, ValueError):
        return jsonify({"error": {"code": "bad_request", "message": "units must be an integer"}}), 400
    if units <= 0 or units > 500:
        return jsonify({"error": {"code": "bad_request", "message": "units out of range"}}), 400

    result = g.db.execute(
        update(Equipment)
        .where(Equipment.id == equipment_id)
        .values(  # ok: DB004
            units_total=Equipment.units_total + units,
            units_available=Equipment.units_available + units,
        )
    )
    if result.rowcount == 0:
        abort(404)
    g.db.commit()
    logger.info(
        "equipment restocked",
        extra={"equipment_id": equipment_id, "units": units, "staff_id": current_user.id,
               "request_id": g.request_id},
    )
    return jsonify({"id": equipment_id, "added": units})
