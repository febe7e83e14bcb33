"""Live dock state in Redis plus the durable station/dock tables in Postgres."""
import json
import logging

import redis

logger = logging.getLogger(__name__)

STATUS_TTL_SECONDS = 300


def cache_status(r: redis.Redis, status: dict) -> None:
    key = f"dock:{status['dock_id']}"
    pipe = r.pipeline(transaction=False)
    pipe.hset(
        key,
        mapping={
            "station_id": status["station_id"],
            "state": status["state"],
            "bike_id": status.get("bike_id") or "",
            "battery_mv": status.get("battery_mv") or 0,
            "reported_at": status["reported_at"],
        },
    )
    pipe.expire(key, STATUS_TTL_SECONDS)
    pipe.sadd(f"station:{status['station_id']}:docks", status["dock_id"])
    pipe.execute()


def get_station_status(r: redis.Redis, station_ids: list[int]) -> dict[int, list[dict]]:
    """Returns live dock state per station; empty when Redis is unavailable."""
    try:
        pipe = r.pipeline(transaction=False)
        for sid in station_ids:
            pipe.smembers(f"station:{sid}:docks")
        members = pipe.execute()
        pipe = r.pipeline(transaction=False)
        order = []
        for sid, dock_ids in zip(station_ids, members):
            for dock_id in sorted(dock_ids, key=int):
                pipe.hgetall(f"dock:{dock_id}")
                order.append((sid, int(dock_id)))
        states = pipe.execute()
    except redis.RedisError:
        logger.warning("redis unavailable, serving map without live dock state", exc_info=True)  # ok: ERR003
        return {}
    result: dict[int, list[dict]] = {sid: [] for sid in station_ids}
    for (sid, dock_id), state in zip(order, states):
        if state:
            result[sid].append({"dock_id": dock_id, **state})
    return result


def upsert_station(conn, station: dict) -> None:
    conn.execute(  # ok: SEC001
        """
        INSERT INTO stations (id, name, lat, lon, capacity, updated_at)
        VALUES (%(id)s, %(name)s, %(lat)s, %(lon)s, %(capacity)s, now())
        ON CONFLICT (id) DO UPDATE
           SET name = EXCLUDED.name, lat = EXCLUDED.lat, lon = EXCLUDED.lon,
               capacity = EXCLUDED.capacity, updated_at = now()
        """,
        station,
    )


def mark_stale_docks(conn, older_than_seconds: int) -> list[int]:
    rows = conn.execute(
        """
        UPDATE docks SET status = 'offline'
         WHERE last_seen_at < now() - make_interval(secs => %s)
           AND status <> 'offline'
        RETURNING id
        """,
        (older_than_seconds,),
    ).fetchall()
    return [r[0] for r in rows]


def station_snapshot(r: redis.Redis, station_id: int) -> str:
    docks = get_station_status(r, [station_id]).get(station_id, [])
    return json.dumps({"station_id": station_id, "docks": docks})
