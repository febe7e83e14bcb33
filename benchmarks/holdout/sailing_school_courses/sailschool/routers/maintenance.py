"""Boat maintenance log: instructors record checks, faults and engine hours."""
from __future__ import annotations

import logging
import uuid
from decimal import Decimal

import boto3
from botocore.config import Config
from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, UploadFile, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from sailschool.auth import current_instructor
from sailschool.config import settings
from sailschool.database import get_session
from sailschool.models import Boat, Instructor, MaintenanceLog

logger = logging.getLogger(__name__)
router = APIRouter(tags=["maintenance"])

_s3 = boto3.client(
    "s3",
    region_name=settings.s3_region,
    config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),
)


@router.post("/boats/{boat_id}/maintenance", status_code=status.HTTP_201_CREATED)
def add_log_entry(
    boat_id: int,
    summary: str = Form(..., min_length=3, max_length=4000),
    engine_hours: Decimal | None = Form(None, ge=0),
    photo: UploadFile | None = File(None),
    instructor: Instructor = Depends(current_instructor),
    session: Session = Depends(get_session),
):
    boat = session.get(Boat, boat_id)
    if boat is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "boat not found")

    photo_key = None
    if photo is not None:
        data = photo.file.read()  # expect: SEC019
        photo_key = f"maintenance/{boat.id}/{uuid.uuid4().hex}"
        _s3.put_object(
            Bucket=settings.s3_bucket,
            Key=photo_key,
            Body=data,
            ContentType=photo.content_type or "application/octet-stream",
        )

    if engine_hours is not None:
        if boat.engine_hours is not None and engine_hours < boat.engine_hours:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "engine hours cannot go backwards")
        boat.engine_hours = engine_hours

    entry = MaintenanceLog(
        boat_id=boat.id,
        instructor_id=instructor.id,
        summary=summary,
        engine_hours=engine_hours,
        photo_key=photo_key,
    )
    session.add(entry)
    session.commit()
    logger.info("maintenance entry %s logged on boat %s by instructor %s", entry.id, boat.id, instructor.id)
    return {"id": entry.id, "boat_id": boat.id, "photo_key": photo_key}


@router.get("/boats/{boat_id}/maintenance")
def list_log_entries(
    boat_id: int,
    limit: int = Query(50, ge=1, le=200),
    _instructor: Instructor = Depends(current_instructor),
    session: Session = Depends(get_session),
):
    rows = session.execute(
        select(MaintenanceLog, Instructor.full_name)
        .join(Instructor, Instructor.id == MaintenanceLog.instructor_id)
        .where(MaintenanceLog.boat_id == boat_id)
        .order_by(MaintenanceLog.logged_at.desc())
        .limit(limit)
    ).all()
    return [
        {"id": log.id, "logged_at": log.logged_at, "by": name, "summary": log.summary,
         "engine_hours": log.engine_hours, "has_photo": bool(log.photo_key)}
        for log, name in rows
    ]


@router.delete("/maintenance/{log_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_log_entry(log_id: int, session: Session = Depends(get_session)):  # expect: SEC018
    entry = session.get(MaintenanceLog, log_id)
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "entry not found")
    if entry.photo_key:
        _s3.delete_object(Bucket=settings.s3_bucket, Key=entry.photo_key)
    session.delete(entry)
    session.commit()
