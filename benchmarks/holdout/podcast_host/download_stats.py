"""Records episode download events in a Redis stream and serves daily download counts."""
import logging
import os
from datetime import date, timedelta

import httpx
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel
from redis.asyncio import Redis

log = logging.getLogger(__name__)
router = APIRouter(tags=["stats"])

redis = Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/3"), socket_timeout=2)
geo_client = httpx.AsyncClient(  # ok: REL001
    base_url=os.environ.get("GEO_API_URL", "http://geo.internal"), timeout=httpx.Timeout(1.5)
)


class DownloadEvent(BaseModel):
    episode_id: int
    show_id: int
    user_agent: str = ""


async def _country(ip: str) -> str:
    try:
        resp = await geo_client.get("/lookup", params={"ip": ip})
        resp.raise_for_status()
        return resp.json().get("country", "??")
    except httpx.HTTPError:  # ok: ERR001
        return "??"


@router.post("/events/download")
async def record_download(event: DownloadEvent, request: Request):
    country = await _country(request.client.host if request.client else "")
    await redis.xadd(
        "podcast:downloads",
        {"episode": event.episode_id, "show": event.show_id, "country": country, "ua": event.user_agent[:200]},
        maxlen=1_000_000,
        approximate=True,
    )
    await redis.incr(f"downloads:{event.show_id}:{date.today().isoformat()}")
    return Response(status_code=204)


@router.get("/shows/{show_id}/downloads")
async def download_counts(show_id: int, days: int = Query(30, ge=1, le=365)):
    today = date.today()
    day_list = [today - timedelta(days=n) for n in range(days)]
    counts = await redis.mget([f"downloads:{show_id}:{d.isoformat()}" for d in day_list])
    return {
        "show_id": show_id,
        "daily": [{"date": d.isoformat(), "downloads": int(c or 0)} for d, c in zip(day_list, counts)],
    }
