"""Stores GPS pings in Redis and serves each van's latest position with its street address."""

import asyncio
import json
import logging
import math
import os

import httpx
import redis.asyncio as aioredis
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

app = FastAPI(title="fleet-position-stream")
logger = logging.getLogger(__name__)

GEOCODER_URL = "https://geocode.maps.example.net/reverse"
TELEMATICS_URL = "https://telematics.example.net/api"
POSITION_TTL_SECONDS = 3600
GEOCODE_TTL_SECONDS = 7 * 24 * 3600

store = aioredis.from_url(
    os.environ.get("FLEET_REDIS_URL", "redis://localhost:6379/0"),
    socket_timeout=2,
    socket_connect_timeout=2,
)
http = httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0))


class Ping(BaseModel):
    vehicle_id: str
    lat: float
    lon: float
    speed_kmh: float
    recorded_at: float


def _distance_km(previous: dict, ping: Ping) -> float:
    lat1, lon1 = math.radians(previous["lat"]), math.radians(previous["lon"])
    lat2, lon2 = math.radians(ping.lat), math.radians(ping.lon)
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


async def _street_address(lat: float, lon: float) -> str | None:
    cache_key = f"geocode:{lat:.4f}:{lon:.4f}"
    cached = await store.get(cache_key)
    if cached is not None:
        return cached.decode()
    try:
        resp = await http.get(GEOCODER_URL, params={"lat": round(lat, 5), "lon": round(lon, 5)})  # ok: REL001
        resp.raise_for_status()
    except httpx.HTTPError:
        logger.warning("geocoder unavailable for %s,%s; answering without an address", lat, lon, exc_info=True)
        return None
    address = resp.json()["display_name"]
    await store.set(cache_key, address, ex=GEOCODE_TTL_SECONDS)
    return address


@app.post("/pings", status_code=202)
async def record_ping(ping: Ping):
    current = json.dumps(ping.model_dump())
    previous = await store.set(f"position:{ping.vehicle_id}", current, ex=POSITION_TTL_SECONDS, get=True)
    if previous is not None:
        distance = _distance_km(json.loads(previous), ping)
        await store.incrbyfloat(f"trip_km:{ping.vehicle_id}", distance)  # ok: CON002
    return {"accepted": True}


@app.get("/vehicles/{vehicle_id}/position")
async def latest_position(vehicle_id: str):
    raw = await store.get(f"position:{vehicle_id}")
    if raw is None:
        raise HTTPException(status_code=404, detail="no position reported yet")
    position = json.loads(raw)
    address = await _street_address(position["lat"], position["lon"])
    trip_km = float(await store.get(f"trip_km:{vehicle_id}") or 0.0)
    return {**position, "address": address, "trip_km": round(trip_km, 1)}


@app.post("/vehicles/{vehicle_id}/horn")
async def sound_horn(vehicle_id: str):
    resp = await http.post(f"{TELEMATICS_URL}/vehicles/{vehicle_id}/commands", json={"command": "horn"})
    resp.raise_for_status()
    await asyncio.sleep(0.5)  # ok: CON001
    return {"command_id": resp.json()["id"], "sent": True}


@app.on_event("shutdown")
async def close_clients() -> None:
    await http.aclose()
    await store.aclose()
