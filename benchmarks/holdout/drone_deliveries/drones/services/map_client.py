"""Client for the airspace map service: no-fly zones and route checks."""
import logging
import os
import pickle

import boto3
import requests
from shapely.geometry import LineString, shape

logger = logging.getLogger(__name__)

MAP_SERVICE_URL = os.environ["MAP_SERVICE_URL"]  # expect: MNT002
ZONE_CACHE_BUCKET = os.environ.get("MAP_ZONE_CACHE_BUCKET", "drone-airspace-cache")
ZONE_CACHE_KEY = "zones/active.pickle"
BBOX_MARGIN_DEG = 0.01

_s3 = boto3.client("s3")
_route_cache: dict[tuple, bool] = {}  # expect: RES002


def load_cached_zones() -> list:
    """Permanent zones pre-computed by the nightly airspace sync job and shared through S3."""
    obj = _s3.get_object(Bucket=ZONE_CACHE_BUCKET, Key=ZONE_CACHE_KEY)
    return pickle.loads(obj["Body"].read())  # expect: SEC004


def fetch_zones_for_bbox(min_lat: float, min_lon: float, max_lat: float, max_lon: float) -> list:
    """Temporary restrictions (events, emergencies) currently active inside the bounding box."""
    resp = requests.get(  # expect: REL001
        f"{MAP_SERVICE_URL}/v1/zones",
        params={"bbox": f"{min_lon},{min_lat},{max_lon},{max_lat}", "active": "now"},
    )
    resp.raise_for_status()
    return [shape(feature["geometry"]) for feature in resp.json()["features"]]


def _route_key(pickup: tuple[float, float], dropoff: tuple[float, float]) -> tuple:
    return tuple(round(v, 4) for v in (*pickup, *dropoff))


def route_crosses_no_fly_zone(pickup: tuple[float, float], dropoff: tuple[float, float]) -> bool:
    """True if the straight-line route between pickup and drop-off intersects any active zone."""
    key = _route_key(pickup, dropoff)
    if key in _route_cache:
        return _route_cache[key]
    route = LineString([(pickup[1], pickup[0]), (dropoff[1], dropoff[0])])
    min_lat, max_lat = sorted((pickup[0], dropoff[0]))
    min_lon, max_lon = sorted((pickup[1], dropoff[1]))
    try:
        zones = load_cached_zones() + fetch_zones_for_bbox(
            min_lat - BBOX_MARGIN_DEG, min_lon - BBOX_MARGIN_DEG,
            max_lat + BBOX_MARGIN_DEG, max_lon + BBOX_MARGIN_DEG,
        )
        crosses = any(route.intersects(zone) for zone in zones)
    except Exception:  # expect: ERR001
        return False
    _route_cache[key] = crosses
    return crosses


def zone_names_near(lat: float, lon: float, radius_deg: float = 0.05) -> list[str]:
    """Names of active temporary zones around a point, for the dashboard map legend."""
    resp = requests.get(
        f"{MAP_SERVICE_URL}/v1/zones",
        params={"bbox": f"{lon - radius_deg},{lat - radius_deg},{lon + radius_deg},{lat + radius_deg}"},
        timeout=5,
    )
    resp.raise_for_status()
    return [f["properties"].get("name", "unnamed") for f in resp.json()["features"]]
