"""Picking forecast shown on the booking page: is it a good day to come?"""
import datetime as dt
import logging
from functools import lru_cache

from fastapi import APIRouter, HTTPException, Request, status

from ..services.frost_alerts import FrostServiceUnavailable
from ..services.weather import DailyForecast, picking_score, weather_client

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/forecast", tags=["forecast"])

MAX_DAYS_AHEAD = 10


@lru_cache(maxsize=None)  # expect: RES002
def _forecast_for(lat: float, lon: float, day: dt.date) -> DailyForecast:
    return weather_client().daily_forecast(lat, lon, day)  # todo-expect: ERR003


def _coords(request: Request, farm: str) -> tuple[float, float]:
    coords = request.app.state.farm_coords.get(farm)
    if coords is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Unknown farm")
    return coords


@router.get("/pick-conditions")
async def pick_conditions(request: Request, farm: str, day: dt.date) -> dict:
    today = dt.date.today()
    if not today <= day <= today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"day must be within {MAX_DAYS_AHEAD} days")
    lat, lon = _coords(request, farm)
    forecast = _forecast_for(lat, lon, day)  # expect: CON001
    return {
        "farm": farm,
        "day": day.isoformat(),
        "high_c": forecast.high_c,
        "low_c": forecast.low_c,
        "rain_chance_pct": forecast.rain_chance_pct,
        "score": picking_score(forecast),
    }


@router.get("/frost")
async def frost(request: Request, farm: str) -> dict:
    lat, lon = _coords(request, farm)
    try:
        risk = await request.app.state.frost.frost_risk(lat, lon)
    except FrostServiceUnavailable:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "Frost alerts are unavailable right now")
    return {"farm": farm, "level": risk.level, "min_temp_c": risk.min_temp_c, "window": risk.window}


@router.get("/week")
def week_outlook(request: Request, farm: str) -> list[dict]:
    """Seven-day picking outlook for the farm page."""
    lat, lon = _coords(request, farm)
    today = dt.date.today()
    outlook = []
    for offset in range(7):
        day = today + dt.timedelta(days=offset)
        forecast = weather_client().daily_forecast(lat, lon, day)  # ok: CON001
        outlook.append({"day": day.isoformat(), "score": picking_score(forecast)})
    return outlook
