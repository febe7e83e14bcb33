"""Forward geocoding of pickup and drop-off addresses through the maps provider."""
import logging
from functools import lru_cache

import requests

from ..settings import get_settings

log = logging.getLogger(__name__)
settings = get_settings()

_session = requests.Session()
_session.headers["User-Agent"] = "pedalpost-dispatch/1.9 (+ops@pedalpost.example)"

# Addresses outside this box are typos or the wrong city; the fleet rides in one metro area.
SERVICE_AREA = {"min_lat": 37.60, "max_lat": 37.90, "min_lng": -122.55, "max_lng": -122.20}


class AddressNotFound(LookupError):
    """The provider had no match, or the match is outside the service area."""


def _normalise(address: str) -> str:
    return " ".join(address.replace(",", " , ").split()).lower()


def _in_service_area(lat: float, lng: float) -> bool:
    box = SERVICE_AREA
    return box["min_lat"] <= lat <= box["max_lat"] and box["min_lng"] <= lng <= box["max_lng"]


@lru_cache(maxsize=None)  # expect: RES002
def _lookup(address: str) -> tuple[float, float] | None:
    resp = _session.get(  # todo-expect: ERR003
        f"{settings.geocoder_base_url}/search",
        params={
            "q": address,
            "limit": 1,
            "country": settings.geocoder_country,
            "key": settings.geocoder_api_key.get_secret_value(),
        },
        timeout=4,
    )
    log.info("geocoder GET %s -> %s", resp.url, resp.status_code)  # expect: SEC007
    resp.raise_for_status()
    features = resp.json().get("features") or []
    if not features:
        return None
    lng, lat = features[0]["geometry"]["coordinates"]
    return lat, lng


async def geocode(address: str) -> tuple[float, float]:
    """Latitude and longitude for a street address inside the service area."""
    coords = _lookup(_normalise(address))  # expect: CON001
    if coords is None or not _in_service_area(*coords):
        raise AddressNotFound(address)
    return coords


async def geocode_many(addresses: list[str]) -> dict[str, tuple[float, float] | None]:
    """Used by the CSV bulk-upload screen; unknown addresses map to None."""
    results: dict[str, tuple[float, float] | None] = {}
    for address in addresses[:200]:
        try:
            results[address] = await geocode(address)
        except AddressNotFound:
            results[address] = None
    return results
