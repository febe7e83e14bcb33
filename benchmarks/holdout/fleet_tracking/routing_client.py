"""Client for the maps/routing provider and the ETA endpoint built on it."""
import json
import logging

import httpx
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from .deps import current_dispatcher, get_conn, get_redis, settings

logger = logging.getLogger("fleet.routing")
router = APIRouter(prefix="/v1/routes", tags=["routing"])

ETA_CACHE_SECONDS = 60
_TIMEOUT = httpx.Timeout(4.0, connect=2.0)


class RoutingClient:
    """Thin async wrapper around the provider's /route endpoint (reads only)."""

    def __init__(self, base_url: str, api_key: str):
        self._client = httpx.AsyncClient(  # ok: REL001
            base_url=base_url, headers={"Authorization": f"Bearer {api_key}"}, timeout=_TIMEOUT
        )

    @retry(  # ok: REL002, REL003
        stop=stop_after_attempt(3),
        wait=wait_exponential_jitter(initial=0.2, max=2.0),
        retry=retry_if_exception_type(httpx.TransportError),
        reraise=True,
    )
    async def route(self, origin: tuple[float, float], destination: tuple[float, float]) -> dict:
        resp = await self._client.get(
            "/route",
            params={"from": f"{origin[0]},{origin[1]}", "to": f"{destination[0]},{destination[1]}", "profile": "truck"},
        )
        resp.raise_for_status()
        body = resp.json()
        return {"distance_km": body["distance_m"] / 1000, "duration_min": body["duration_s"] / 60}

    async def aclose(self) -> None:
        await self._client.aclose()


def route_distance_km(origin: tuple[float, float], destination: tuple[float, float]) -> float:
    """Blocking variant for the nightly mileage reconciliation script."""
    with httpx.Client(base_url=settings.routing_url, timeout=_TIMEOUT,
                      headers={"Authorization": f"Bearer {settings.routing_api_key}"}) as client:  # ok: REL001, RES001
        resp = client.get("/route", params={"from": f"{origin[0]},{origin[1]}", "to": f"{destination[0]},{destination[1]}"})
        resp.raise_for_status()
        return resp.json()["distance_m"] / 1000


@router.get("/eta")
async def eta(
    request: Request,
    vehicle_id: int,
    lat: float = Query(ge=-90, le=90),
    lon: float = Query(ge=-180, le=180),
    user: dict = Depends(current_dispatcher),
    conn=Depends(get_conn),
    redis=Depends(get_redis),
):
    vehicle = await conn.fetchrow("SELECT fleet_id, last_lat, last_lon FROM vehicles WHERE id = $1", vehicle_id)
    if vehicle is None or vehicle["fleet_id"] not in user["fleet_ids"]:
        raise HTTPException(status_code=404, detail="vehicle not found")
    cache_key = f"eta:{vehicle_id}:{lat:.4f}:{lon:.4f}"
    cached = await redis.get(cache_key)
    if cached is not None:
        return json.loads(cached)
    try:
        result = await request.app.state.routing.route((vehicle["last_lat"], vehicle["last_lon"]), (lat, lon))
    except httpx.HTTPError:
        logger.warning("routing provider failed for vehicle %s", vehicle_id, exc_info=True)
        raise HTTPException(status_code=503, detail="routing is temporarily unavailable")  # ok: ERR002
    await redis.set(cache_key, json.dumps(result), ex=ETA_CACHE_SECONDS)  # ok: SCL001
    return result
