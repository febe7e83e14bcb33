"""Ingest of GPS pings from telematics units and live fleet positions for dispatch."""
import logging
from datetime import datetime

import requests
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from .deps import current_device, current_dispatcher, get_conn

logger = logging.getLogger("fleet.ingest")
router = APIRouter(prefix="/v1/positions", tags=["positions"])

GEOCODER_URL = "https://geocode.maps-internal.example/v1/reverse"

_last_ping: dict[int, datetime] = {}


class Ping(BaseModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    speed_kph: float = Field(ge=0, le=300)
    recorded_at: datetime


class PingBatch(BaseModel):
    pings: list[Ping] = Field(min_length=1, max_length=500)  # ok: SEC019


def _street_name(lat: float, lon: float) -> str | None:
    resp = requests.get(GEOCODER_URL, params={"lat": lat, "lon": lon}, timeout=3)  # ok: REL001
    resp.raise_for_status()
    return resp.json().get("street")


async def _current_zone(conn, lat, lon) -> str | None:
    return await conn.fetchval(
        "SELECT name FROM geofences WHERE ST_Contains(area, ST_SetSRID(ST_MakePoint($1, $2), 4326)) LIMIT 1",
        lon,
        lat,
    )


@router.post("", status_code=202)
async def ingest(batch: PingBatch, device: dict = Depends(current_device), conn=Depends(get_conn)):
    vehicle_id = device["vehicle_id"]
    pings = sorted(batch.pings, key=lambda p: p.recorded_at)
    previous = _last_ping.get(vehicle_id)
    if previous is not None:
        pings = [p for p in pings if p.recorded_at > previous]
    if not pings:
        return {"accepted": 0}
    _last_ping[vehicle_id] = pings[-1].recorded_at  # expect: SCL001, CON002

    rows = [(vehicle_id, p.lat, p.lon, p.speed_kph, p.recorded_at) for p in pings]
    await conn.executemany(  # ok: SEC001
        "INSERT INTO positions (vehicle_id, lat, lon, speed_kph, recorded_at) VALUES ($1, $2, $3, $4, $5)",
        rows,
    )
    latest = pings[-1]
    street = _street_name(latest.lat, latest.lon)  # expect: CON001
    await conn.execute(
        "UPDATE vehicles SET last_lat = $1, last_lon = $2, last_street = $3, last_seen_at = $4 WHERE id = $5",
        latest.lat,
        latest.lon,
        street,
        latest.recorded_at,
        vehicle_id,
    )
    return {"accepted": len(rows)}


@router.get("/fleets/{fleet_id}/latest")
async def fleet_latest(fleet_id: int, user: dict = Depends(current_dispatcher), conn=Depends(get_conn)):
    if fleet_id not in user["fleet_ids"]:  # ok: SEC018
        raise HTTPException(status_code=403, detail="not your fleet")
    vehicles = await conn.fetch(  # ok: DB002
        "SELECT id, plate, last_lat, last_lon, last_street, last_seen_at FROM vehicles "
        "WHERE fleet_id = $1 AND retired_at IS NULL ORDER BY plate LIMIT 500",
        fleet_id,
    )
    result = []
    for v in vehicles:
        zone = await _current_zone(conn, v["last_lat"], v["last_lon"])  # expect: DB001
        result.append({**dict(v), "zone": zone})
    return {"fleet_id": fleet_id, "vehicles": result}


@router.get("/vehicles/{vehicle_id}/track")
async def vehicle_track(vehicle_id: int, since: datetime, user: dict = Depends(current_dispatcher), conn=Depends(get_conn)):
    fleet_id = await conn.fetchval("SELECT fleet_id FROM vehicles WHERE id = $1", vehicle_id)
    if fleet_id is None or fleet_id not in user["fleet_ids"]:
        raise HTTPException(status_code=404, detail="vehicle not found")
    rows = await conn.fetch("SELECT lat, lon, speed_kph, recorded_at FROM positions WHERE vehicle_id = $1 AND recorded_at >= $2 ORDER BY recorded_at", vehicle_id, since)  # expect: DB002
    return {"vehicle_id": vehicle_id, "points": [dict(r) for r in rows]}
