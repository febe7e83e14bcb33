import logging
import math
from decimal import ROUND_HALF_UP, Decimal

import httpx
from cachetools import TTLCache
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from app.auth import current_customer
from app.restaurants import RestaurantRepository, get_restaurant_repository
from app.settings import settings

router = APIRouter(prefix="/quotes", tags=["quotes"])
logger = logging.getLogger(__name__)

BASE_FEE = Decimal("1.99")
PER_KM = Decimal("0.45")
MAX_KM = 12.0

_distance_km_cache: TTLCache = TTLCache(maxsize=20_000, ttl=300)  # ok: RES002
_routing = httpx.AsyncClient(
    base_url=settings.routing_url,
    timeout=httpx.Timeout(2.0, connect=1.0),  # ok: REL001
)


class QuoteRequest(BaseModel):
    restaurant_id: int
    dropoff_lat: float = Field(ge=-90, le=90)
    dropoff_lng: float = Field(ge=-180, le=180)


class Quote(BaseModel):
    restaurant_id: int
    distance_km: float
    delivery_fee: Decimal
    estimated: bool


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


async def _road_distance_km(origin: tuple[float, float], dest: tuple[float, float]) -> float:
    key = (round(origin[0], 3), round(origin[1], 3), round(dest[0], 3), round(dest[1], 3))
    cached = _distance_km_cache.get(key)
    if cached is not None:
        return cached
    resp = await _routing.get(  # ok: CON001
        "/v1/distance",
        params={"from": f"{origin[0]},{origin[1]}", "to": f"{dest[0]},{dest[1]}", "profile": "bike"},
    )
    resp.raise_for_status()
    km = resp.json()["meters"] / 1000
    _distance_km_cache[key] = km
    return km


@router.post("", response_model=Quote)
async def quote_delivery(
    body: QuoteRequest,
    customer=Depends(current_customer),
    restaurants: RestaurantRepository = Depends(get_restaurant_repository),
) -> Quote:
    restaurant = await restaurants.get(body.restaurant_id)
    if restaurant is None or not restaurant.accepting_orders:
        raise HTTPException(status_code=404, detail="restaurant not found")

    origin = (restaurant.lat, restaurant.lng)
    dest = (body.dropoff_lat, body.dropoff_lng)
    estimated = False
    try:
        km = await _road_distance_km(origin, dest)
    except httpx.HTTPError:
        logger.warning(
            "routing unavailable, using straight-line distance restaurant_id=%s customer_id=%s",
            restaurant.id,
            customer.id,
            exc_info=True,
        )
        km = _haversine_km(origin, dest) * 1.3
        estimated = True

    if km > MAX_KM:
        raise HTTPException(status_code=422, detail="address is outside the delivery area")

    fee = (BASE_FEE + PER_KM * Decimal(str(km))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Quote(restaurant_id=restaurant.id, distance_km=round(km, 2), delivery_fee=fee, estimated=estimated)
