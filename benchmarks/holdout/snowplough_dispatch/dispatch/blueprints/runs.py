"""Route runs: a driver starts a gritting run, draws salt and completes it."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation

from redis.exceptions import RedisError
from sanic import Blueprint
from sanic.exceptions import BadRequest, NotFound
from sanic.response import json

from dispatch.auth import require_role
from dispatch.models import Route, RouteRun, Shift
from dispatch.services.route_progress import complete_run, record_segment, start_run
from dispatch.services.salt_ledger import InsufficientSalt, draw_for_run

logger = logging.getLogger(__name__)

bp = Blueprint("runs", url_prefix="/runs")


@bp.post("")
@require_role("driver")
async def begin_run(request):
    body = request.json or {}
    route = await Route.get_or_none(code=str(body.get("route_code", "")))
    if route is None:
        raise NotFound("unknown route")
    shift = await Shift.get_or_none(driver_id=request.ctx.user["id"], ended_at__isnull=True)
    if shift is None:
        raise BadRequest("sign out a truck before starting a run")
    run = await start_run(route, shift)
    return json({"run_id": run.id, "route": route.code}, status=201)


@bp.post("/<run_id:int>/salt")
@require_role("driver")
async def draw_salt(request, run_id: int):
    run = await RouteRun.get_or_none(id=run_id, driver_id=request.ctx.user["id"])
    if run is None:
        raise NotFound("run not found")
    try:
        tonnes = Decimal(str((request.json or {})["tonnes"]))
    except (KeyError, InvalidOperation) as exc:
        raise BadRequest("tonnes must be a number") from exc
    if tonnes <= 0:
        raise BadRequest("tonnes must be positive")

    route = await run.route
    try:
        remaining = await draw_for_run(run.id, route.depot_id, tonnes)
    except InsufficientSalt as exc:
        return json({"error": str(exc)}, status=409)
    return json({"run_id": run.id, "depot_remaining_tonnes": str(remaining)})


@bp.post("/<run_id:int>/segments/<segment:str>")
@require_role("driver")
async def segment_done(request, run_id: int, segment: str):
    progress = await record_segment(request.app.ctx.redis, run_id, request.ctx.user["id"], segment)
    if progress is None:
        raise NotFound("run not found")
    return json({"run_id": run_id, "segments_done": progress})


@bp.post("/<run_id:int>/complete")
@require_role("driver")
async def finish_run(request, run_id: int):
    completed = await complete_run(run_id, request.ctx.user["id"])
    if not completed:
        return json({"error": "run is not in progress"}, status=409)
    try:
        await request.app.ctx.redis.publish("run-completed", str(run_id))
    except RedisError:
        logger.warning("could not publish completion of run %s to the live board", run_id)
    return json({"run_id": run_id, "status": "completed"})  # ok: ERR002
