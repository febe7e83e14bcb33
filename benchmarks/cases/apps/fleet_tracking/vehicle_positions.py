"""Receives GPS pings from delivery vans and serves each van's latest position."""

import logging
import math
import time
from functools import lru_cache

import requests
from apscheduler.schedulers.background import BackgroundScheduler
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

app = FastAPI(title="fleet-positions")
logger = logging.getLogger(__name__)

GEOCODER_URL = "https://geocode.maps.example.net/reverse"
TELEMATICS_URL = "https://telematics.example.net/api"
_last_positions: dict[str, dict] = {}  # expect: SCL001
_trip_km: dict[str, float] = {}  # expect: SCL001


class Ping(BaseModel):
    vehicle_id: str
    lat: float
    lon: float
    speed_kmh: float
    recorded_at: float


@lru_cache(maxsize=None)  # expect: RES002
def reverse_geocode(lat: float, lon: float) -> str:
    resp = requests.get(GEOCODER_URL, params={"lat": round(lat, 5), "lon": round(lon, 5)})  # expect: REL001
    resp.raise_for_status()
    return resp.json()["display_name"]


def _distance_km(previous: dict, ping: Ping) -> float:
    lat1, lon1 = math.radians(previous["lat"]), math.radians(previous["lon"])
    lat2, lon2 = math.radians(ping.lat), math.radians(ping.lon)
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


@app.post("/pings", status_code=202)
def record_ping(ping: Ping):
    previous = _last_positions.get(ping.vehicle_id)
    if previous is not None:
        _trip_km[ping.vehicle_id] = _trip_km.get(ping.vehicle_id, 0.0) + _distance_km(previous, ping)  # expect: CON002
    _last_positions[ping.vehicle_id] = {  # expect: CON002
        "lat": ping.lat,
        "lon": ping.lon,
        "speed_kmh": ping.speed_kmh,
        "recorded_at": ping.recorded_at,
    }
    return {"accepted": True}


@app.get("/vehicles/{vehicle_id}/position")
async def latest_position(vehicle_id: str):
    position = _last_positions.get(vehicle_id)
    if position is None:
        raise HTTPException(status_code=404, detail="no position reported yet")
    address = reverse_geocode(position["lat"], position["lon"])  # expect: CON001
    return {**position, "address": address, "trip_km": round(_trip_km.get(vehicle_id, 0.0), 1)}


@app.post("/vehicles/{vehicle_id}/horn")
async def sound_horn(vehicle_id: str):
    resp = requests.post(f"{TELEMATICS_URL}/vehicles/{vehicle_id}/commands", json={"command": "horn"}, timeout=5)  # expect: CON001
    resp.raise_for_status()
    time.sleep(0.5)  # expect: CON001
    return {"command_id": resp.json()["id"], "sent": True}


def _purge_stale_vehicles() -> None:
    cutoff = time.time() - 3600
    for vehicle_id, position in list(_last_positions.items()):
        if position["recorded_at"] < cutoff:
            _last_positions.pop(vehicle_id, None)
            _trip_km.pop(vehicle_id, None)
    logger.info("position table holds %d vehicles", len(_last_positions))


scheduler = BackgroundScheduler()
scheduler.add_job(_purge_stale_vehicles, "interval", minutes=5)
scheduler.start()  # expect: SCL003
