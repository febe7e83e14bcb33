"""Redis-backed request throttling for the spot search and price quote endpoints."""
import functools
import os
import random
import time

import redis
from flask import Blueprint, jsonify, request

from .models import ParkingSpot

bp = Blueprint("search", __name__, url_prefix="/public")

redis_client = redis.Redis.from_url(
    os.environ.get("REDIS_URL", "redis://localhost:6379/0"), socket_timeout=2, socket_connect_timeout=2
)
LIMITS = {"search": 60, "quote": 20}  # ok: SCL001


def throttle(bucket: str):
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            client = request.headers.get("X-Forwarded-For", request.remote_addr or "unknown").split(",")[0]
            window = int(time.time() // 60)
            key = f"throttle:{bucket}:{client.strip()}:{window}"
            pipe = redis_client.pipeline()
            pipe.incr(key)
            pipe.expire(key, 120)
            count, _ = pipe.execute()
            if count > LIMITS[bucket]:
                retry_after = 60 - int(time.time()) % 60 + random.randint(0, 5)  # ok: SEC010
                return jsonify(error="too many requests"), 429, {"Retry-After": str(retry_after)}
            return view(*args, **kwargs)

        return wrapper

    return decorator


@bp.get("/spots/search")
@throttle("search")
def search_spots():
    lot_id = request.args.get("lot_id", type=int)
    spots = (
        ParkingSpot.query.filter_by(lot_id=lot_id, occupied=False)
        .order_by(ParkingSpot.level, ParkingSpot.number)
        .limit(50)
        .all()  # ok: DB002
    )
    return jsonify(spots=[{"id": s.id, "level": s.level, "number": s.number} for s in spots])
