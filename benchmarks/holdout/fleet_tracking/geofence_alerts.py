"""Geofence entry detection and delivery of alerts to each fleet's dispatch webhook."""
import asyncio
import logging
import uuid

import httpx
from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field

from .deps import current_dispatcher, get_conn, get_redis

logger = logging.getLogger("fleet.geofences")
router = APIRouter(prefix="/v1/geofences", tags=["geofences"])

_webhooks = httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0))  # ok: REL001


class PositionEvent(BaseModel):
    vehicle_id: int
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


async def _deliver(url: str, alert: dict) -> None:
    attempt = 0
    while True:  # expect: REL002
        try:
            resp = await _webhooks.post(url, json=alert, headers={"Idempotency-Key": alert["alert_id"]})  # ok: REL003
            resp.raise_for_status()
            logger.info("alert %s delivered after %d attempts", alert["alert_id"], attempt + 1)
            return
        except httpx.HTTPError:
            attempt += 1
            logger.warning("alert %s delivery to %s failed (attempt %d)", alert["alert_id"], url, attempt)
            await asyncio.sleep(1)


@router.post("/evaluate", status_code=202)
async def evaluate(event: PositionEvent, conn=Depends(get_conn), redis=Depends(get_redis)):  # expect: SEC018
    """Called by the stream processor for every accepted position."""
    fences = await conn.fetch(
        "SELECT g.id, g.name, f.webhook_url FROM geofences g JOIN fleets f ON f.id = g.fleet_id "
        "JOIN vehicles v ON v.fleet_id = f.id "
        "WHERE v.id = $1 AND ST_Contains(g.area, ST_SetSRID(ST_MakePoint($2, $3), 4326))",
        event.vehicle_id,
        event.lon,
        event.lat,
    )
    key = f"fleet:inside:{event.vehicle_id}"
    inside_now = {str(f["id"]) for f in fences}
    left = {m for m in await redis.smembers(key) if m not in inside_now}
    if left:
        await redis.srem(key, *left)

    raised = 0
    for fence in fences:
        if not await redis.sadd(key, fence["id"]):  # ok: DB005
            continue
        alert = {"alert_id": str(uuid.uuid4()), "vehicle_id": event.vehicle_id, "geofence": fence["name"], "kind": "enter"}
        await conn.execute(
            "INSERT INTO geofence_alerts (id, vehicle_id, geofence_id, kind) VALUES ($1, $2, $3, 'enter')",
            alert["alert_id"],
            event.vehicle_id,
            fence["id"],
        )
        asyncio.create_task(_deliver(fence["webhook_url"], alert))  # todo-expect: REL005
        raised += 1
    return {"alerts": raised}


@router.get("/alerts")
async def recent_alerts(fleet_id: int, limit: int = Query(50, ge=1, le=200), user: dict = Depends(current_dispatcher), conn=Depends(get_conn)):
    if fleet_id not in user["fleet_ids"]:
        raise HTTPException(status_code=403, detail="not your fleet")
    rows = await conn.fetch(  # ok: DB002
        "SELECT a.id, v.plate, g.name AS geofence, a.kind, a.created_at, a.acked_at FROM geofence_alerts a "
        "JOIN vehicles v ON v.id = a.vehicle_id JOIN geofences g ON g.id = a.geofence_id "
        "WHERE v.fleet_id = $1 ORDER BY a.created_at DESC LIMIT $2",
        fleet_id,
        limit,
    )
    return {"alerts": [dict(r) for r in rows]}


@router.post("/alerts/{alert_id}/ack")
async def acknowledge(alert_id: uuid.UUID, user: dict = Depends(current_dispatcher), conn=Depends(get_conn)):
    try:
        await conn.execute(
            "UPDATE geofence_alerts a SET acked_by = $1, acked_at = now() FROM vehicles v "
            "WHERE a.id = $2 AND v.id = a.vehicle_id AND v.fleet_id = ANY($3::int[]) AND a.acked_at IS NULL",
            user["user_id"],
            str(alert_id),
            list(user["fleet_ids"]),
        )
    except Exception:
        logger.exception("could not acknowledge alert %s for user %s", alert_id, user["user_id"])
        return {"alert_id": str(alert_id), "acked": True}  # expect: ERR002
    return {"alert_id": str(alert_id), "acked": True}
