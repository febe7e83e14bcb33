"""Public catalogue of hive kits and woodenware.

The catalogue is a few hundred SKUs; queens are listed through the shipping
window endpoints instead because their availability depends on the date.
"""
import logging

from flask import Blueprint, abort, jsonify, request

from ..db import fetch_one, pool

log = logging.getLogger(__name__)
catalog_bp = Blueprint("catalog", __name__, url_prefix="/api/catalog")

_KIT_COLUMNS = "id, sku, name, frame_count, hive_style, price_cents, stock, ships_live"
HIVE_STYLES = ("langstroth", "top_bar", "warre", "nuc")


def _kit_json(row: dict) -> dict:
    return {
        "id": row["id"],
        "sku": row["sku"],
        "name": row["name"],
        "frame_count": row["frame_count"],
        "hive_style": row["hive_style"],
        "price": row["price_cents"] / 100,
        "in_stock": row["stock"] > 0,
        "ships_live": row["ships_live"],
    }


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        abort(400, description=f"{name} must be an integer")
    return min(max(value, low), high)


@catalog_bp.get("/kits")
def list_kits():
    sort = request.args.get("sort", "name")
    direction = "DESC" if request.args.get("order") == "desc" else "ASC"
    page = _int_arg("page", 1, 1, 10_000)
    per_page = _int_arg("per_page", 24, 1, 100)
    offset = (page - 1) * per_page

    where, params = "WHERE active", []
    style = request.args.get("style")
    if style:
        if style not in HIVE_STYLES:
            abort(400, description=f"style must be one of {', '.join(HIVE_STYLES)}")
        where += " AND hive_style = %s"
        params.append(style)

    with pool.connection() as conn:
        rows = conn.execute(f"SELECT {_KIT_COLUMNS} FROM hive_kits {where} ORDER BY {sort} {direction} LIMIT %s OFFSET %s", (*params, per_page, offset)).fetchall()  # expect: SEC001
        total = conn.execute(f"SELECT count(*) AS n FROM hive_kits {where}", params).fetchone()["n"]  # ok: SEC001
    return jsonify(items=[_kit_json(r) for r in rows], page=page, per_page=per_page, total=total)


@catalog_bp.get("/kits/<int:kit_id>")
def kit_detail(kit_id: int):
    row = fetch_one(
        f"SELECT {_KIT_COLUMNS}, description_html FROM hive_kits WHERE id = %s AND active",
        (kit_id,),
    )
    if row is None:
        abort(404, description="No such kit.")
    body = _kit_json(row)
    body["description_html"] = row["description_html"]
    return jsonify(body)


@catalog_bp.get("/kits/search")
def search_kits():
    term = request.args.get("q", "").strip()
    if not 2 <= len(term) <= 60:
        abort(400, description="q must be between 2 and 60 characters")
    with pool.connection() as conn:
        rows = conn.execute(
            f"SELECT {_KIT_COLUMNS} FROM hive_kits WHERE active AND name ILIKE %s ORDER BY name LIMIT 25",  # ok: DB006
            (f"%{term}%",),
        ).fetchall()
    log.info("catalog search %r matched %d kits", term, len(rows))
    return jsonify(items=[_kit_json(r) for r in rows])
