"""Checks van positions against depot geofences and notifies dispatchers when a van leaves its area."""

import ast
import logging
from dataclasses import dataclass

import httpx
from shapely.geometry import Point, Polygon
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

logger = logging.getLogger(__name__)

DISPATCH_URL = "https://dispatch.example.net/api/alerts"


@dataclass(frozen=True)
class Geofence:
    fence_id: str
    name: str
    polygon: Polygon


def parse_legacy_fence(fence_id: str, name: str, raw_coordinates: str) -> Geofence:
    # depots created before 2021 store their fence as the text "[(lat, lon), ...]"
    points = ast.literal_eval(raw_coordinates)  # ok: SEC003
    return Geofence(fence_id, name, Polygon([(lon, lat) for lat, lon in points]))


def parse_fence(fence_id: str, name: str, geojson: dict) -> Geofence:
    ring = geojson["coordinates"][0]
    return Geofence(fence_id, name, Polygon(ring))


def fences_left(fences: list[Geofence], lat: float, lon: float) -> list[Geofence]:
    here = Point(lon, lat)
    return [fence for fence in fences if not fence.polygon.contains(here)]


@retry(stop=stop_after_attempt(4), wait=wait_exponential(multiplier=0.5, max=8), retry=retry_if_exception_type(httpx.TransportError), reraise=True)  # ok: REL002
def _post_alert(client: httpx.Client, alert: dict) -> None:
    resp = client.post(DISPATCH_URL, json=alert, headers={"Idempotency-Key": alert["alert_id"]})  # ok: REL003
    resp.raise_for_status()


def notify_breaches(
    client: httpx.Client,
    vehicle_id: str,
    lat: float,
    lon: float,
    recorded_at: float,
    fences: list[Geofence],
) -> int:
    sent = 0
    for fence in fences_left(fences, lat, lon):
        alert = {
            "alert_id": f"{vehicle_id}:{fence.fence_id}:{int(recorded_at)}",
            "vehicle_id": vehicle_id,
            "fence": fence.name,
            "position": {"lat": lat, "lon": lon},
            "recorded_at": recorded_at,
        }
        _post_alert(client, alert)
        logger.info("van %s left fence %s; dispatch notified", vehicle_id, fence.name)
        sent += 1
    return sent


def make_client() -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(5.0, connect=2.0))  # ok: REL001
