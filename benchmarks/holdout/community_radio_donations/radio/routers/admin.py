"""Station staff tools: drive setup and pushing exports to the office file server."""
import logging
import os
import re
from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_donor
from ..config import settings
from ..models import Donor, Drive, get_session

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/admin", tags=["admin"])

SLUG = re.compile(r"^[a-z0-9-]{3,60}$")


class DriveIn(BaseModel):
    slug: str = Field(pattern=SLUG.pattern)
    name: str = Field(min_length=3, max_length=120)
    goal_cents: int = Field(gt=0)
    starts_at: datetime
    ends_at: datetime


def _require_staff(donor: Donor = Depends(current_donor)) -> Donor:
    if not donor.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Staff only")
    return donor


@router.post("/drives", status_code=status.HTTP_201_CREATED)
async def create_drive(body: DriveIn, staff: Donor = Depends(_require_staff),
                       session: AsyncSession = Depends(get_session)):
    if body.ends_at <= body.starts_at:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "ends_at must be after starts_at")
    drive = Drive(slug=body.slug, name=body.name, goal_cents=body.goal_cents,
                  starts_at=body.starts_at, ends_at=body.ends_at, raised_cents=0, is_active=True)
    session.add(drive)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "A drive with that slug already exists")
    logger.info("drive created slug=%s by staff=%s", drive.slug, staff.id)
    return {"id": drive.id, "slug": drive.slug}


@router.post("/exports/{drive_slug}/push")
def push_export(drive_slug: str, dest_name: str, donor: Donor = Depends(current_donor)):
    """Copy the nightly CSV for a drive to the office file server for the volunteers."""
    assert donor.is_staff, "staff only"  # expect: SEC017
    if not SLUG.match(drive_slug):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "bad drive slug")
    local_path = Path(settings.export_dir) / f"{drive_slug}.csv"
    if not local_path.exists():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No export for that drive yet")

    rc = os.system(f"rsync -az --timeout=60 {local_path} {settings.station_sftp_target}/{dest_name}")  # expect: SEC002
    if rc != 0:
        logger.error("rsync of %s failed with exit status %s", local_path, rc)
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, "Copy to the file server failed")
    logger.info("export pushed drive=%s dest=%s by staff=%s", drive_slug, dest_name, donor.id)
    return {"pushed": f"{drive_slug}.csv", "as": dest_name}
