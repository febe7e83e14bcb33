import logging
from datetime import datetime, timezone
from functools import lru_cache

from flask import Blueprint, g, jsonify, request
from sqlalchemy import func, select

from models import Booking, Equipment

logger = logging.getLogger(__name__)
catalogue_bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")


def units_out_now(db, equipment_id: int) -> int:
    now = datetime.now(timezone.utc)
    stmt = (
        select(func.count(Booking.id))
        .where(Booking.equipment_id == equipment_id)
        .where(Booking.status.in_(("reserved", "out")))
        .where(Booking.starts_at <= now)
    )
    return db.execute(stmt).scalar_one()


def serialize(item: Equipment, out_now: int) -> dict:
    return {
        "id": item.id,
        "sku": item.sku,
        "name": item.name,
        "category": item.category,
        "daily_rate": str(item.daily_rate),
        "deposit": str(item.deposit_amount),
        "available": max(item.units_total - out_now, 0),
    }


@lru_cache(maxsize=64)
def category_label(raw: str) -> str:
    return raw.replace("_", " ").strip().title()  # ok: RES002


@catalogue_bp.get("")
def list_equipment():
    category = request.args.get("category")
    stmt = select(Equipment).order_by(Equipment.name)
    if category:
        stmt = stmt.where(Equipment.category == category)  # ok: DB006
    items = g.db.scalars(stmt).all()  # expect: DB002
    result = []
    for item in items:
        out_now = units_out_now(g.db, item.id)  # expect: DB001
        row = serialize(item, out_now)
        row["category_label"] = category_label(item.category)
        result.append(row)
    return jsonify({"items": result, "count": len(result)})


@catalogue_bp.get("/search")
def search_equipment():
    term = request.args.get("q", "").strip()
    if len(term) < 2:
        return jsonify({"error": {"code": "bad_request", "message": "query too short"}}), 400
    stmt = (
        select(Equipment)
        .where(func.lower(Equipment.name).like(f"%{term.lower()}%"))  # expect: DB006
        .order_by(Equipment.name)
        .limit(50)
    )
    items = g.db.scalars(stmt).all()
    return jsonify({"items": [serialize(i, 0) for i in items]})


@catalogue_bp.get("/<int:equipment_id>")
def equipment_detail(equipment_id: int):
    item = g.db.get(Equipment, equipment_id)
    if item is None:
        return jsonify({"error": {"code": "not_found", "message": "no such equipment"}}), 404
    return jsonify(serialize(item, units_out_now(g.db, item.id)))  # ok: DB001
