"""Upload intake API: customers post a source video and we queue the transcode."""
import asyncio
import base64
import logging
import os
import pickle
import time
import uuid
from collections import defaultdict

from fastapi import Depends, FastAPI, File, Form, Header, HTTPException, UploadFile

from .clients import db_cursor, s3, sqs
from .settings import RENDITION_PROFILES, get_settings

logger = logging.getLogger(__name__)
app = FastAPI(title="Video intake")

UPLOADS_PER_MINUTE = 30
ABANDONED_AFTER_MINUTES = 120
_recent_uploads: dict[int, list[float]] = defaultdict(list)  # expect: SCL001


def customer_from_key(x_api_key: str = Header(...)) -> dict:
    with db_cursor() as cur:
        cur.execute(
            "SELECT id, name FROM customers WHERE api_key_hash = encode(digest(%s, 'sha256'), 'hex') AND active",
            (x_api_key,),
        )
        row = cur.fetchone()
    if row is None:
        raise HTTPException(status_code=401, detail="invalid API key")
    return row


def _register_video(video_id: str, customer_id: int, source_key: str, profiles: list[str], watermark: str) -> None:
    settings = get_settings()
    with db_cursor() as cur:
        cur.execute(
            "INSERT INTO videos (id, customer_id, source_key, profiles, status) VALUES (%s, %s, %s, %s, 'queued')",
            (video_id, customer_id, source_key, profiles),
        )
        spec = {"video_id": video_id, "customer_id": customer_id, "source_key": source_key,
                "profiles": profiles, "watermark": watermark}
        sqs().send_message(  # expect: REL004
            QueueUrl=settings.jobs_queue_url,
            MessageBody=base64.b64encode(pickle.dumps(spec)).decode("ascii"),
            MessageAttributes={"video_id": {"DataType": "String", "StringValue": video_id}},
        )


@app.post("/v1/videos", status_code=202)
async def upload_video(
    file: UploadFile = File(...),
    profiles: str = Form("720p,480p"),
    watermark: str = Form("", max_length=80),
    customer: dict = Depends(customer_from_key),
):
    requested = [p.strip() for p in profiles.split(",") if p.strip()]
    if not requested or set(requested) - RENDITION_PROFILES.keys():
        raise HTTPException(status_code=422, detail=f"profiles must be among {sorted(RENDITION_PROFILES)}")
    now = time.monotonic()
    recent = [t for t in _recent_uploads[customer["id"]] if now - t < 60]
    if len(recent) >= UPLOADS_PER_MINUTE:
        raise HTTPException(status_code=429, detail="upload rate limit exceeded")

    video_id = uuid.uuid4().hex
    suffix = os.path.splitext(file.filename or "")[1].lower()[:8] or ".mp4"
    source_key = f"{customer['id']}/{video_id}/source{suffix}"
    data = await file.read()  # expect: SEC019
    s3().put_object(Bucket=get_settings().upload_bucket, Key=source_key, Body=data,  # expect: CON001
                    ContentType=file.content_type or "application/octet-stream")
    _register_video(video_id, customer["id"], source_key, requested, watermark)  # expect: CON001
    _recent_uploads[customer["id"]] = recent + [now]  # expect: CON002
    logger.info("video %s accepted for customer %s (%d bytes)", video_id, customer["id"], len(data))
    return {"video_id": video_id, "status": "queued", "profiles": requested}


def _mark_abandoned() -> int:
    with db_cursor() as cur:
        cur.execute(
            "UPDATE videos SET status = 'abandoned' WHERE status = 'uploading' "
            "AND created_at < now() - make_interval(mins => %s)",
            (ABANDONED_AFTER_MINUTES,),
        )
        return cur.rowcount


async def _reap_abandoned_uploads() -> None:
    while True:
        await asyncio.sleep(600)
        try:
            count = await asyncio.to_thread(_mark_abandoned)  # ok: CON001
            logger.info("marked %d abandoned uploads", count)
        except Exception:
            logger.exception("abandoned upload sweep failed")


@app.on_event("startup")
async def start_background_jobs() -> None:
    asyncio.create_task(_reap_abandoned_uploads())  # expect: SCL003


@app.get("/healthz")
def healthz():
    return {"status": "ok"}
