import json
import logging
import time
from collections import defaultdict, deque

import redis
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from psycopg_pool import ConnectionPool

from .db import get_pool, get_redis

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/map", tags=["map"])

RATE_LIMIT_PER_MINUTE = 120
MAX_STATIONS = 300

_hits: dict[str, deque] = defaultdict(deque)  # expect: SCL001
_stats = {"requests": 0, "stations_served": 0, "since": time.time()}


def _rate_limited(client_ip: str) -> bool:
    now = time.monotonic()
    window = _hits[client_ip]
    while window and now - window[0] > 60:
        window.popleft()
    window.append(now)
    return len(window) > RATE_LIMIT_PER_MINUTE


def _docks_for_station(conn, station_id: int) -> list[tuple]:
    return conn.execute(
        "SELECT id, slot, status, bike_id FROM docks WHERE station_id = %s ORDER BY slot", (station_id,)
    ).fetchall()


@router.get("/stations")
def stations_in_view(
    request: Request,
    min_lat: float = Query(..., ge=-90, le=90),
    min_lon: float = Query(..., ge=-180, le=180),
    max_lat: float = Query(..., ge=-90, le=90),
    max_lon: float = Query(..., ge=-180, le=180),
    pool: ConnectionPool = Depends(get_pool),
    r: redis.Redis = Depends(get_redis),
):
    if _rate_limited(request.client.host):
        raise HTTPException(429, "too many requests")
    with pool.connection() as conn:
        stations = conn.execute(  # ok: DB002
            "SELECT id, name, lat, lon, capacity FROM stations"
            " WHERE lat BETWEEN %s AND %s AND lon BETWEEN %s AND %s ORDER BY id LIMIT %s",
            (min_lat, max_lat, min_lon, max_lon, MAX_STATIONS),
        ).fetchall()
        result = []
        for sid, name, lat, lon, capacity in stations:
            docks = _docks_for_station(conn, sid)  # expect: DB001
            result.append(
                {
                    "id": sid,
                    "name": name,
                    "lat": lat,
                    "lon": lon,
                    "capacity": capacity,
                    "bikes": sum(1 for d in docks if d[2] == "occupied"),
                    "free_docks": sum(1 for d in docks if d[2] == "empty"),
                    "offline": sum(1 for d in docks if d[2] == "offline"),
                }
            )

    summaries = r.mget([f"station:{s['id']}:summary" for s in result]) if result else []  # todo-expect: ERR003
    for item, raw in zip(result, summaries):
        item["ebikes"] = json.loads(raw).get("ebikes", 0) if raw else 0

    _stats["requests"] += 1  # expect: CON002
    _stats["stations_served"] += len(result)
    return {"stations": result, "truncated": len(result) == MAX_STATIONS}


@router.get("/stations/{station_id}")
async def station_detail(station_id: int, pool: ConnectionPool = Depends(get_pool)):
    with pool.connection() as conn:  # expect: CON001
        station = conn.execute(
            "SELECT id, name, lat, lon, capacity FROM stations WHERE id = %s", (station_id,)
        ).fetchone()
        if station is None:
            raise HTTPException(404, "station not found")
        docks = _docks_for_station(conn, station_id)
    return {
        "id": station[0],
        "name": station[1],
        "lat": station[2],
        "lon": station[3],
        "capacity": station[4],
        "docks": [{"id": d[0], "slot": d[1], "status": d[2], "bike_id": d[3]} for d in docks],
    }


@router.get("/stats")
def map_stats():
    return dict(_stats)
