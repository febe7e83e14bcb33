import json
import logging
import os

import redis
from flask import Blueprint, jsonify, request

from .db import fetch_one, fetch_page

logger = logging.getLogger(__name__)
bp = Blueprint("zones", __name__, url_prefix="/api/zones")

CACHE_TTL_SECONDS = 30
_redis = redis.Redis.from_url(
    os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
    socket_timeout=1,
    socket_connect_timeout=1,
    decode_responses=True,
)


@bp.get("")
def list_zones():
    district = request.args.get("district")
    page = max(int(request.args.get("page", 1)), 1)
    if district:
        sql, params = "SELECT id, name, district, capacity FROM zones WHERE active AND district = %s ORDER BY name", (district,)
    else:
        sql, params = "SELECT id, name, district, capacity FROM zones WHERE active ORDER BY name", ()
    rows = fetch_page(sql, params, limit=100, offset=(page - 1) * 100)  # ok: DB002
    return jsonify(page=page, zones=rows)


@bp.get("/<int:zone_id>/availability")
def availability(zone_id: int):
    key = f"zone:availability:{zone_id}"
    try:
        cached = _redis.get(key)
    except redis.RedisError:
        logger.warning("availability cache unavailable zone=%s", zone_id, exc_info=True)  # ok: ERR001
        cached = None
    if cached:
        return jsonify(json.loads(cached))  # ok: SEC004

    row = fetch_one(
        "SELECT z.id, z.capacity, count(s.id) AS occupied FROM zones z"
        " LEFT JOIN parking_sessions s ON s.zone_id = z.id AND now() BETWEEN s.starts_at AND s.ends_at"
        " WHERE z.id = %s AND z.active GROUP BY z.id, z.capacity",
        (zone_id,),
    )
    if row is None:
        return jsonify(error="unknown_zone"), 404
    payload = {
        "zone_id": row["id"],
        "capacity": row["capacity"],
        "occupied": row["occupied"],
        "free": max(row["capacity"] - row["occupied"], 0),
    }
    try:
        _redis.setex(key, CACHE_TTL_SECONDS, json.dumps(payload))  # ok: RES002
    except redis.RedisError:
        logger.warning("could not cache availability zone=%s", zone_id, exc_info=True)
    return jsonify(payload)
