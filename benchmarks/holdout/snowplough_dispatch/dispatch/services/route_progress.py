"""Start, track and complete gritting runs."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from redis import asyncio as aioredis

from dispatch.models import Route, RouteRun, Shift

logger = logging.getLogger(__name__)

SEGMENT_TTL_SECONDS = 36 * 3600


class RunAlreadyOpen(Exception):
    pass


def _segments_key(run_id: int) -> str:
    return f"run-segments:{run_id}"


async def start_run(route: Route, shift: Shift) -> RouteRun:
    """Open a run of ``route`` with the truck and driver of ``shift``."""
    run = await RouteRun.create(
        route_id=route.id,
        truck_id=shift.truck_id,
        driver_id=shift.driver_id,
        status="in_progress",
        started_at=datetime.now(timezone.utc),
    )
    logger.info("run %s of route %s started by driver %s", run.id, route.code, shift.driver_id)
    return run


async def record_segment(
    redis: aioredis.Redis, run_id: int, driver_id: int, segment: str
) -> int | None:
    """Mark one street segment of a run as treated; returns how many are done so far."""
    owned = await RouteRun.filter(id=run_id, driver_id=driver_id, status="in_progress").exists()
    if not owned:
        return None
    key = _segments_key(run_id)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.sadd(key, segment)
        pipe.expire(key, SEGMENT_TTL_SECONDS)
        pipe.scard(key)
        _, _, done = await pipe.execute()
    return int(done)


async def complete_run(run_id: int, driver_id: int) -> bool:
    """Close a run once; a second call, or a call by another driver, changes nothing."""
    updated = await RouteRun.filter(id=run_id, driver_id=driver_id, status="in_progress").update(
        status="completed", completed_at=datetime.now(timezone.utc)
    )
    if updated:
        logger.info("run %s completed by driver %s", run_id, driver_id)
    return bool(updated)


async def abandon_stale_runs(older_than_hours: int = 18) -> int:
    """Close runs left open by a lost tablet so they do not block billing."""
    cutoff = datetime.now(timezone.utc).timestamp() - older_than_hours * 3600
    cutoff_dt = datetime.fromtimestamp(cutoff, tz=timezone.utc)
    count = await RouteRun.filter(status="in_progress", started_at__lt=cutoff_dt).update(
        status="abandoned"
    )
    if count:
        logger.warning("marked %d stale runs as abandoned", count)
    return count
