"""Read-only status API: processing state, renditions and playback links for customers."""
import asyncio
import logging
import threading
from datetime import datetime

from cachetools import TTLCache
from fastapi import Depends, FastAPI, Header, HTTPException, Query

from .clients import db_cursor, s3
from .settings import get_settings

logger = logging.getLogger(__name__)
app = FastAPI(title="Video status")

TERMINAL_STATES = ("ready", "purged", "failed")
PLAYBACK_URL_TTL = 3600

_metadata_cache: TTLCache = TTLCache(maxsize=10_000, ttl=300)
_cache_lock = threading.Lock()


def current_customer(x_api_key: str = Header(...)) -> int:
    with db_cursor() as cur:
        cur.execute(
            "SELECT id FROM customers WHERE api_key_hash = encode(digest(%s, 'sha256'), 'hex') AND active",
            (x_api_key,),
        )
        row = cur.fetchone()
    if row is None:
        raise HTTPException(status_code=401, detail="invalid API key")
    return row["id"]


def _load_video(video_id: str, customer_id: int) -> dict | None:
    """Video metadata; finished videos are cached because they no longer change."""
    key = (customer_id, video_id)
    with _cache_lock:
        cached = _metadata_cache.get(key)
    if cached is not None:
        return cached
    with db_cursor() as cur:
        cur.execute(
            "SELECT id, status, profiles, duration_seconds, thumbnail_keys, created_at, finished_at "
            "FROM videos WHERE id = %s AND customer_id = %s",  # ok: SEC018
            (video_id, customer_id),
        )
        row = cur.fetchone()
    if row is not None and row["status"] in TERMINAL_STATES:
        with _cache_lock:
            _metadata_cache[key] = dict(row)  # ok: RES002, CON002
    return row


@app.get("/v1/videos/{video_id}")
def get_video(video_id: str, customer_id: int = Depends(current_customer)):
    video = _load_video(video_id, customer_id)
    if video is None:
        raise HTTPException(status_code=404, detail="video not found")
    return video


@app.get("/v1/videos")
def list_videos(
    status: str | None = None,
    before: datetime | None = None,
    limit: int = Query(50, ge=1, le=200),
    customer_id: int = Depends(current_customer),
):
    """Newest first; pass the last item's created_at as `before` for the next page."""
    with db_cursor() as cur:
        cur.execute(
            "SELECT id, status, created_at, finished_at FROM videos WHERE customer_id = %s "
            "AND (%s::text IS NULL OR status = %s) AND (%s::timestamptz IS NULL OR created_at < %s) "
            "ORDER BY created_at DESC LIMIT %s",
            (customer_id, status, status, before, before, limit),
        )
        items = cur.fetchall()  # ok: DB002
    return {"items": items, "next_before": items[-1]["created_at"] if len(items) == limit else None}


def _signed_urls(customer_id: int, video_id: str, profiles: list[str]) -> dict[str, str]:
    bucket = get_settings().output_bucket
    return {
        profile: s3().generate_presigned_url(
            "get_object",
            Params={"Bucket": bucket, "Key": f"{customer_id}/{video_id}/{profile}.mp4"},
            ExpiresIn=PLAYBACK_URL_TTL,
        )
        for profile in profiles
    }


@app.get("/v1/videos/{video_id}/playback")
async def playback_urls(video_id: str, customer_id: int = Depends(current_customer)):
    video = await asyncio.to_thread(_load_video, video_id, customer_id)  # ok: CON001
    if video is None or video["status"] != "ready":
        raise HTTPException(status_code=404, detail="video not ready")
    urls = await asyncio.to_thread(_signed_urls, customer_id, video_id, video["profiles"])
    return {"video_id": video_id, "expires_in": PLAYBACK_URL_TTL, "urls": urls}


@app.get("/healthz")
def healthz():
    with db_cursor() as cur:
        cur.execute("SELECT 1 AS ok")
        cur.fetchone()
    return {"status": "ok"}
