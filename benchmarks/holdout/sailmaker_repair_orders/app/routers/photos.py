"""Photos of sail damage, uploaded by customers when they book a repair."""
import logging
from datetime import datetime

from fastapi import APIRouter, Depends, File, HTTPException, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlmodel import Session, select

from ..auth import current_user
from ..db import get_session
from ..models import Customer, DamagePhoto, RepairOrder
from ..services import storage

logger = logging.getLogger(__name__)
router = APIRouter(tags=["photos"])

MAX_PHOTOS_PER_ORDER = 12


class PhotoOut(BaseModel):
    id: int
    url: str
    content_type: str
    size_bytes: int
    uploaded_at: datetime


def _owned_order(session: Session, order_id: int, user: Customer) -> RepairOrder:
    order = session.get(RepairOrder, order_id)
    if order is None or (order.customer_id != user.id and user.role == "customer"):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Order not found")
    return order


def _photo_count(session: Session, order_id: int) -> int:
    return len(session.exec(select(DamagePhoto.id).where(DamagePhoto.order_id == order_id)).all())


def _record_photo(session: Session, photo: DamagePhoto) -> DamagePhoto:
    session.add(photo)
    session.commit()
    session.refresh(photo)
    return photo


@router.post("/orders/{order_id}/photos", response_model=PhotoOut, status_code=status.HTTP_201_CREATED)
async def upload_damage_photo(
    order_id: int,
    file: UploadFile = File(...),
    user: Customer = Depends(current_user),
    session: Session = Depends(get_session),
):
    await run_in_threadpool(_owned_order, session, order_id, user)  # ok: CON001
    if await run_in_threadpool(_photo_count, session, order_id) >= MAX_PHOTOS_PER_ORDER:
        raise HTTPException(status.HTTP_409_CONFLICT, "This order already has the maximum number of photos")

    data = await file.read()  # expect: SEC019
    content_type = file.content_type or "application/octet-stream"
    key = storage.new_key(f"orders/{order_id}/damage", content_type)
    storage.upload_bytes(key, data, content_type)  # expect: CON001

    photo = await run_in_threadpool(
        _record_photo,
        session,
        DamagePhoto(order_id=order_id, s3_key=key, content_type=content_type, size_bytes=len(data)),
    )
    logger.info("damage photo stored order_id=%s photo_id=%s bytes=%s", order_id, photo.id, len(data))
    return PhotoOut(
        id=photo.id,
        url=storage.presigned_get(key),
        content_type=content_type,
        size_bytes=photo.size_bytes,
        uploaded_at=photo.uploaded_at,
    )


@router.get("/orders/{order_id}/photos", response_model=list[PhotoOut])
def list_damage_photos(order_id: int, user: Customer = Depends(current_user), session: Session = Depends(get_session)):
    _owned_order(session, order_id, user)
    photos = session.exec(
        select(DamagePhoto).where(DamagePhoto.order_id == order_id).order_by(DamagePhoto.uploaded_at)
    ).all()
    return [
        PhotoOut(
            id=p.id,
            url=storage.presigned_get(p.s3_key),
            content_type=p.content_type,
            size_bytes=p.size_bytes,
            uploaded_at=p.uploaded_at,
        )
        for p in photos
    ]
