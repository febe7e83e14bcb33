"""Exhibitor logo upload to object storage.

The logo is sent as the raw request body (PUT, Content-Type image/png or
image/jpeg). The body is streamed into a spooled temp file with a hard cap,
sniffed for its real type, and handed to S3 off the event loop.
"""
import logging
import tempfile
import uuid

import boto3
from botocore.config import Config
from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from expo.config import settings
from expo.db import get_db
from expo.security import Principal, current_principal, exhibitor_for_principal

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/exhibitors/{exhibitor_id}/logo", tags=["logos"])

s3 = boto3.client(
    "s3",
    region_name=settings.aws_region,
    config=Config(connect_timeout=3, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"}),
)

SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def _sniff(head: bytes):
    for magic, content_type in SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    return None


def _store(exhibitor_id: int, spool, content_type: str, db: Session, principal: Principal) -> str:
    exhibitor = exhibitor_for_principal(exhibitor_id, db, principal)
    key = f"logos/{exhibitor.id}/{uuid.uuid4().hex}"  # ok: SEC015
    s3.upload_fileobj(spool, settings.asset_bucket, key, ExtraArgs={"ContentType": content_type})  # ok: SCL002
    exhibitor.logo_key = key
    db.commit()
    return key


@router.put("", status_code=status.HTTP_201_CREATED)
async def upload_logo(  # ok: CON001
    exhibitor_id: int,
    request: Request,
    db: Session = Depends(get_db),
    principal: Principal = Depends(current_principal),
):
    declared = request.headers.get("content-length", "")
    if declared and (not declared.isdigit() or int(declared) > settings.max_logo_bytes):
        raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "logo too large")

    # max_size above the cap: the spool never rolls over to disk, so writes stay in memory
    with tempfile.SpooledTemporaryFile(max_size=settings.max_logo_bytes + 1) as spool:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > settings.max_logo_bytes:  # ok: SEC019
                raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "logo too large")
            spool.write(chunk)
        spool.seek(0)
        content_type = _sniff(spool.read(16))
        if content_type is None:
            raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "logo must be PNG or JPEG")
        spool.seek(0)
        key = await run_in_threadpool(_store, exhibitor_id, spool, content_type, db, principal)

    logger.info("logo for exhibitor %s stored at %s (%s bytes)", exhibitor_id, key, received)
    return {"key": key, "content_type": content_type, "size_bytes": received}
