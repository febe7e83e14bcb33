import logging
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query
from redis.exceptions import RedisError

from fleet.auth import require_operator
from fleet.settings import get_pool, get_redis
from fleet.telemetry_store import latest_for

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/robots", tags=["robots"], dependencies=[Depends(require_operator)])

_COLUMNS = "id, model, zone, status, battery_pct, current_task, last_seen_at"


async def _live_positions(redis, robot_ids: list[str]) -> tuple[dict, bool]:
    try:
        return await latest_for(redis, robot_ids), True
    except RedisError:
        logger.warning("redis unavailable, serving robot list without live positions", exc_info=True)  # ok: ERR003
        return {}, False


@router.get("")
async def list_robots(
    zone: Optional[str] = None,
    status: Optional[str] = None,
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=200),
    pool=Depends(get_pool),
    redis=Depends(get_redis),
):
    filters, args = [], []
    if zone:
        args.append(zone)
        filters.append(f"zone = ${len(args)}")
    if status:
        args.append(status)
        filters.append(f"status = ${len(args)}")
    where = f"WHERE {' AND '.join(filters)}" if filters else ""
    args.extend([per_page, (page - 1) * per_page])
    sql = f"SELECT {_COLUMNS} FROM robots {where} ORDER BY id LIMIT ${len(args) - 1} OFFSET ${len(args)}"
    async with pool.acquire() as conn:
        rows = await conn.fetch(sql, *args)  # ok: SEC001, DB002
    live, live_ok = await _live_positions(redis, [r["id"] for r in rows])
    items = [{**dict(r), "live": live.get(r["id"])} for r in rows]
    return {"page": page, "per_page": per_page, "items": items, "live_data": live_ok}


@router.get("/{robot_id}")
async def get_robot(robot_id: str, pool=Depends(get_pool), redis=Depends(get_redis)):
    async with pool.acquire() as conn:
        row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM robots WHERE id = $1", robot_id)
    if row is None:
        raise HTTPException(404, "robot not found")
    live, live_ok = await _live_positions(redis, [robot_id])
    return {**dict(row), "live": live.get(robot_id), "live_data": live_ok}


@router.get("/{robot_id}/telemetry")
async def robot_history(
    robot_id: str,
    minutes: int = Query(15, ge=1, le=240),
    limit: int = Query(500, ge=1, le=2000),
    pool=Depends(get_pool),
):
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT recorded_at, x, y, zone, battery_pct, speed, fault FROM telemetry "
            "WHERE robot_id = $1 AND recorded_at > now() - make_interval(mins => $2) "
            "ORDER BY recorded_at DESC LIMIT $3",  # ok: DB002
            robot_id, minutes, limit,
        )
    return {"robot_id": robot_id, "frames": [dict(r) for r in rows]}
