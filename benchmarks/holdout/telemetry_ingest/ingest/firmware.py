import asyncio
import json
import logging
from contextlib import closing

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from cachetools import TTLCache
from fastapi import APIRouter, Depends, HTTPException, Request

from ingest.device_auth import Device, authenticate_device
from ingest.settings import settings

router = APIRouter(prefix="/v1/firmware", tags=["firmware"])
logger = logging.getLogger(__name__)

LINK_SECONDS = 900

_s3 = boto3.client(
    "s3",
    config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"}),  # ok: REL001
)
_manifests: TTLCache = TTLCache(maxsize=256, ttl=600)  # ok: RES002


def _fetch_manifest(model_code: str) -> dict | None:
    try:
        obj = _s3.get_object(Bucket=settings.firmware_bucket, Key=f"manifests/{model_code}.json")
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "NoSuchKey":
            return None
        raise
    with closing(obj["Body"]) as body:
        return json.loads(body.read())  # ok: RES003


@router.get("/latest")
async def latest_firmware(request: Request, device: Device = Depends(authenticate_device)):
    model_code = await request.app.state.pool.fetchval("SELECT model_code FROM devices WHERE device_id = $1", device.id)
    manifest = _manifests.get(model_code)
    if manifest is None:
        try:
            manifest = await asyncio.to_thread(_fetch_manifest, model_code)  # ok: CON001
        except (BotoCoreError, ClientError):
            logger.warning("firmware manifest unavailable model=%s device_id=%s", model_code, device.id, exc_info=True)
            raise HTTPException(status_code=503, detail="firmware service unavailable, retry later")
        if manifest is None:
            raise HTTPException(status_code=404, detail="no firmware published for this model")
        _manifests[model_code] = manifest

    url = _s3.generate_presigned_url(  # ok: CON001
        "get_object",
        Params={"Bucket": settings.firmware_bucket, "Key": manifest["object_key"]},
        ExpiresIn=LINK_SECONDS,
    )
    return {"version": manifest["version"], "sha256": manifest["sha256"], "url": url, "expires_in": LINK_SECONDS}
