"""Before/after grooming photos taken by staff and shown to the pet's owner."""
import asyncio
import logging
import uuid

import boto3
from botocore.config import Config
from fastapi import APIRouter, Depends, HTTPException, UploadFile, status
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_customer, require_staff
from ..config import get_settings
from ..db import get_session
from ..models import Appointment, Customer

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/appointments/{appointment_id}/photos", tags=["gallery"])
settings = get_settings()

s3 = boto3.client(
    "s3",
    region_name=settings.aws_region,
    config=Config(connect_timeout=3, read_timeout=15, retries={"max_attempts": 3, "mode": "standard"}),
)
ALLOWED = {b"\xff\xd8\xff": ("image/jpeg", "jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", "png")}
CHUNK = 64 * 1024


def _detect(head: bytes):
    for magic, kind in ALLOWED.items():
        if head.startswith(magic):
            return kind
    return None


async def _read_capped(upload: UploadFile, limit: int) -> bytes:
    buf = bytearray()
    while chunk := await upload.read(CHUNK):
        buf.extend(chunk)
        if len(buf) > limit:  # ok: SEC019
            raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "photo too large")
    return bytes(buf)


@router.post("", status_code=status.HTTP_201_CREATED)
async def add_photo(appointment_id: int, file: UploadFile, stage: str = "after",
                    staff: Customer = Depends(require_staff), session: AsyncSession = Depends(get_session)):
    if stage not in ("before", "after"):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "stage must be before or after")
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "appointment not found")
    data = await _read_capped(file, settings.photo_max_bytes)
    kind = _detect(data[:16])
    if kind is None:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "only JPEG or PNG photos")
    content_type, ext = kind
    key = f"appointments/{appointment.id}/{stage}-{uuid.uuid4().hex}.{ext}"
    await asyncio.to_thread(  # ok: CON001, SCL002
        s3.put_object, Bucket=settings.photo_bucket, Key=key, Body=data, ContentType=content_type
    )
    logger.info("grooming photo stored appointment=%s key=%s staff=%s", appointment.id, key, staff.id)
    return {"key": key}


@router.get("")
async def list_photos(appointment_id: int, customer: Customer = Depends(current_customer),
                      session: AsyncSession = Depends(get_session)):
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None or (appointment.customer_id != customer.id and not customer.is_staff):  # ok: SEC018
        raise HTTPException(status.HTTP_404_NOT_FOUND, "appointment not found")
    listing = await asyncio.to_thread(
        s3.list_objects_v2, Bucket=settings.photo_bucket, Prefix=f"appointments/{appointment.id}/", MaxKeys=20
    )
    urls = []
    for obj in listing.get("Contents", []):
        url = await asyncio.to_thread(
            s3.generate_presigned_url, "get_object",
            Params={"Bucket": settings.photo_bucket, "Key": obj["Key"]}, ExpiresIn=600,
        )
        urls.append({"key": obj["Key"], "url": url})
    return {"appointment_id": appointment.id, "photos": urls}
