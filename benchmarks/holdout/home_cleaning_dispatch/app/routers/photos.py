"""Photo proof: cleaners upload before/after photos, the booking's customer can view them."""
import asyncio
import logging
from pathlib import Path

from fastapi import APIRouter, Depends, File, HTTPException, UploadFile, status
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import current_user, require_role
from app.core import get_session, settings
from app.models import Booking, Cleaner, Photo, User

logger = logging.getLogger(__name__)
router = APIRouter(tags=["photos"])

UPLOAD_ROOT = Path(settings.upload_dir)
ALLOWED_TYPES = {"image/jpeg", "image/png", "image/heic"}
MAX_PHOTOS_PER_BOOKING = 20


def _write_file(dest: Path, data: bytes) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)


@router.post("/bookings/{booking_id}/photos", status_code=status.HTTP_201_CREATED)
async def upload_photo(
    booking_id: int,
    file: UploadFile = File(...),
    user: User = Depends(require_role("cleaner")),
    session: AsyncSession = Depends(get_session),
):
    booking = await session.scalar(
        select(Booking)
        .join(Cleaner, Cleaner.id == Booking.cleaner_id)
        .where(Booking.id == booking_id, Cleaner.user_id == user.id)  # ok: SEC018
    )
    if booking is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Booking not found")
    if file.content_type not in ALLOWED_TYPES:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "Upload a JPEG, PNG or HEIC photo")
    existing = await session.scalar(
        select(Photo.id).where(Photo.booking_id == booking.id).offset(MAX_PHOTOS_PER_BOOKING - 1).limit(1)
    )
    if existing is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "Photo limit reached for this booking")

    data = await file.read()  # expect: SEC019, RES003
    dest = UPLOAD_ROOT / str(booking.id) / file.filename  # expect: SEC015
    await asyncio.to_thread(_write_file, dest, data)  # expect: SCL002

    photo = Photo(
        booking_id=booking.id,
        uploaded_by=user.id,
        storage_key=f"{booking.id}/{file.filename}",
        content_type=file.content_type,
    )
    session.add(photo)
    await session.commit()
    logger.info("photo %s uploaded for booking %s by user %s (%d bytes)", photo.id, booking.id, user.id, len(data))
    return {"id": photo.id, "booking_id": booking.id}


@router.get("/photos/{photo_id}")
async def get_photo(
    photo_id: int,
    user: User = Depends(current_user),
    session: AsyncSession = Depends(get_session),
):
    row = (
        await session.execute(
            select(Photo, Booking.customer_id, Cleaner.user_id)
            .join(Booking, Booking.id == Photo.booking_id)
            .outerjoin(Cleaner, Cleaner.id == Booking.cleaner_id)
            .where(Photo.id == photo_id)
        )
    ).first()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Photo not found")
    photo, customer_id, cleaner_user_id = row
    if user.id not in (customer_id, cleaner_user_id) and user.role != "admin":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Photo not found")
    return FileResponse(UPLOAD_ROOT / photo.storage_key, media_type=photo.content_type)
