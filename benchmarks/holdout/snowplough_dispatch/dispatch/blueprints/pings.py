"""GPS pings from plough trucks and the live map used by the dispatch desk."""

from __future__ import annotations

import json as jsonlib
import logging
from datetime import datetime, timedelta, timezone

from sanic import Blueprint
from sanic.exceptions import BadRequest, Forbidden
from sanic.response import json

from dispatch.auth import require_role
from dispatch.models import GpsPing

logger = logging.getLogger(__name__)

bp = Blueprint("pings", url_prefix="/trucks")

MAX_PINGS_PER_BATCH = 500
TRACK_LIMIT = 2000

_last_positions: dict[int, dict] = {}


def _parse_ping(truck_id: int, raw: dict) -> GpsPing:
    return GpsPing(
        truck_id=truck_id,
        recorded_at=datetime.fromisoformat(raw["ts"]).astimezone(timezone.utc),
        lat=float(raw["lat"]),
        lon=float(raw["lon"]),
        speed_kmh=float(raw.get("speed", 0.0)),
    )


@bp.post("/<truck_id:int>/pings")
@require_role("device")
async def record_pings(request, truck_id: int):
    if request.ctx.user["truck_id"] != truck_id:
        raise Forbidden("device is not fitted to this truck")

    payload = request.json
    if not isinstance(payload, list) or not payload:
        raise BadRequest("expected a non-empty list of pings")
    if len(payload) > MAX_PINGS_PER_BATCH:
        raise BadRequest(f"at most {MAX_PINGS_PER_BATCH} pings per batch")

    try:
        rows = [_parse_ping(truck_id, raw) for raw in payload]
    except (KeyError, TypeError, ValueError) as exc:
        print(f"rejected ping batch from truck {truck_id}: {exc}")  # expect: OBS001
        raise BadRequest("malformed ping") from exc

    await GpsPing.bulk_create(rows)
    latest = max(rows, key=lambda row: row.recorded_at)
    position = {
        "lat": latest.lat,
        "lon": latest.lon,
        "speed_kmh": latest.speed_kmh,
        "at": latest.recorded_at.isoformat(),
    }
    _last_positions[truck_id] = position  # expect: SCL001
    await request.app.ctx.redis.publish(
        "truck-positions", jsonlib.dumps({"truck_id": truck_id, **position})
    )
    return json({"stored": len(rows)}, status=201)


@bp.get("/live")
@require_role("dispatcher")
async def live_positions(request):
    stale_before = datetime.now(timezone.utc) - timedelta(minutes=10)
    trucks = []
    for truck_id, position in _last_positions.items():
        seen = datetime.fromisoformat(position["at"])
        trucks.append({"truck_id": truck_id, "stale": seen < stale_before, **position})
    return json({"trucks": trucks})


@bp.get("/<truck_id:int>/track")
@require_role("dispatcher")
async def track(request, truck_id: int):
    hours = min(int(request.args.get("hours", 6)), 24)
    since = datetime.now(timezone.utc) - timedelta(hours=hours)
    points = (
        await GpsPing.filter(truck_id=truck_id, recorded_at__gte=since)
        .order_by("recorded_at")
        .limit(TRACK_LIMIT)  # ok: DB002
        .values("lat", "lon", "speed_kmh", "recorded_at")
    )
    return json(
        {
            "truck_id": truck_id,
            "points": [{**p, "recorded_at": p["recorded_at"].isoformat()} for p in points],
        }
    )
