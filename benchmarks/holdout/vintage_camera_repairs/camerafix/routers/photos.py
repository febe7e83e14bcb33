"""Condition photos that technicians take when a camera arrives."""
import logging
import os
import uuid
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import SessionLocal, get_db
from ..models import Ticket, TicketPhoto, User
from ..security import get_current_user, require_role

router = APIRouter(tags=["photos"])
logger = logging.getLogger(__name__)

PHOTO_DIR = Path(os.environ.get("CAMERAFIX_PHOTO_DIR", "/srv/camerafix/photos"))
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png"}


def _record_photo(ticket_id: int, filename: str, user_id: int) -> int:
    with SessionLocal() as db:
        if db.get(Ticket, ticket_id) is None:
            raise HTTPException(status_code=404, detail="not_found")
        photo = TicketPhoto(ticket_id=ticket_id, filename=filename, uploaded_by=user_id)
        db.add(photo)
        db.commit()
        return photo.id


@router.post("/tickets/{ticket_id}/photos", status_code=201)
async def upload_photo(
    ticket_id: int,
    file: UploadFile,
    tech: User = Depends(require_role("technician", "admin")),
):
    data = await file.read()  # expect: SEC019
    extension = EXTENSIONS.get(file.content_type or "")
    if extension is None:
        return {"error": "only JPEG and PNG photos are accepted"}  # todo-expect: MNT001

    filename = f"{ticket_id}-{uuid.uuid4().hex}{extension}"
    PHOTO_DIR.mkdir(parents=True, exist_ok=True)
    await run_in_threadpool((PHOTO_DIR / filename).write_bytes, data)  # expect: SCL002
    photo_id = await run_in_threadpool(_record_photo, ticket_id, filename, tech.id)
    logger.info("technician %s added photo %s to ticket %s", tech.id, photo_id, ticket_id)
    return {"id": photo_id, "url": f"/photos/{photo_id}"}


@router.get("/tickets/{ticket_id}/photos")
def list_photos(ticket_id: int, user: User = Depends(get_current_user), db: Session = Depends(get_db)):
    ticket = db.get(Ticket, ticket_id)
    if ticket is None or (user.role == "customer" and ticket.customer_id != user.id):
        raise HTTPException(status_code=404, detail="not_found")
    photos = db.scalars(
        select(TicketPhoto).where(TicketPhoto.ticket_id == ticket_id).order_by(TicketPhoto.uploaded_at).limit(50)
    ).all()
    return [{"id": p.id, "url": f"/photos/{p.id}", "uploaded_at": p.uploaded_at} for p in photos]


@router.get("/photos/{photo_id}")
def get_photo(photo_id: int, user: User = Depends(get_current_user), db: Session = Depends(get_db)):
    row = db.execute(
        select(TicketPhoto, Ticket.customer_id)
        .join(Ticket, Ticket.id == TicketPhoto.ticket_id)
        .where(TicketPhoto.id == photo_id)
    ).first()
    if row is None or (user.role == "customer" and row.customer_id != user.id):
        raise HTTPException(status_code=404, detail="not_found")
    return FileResponse(PHOTO_DIR / row.TicketPhoto.filename)  # ok: SEC015
