import logging
from datetime import datetime, timedelta, timezone

import requests as http
from fastapi import APIRouter, Depends, HTTPException

from app.auth import current_customer
from app.db import get_async_session
from app.geo import courier_positions
from app.models import Order, OrderStatus
from app.settings import settings

router = APIRouter(prefix="/orders", tags=["eta"])
logger = logging.getLogger(__name__)

PREP_BUFFER = timedelta(minutes=3)

_route_seconds: dict[tuple, float] = {}


def _key(origin: tuple[float, float], destination: tuple[float, float]) -> tuple:
    return (round(origin[0], 4), round(origin[1], 4), round(destination[0], 4), round(destination[1], 4))


def route_duration(origin: tuple[float, float], destination: tuple[float, float]) -> float:
    key = _key(origin, destination)
    if key in _route_seconds:
        return _route_seconds[key]
    resp = http.get(  # expect: REL001
        f"{settings.routing_url}/v1/route",
        params={
            "from": f"{origin[0]},{origin[1]}",
            "to": f"{destination[0]},{destination[1]}",
            "profile": "bike",
        },
    )
    resp.raise_for_status()
    seconds = float(resp.json()["routes"][0]["duration"])
    _route_seconds[key] = seconds  # expect: RES002
    return seconds


@router.get("/{order_id}/eta")
async def order_eta(order_id: int, customer=Depends(current_customer), session=Depends(get_async_session)):
    order = await session.get(Order, order_id)
    if order is None or order.customer_id != customer.id:
        raise HTTPException(status_code=404, detail="order not found")
    if order.status not in (OrderStatus.ASSIGNED, OrderStatus.PICKED_UP):
        return {"order_id": order.id, "status": order.status.value, "eta": None}

    position = await courier_positions.get(order.courier_id)
    if position is None:
        return {"order_id": order.id, "status": order.status.value, "eta": None}

    dropoff = (order.dropoff_lat, order.dropoff_lng)
    if order.status == OrderStatus.ASSIGNED:
        pickup = (order.pickup_lat, order.pickup_lng)
        to_pickup = route_duration(position, pickup)  # expect: CON001
        seconds = to_pickup + PREP_BUFFER.total_seconds() + route_duration(pickup, dropoff)
    else:
        seconds = route_duration(position, dropoff)

    arrival = datetime.now(timezone.utc) + timedelta(seconds=seconds)
    return {"order_id": order.id, "status": order.status.value, "eta": arrival.isoformat()}
