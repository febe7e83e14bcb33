import asyncio
import logging
import os
import uuid

import boto3
from botocore.config import Config
from fastapi import APIRouter, Depends, File, HTTPException, UploadFile, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import CurrentUser, current_user
from ..database import AuditEvent, Claim, ClaimPhoto, get_session

logger = logging.getLogger(__name__)
router = APIRouter(tags=["photos"])

BUCKET = os.environ.get("CLAIM_PHOTOS_BUCKET", "claims-photos-prod")
MAX_PHOTO_BYTES = 12 * 1024 * 1024
MAX_PHOTOS_PER_CLAIM = 30
ALLOWED_TYPES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG"}
CLOSED = ("paid", "denied", "withdrawn", "closed_no_response")

_s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3}))


def _store_photo(key: str, data: bytes, content_type: str) -> None:
    _s3.put_object(
        Bucket=BUCKET,
        Key=key,
        Body=data,
        ContentType=content_type,
        ServerSideEncryption="aws:kms",
    )


async def _read_capped(upload: UploadFile, limit: int) -> bytes:
    chunks, total = [], 0
    while chunk := await upload.read(256 * 1024):
        total += len(chunk)
        if total > limit:
            raise HTTPException(413, detail={"error": "photo_too_large", "max_bytes": limit})
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("/claims/{claim_id}/photos", status_code=status.HTTP_201_CREATED)
async def upload_photo(
    claim_id: int,
    photo: UploadFile = File(...),
    user: CurrentUser = Depends(current_user),
    session: AsyncSession = Depends(get_session),
):
    claim = await session.get(Claim, claim_id)
    if claim is None or claim.claimant_id != user.id:
        raise HTTPException(404, detail={"error": "claim_not_found"})
    if claim.status in CLOSED:
        raise HTTPException(409, detail={"error": "claim_closed"})
    magic = ALLOWED_TYPES.get(photo.content_type or "")
    if magic is None:
        raise HTTPException(415, detail={"error": "unsupported_type"})

    data = await _read_capped(photo, MAX_PHOTO_BYTES)  # ok: SEC019
    if not data.startswith(magic):
        raise HTTPException(415, detail={"error": "unsupported_type"})

    key = f"claims/{claim.id}/{uuid.uuid4().hex}"
    _store_photo(key, data, photo.content_type)  # expect: CON001
    record = ClaimPhoto(claim_id=claim.id, s3_key=key, content_type=photo.content_type,
                        size_bytes=len(data))
    session.add(record)
    session.add(AuditEvent(claim_id=claim.id, actor_id=user.id, action="photo_added",
                           detail={"key": key}))
    await session.commit()
    return {"id": record.id, "size_bytes": record.size_bytes}


@router.get("/claims/{claim_id}/photos")
async def list_photos(
    claim_id: int,
    user: CurrentUser = Depends(current_user),
    session: AsyncSession = Depends(get_session),
):
    claim = await session.get(Claim, claim_id)
    if claim is None or (claim.claimant_id != user.id and not user.is_staff):
        raise HTTPException(404, detail={"error": "claim_not_found"})
    photos = (
        await session.scalars(
            select(ClaimPhoto).where(ClaimPhoto.claim_id == claim.id).limit(MAX_PHOTOS_PER_CLAIM)
        )
    ).all()
    return [
        {
            "id": p.id,
            "content_type": p.content_type,
            "url": _s3.generate_presigned_url(
                "get_object", Params={"Bucket": BUCKET, "Key": p.s3_key}, ExpiresIn=300
            ),
        }
        for p in photos
    ]


@router.delete("/claims/{claim_id}/photos/{photo_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_photo(
    claim_id: int,
    photo_id: int,
    user: CurrentUser = Depends(current_user),
    session: AsyncSession = Depends(get_session),
):
    photo = await session.get(ClaimPhoto, photo_id)
    if photo is None or photo.claim_id != claim_id:
        raise HTTPException(404, detail={"error": "photo_not_found"})
    await asyncio.to_thread(_s3.delete_object, Bucket=BUCKET, Key=photo.s3_key)  # ok: CON001
    await session.delete(photo)  # expect: SEC018
    session.add(AuditEvent(claim_id=claim_id, actor_id=user.id, action="photo_deleted",
                           detail={"key": photo.s3_key}))
    await session.commit()
