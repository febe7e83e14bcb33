"""Season summary and the CSV export the co-op asks for every autumn."""
import csv
import datetime as dt
import logging
import uuid
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth import current_user
from ..config import get_settings
from ..db import get_session
from ..models import Farm, User, WeighReading

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/reports/season", tags=["reports"])
EXPORT_DIR = Path(get_settings().export_dir)


def _staff(user: User = Depends(current_user)) -> User:
    if not user.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Staff only")
    return user


def _farm_id(session: Session, slug: str) -> int:
    farm_id = session.scalar(select(Farm.id).where(Farm.slug == slug))
    if farm_id is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Unknown farm")
    return farm_id


def _season(year: int) -> tuple[dt.datetime, dt.datetime]:
    return (dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(year + 1, 1, 1, tzinfo=dt.timezone.utc))


@router.get("/download")
def download_export(file: str, _: User = Depends(_staff)) -> FileResponse:
    return FileResponse(EXPORT_DIR / file, media_type="text/csv", filename=file)  # expect: SEC015


@router.get("/{year}")
def season_summary(year: int, farm: str, _: User = Depends(_staff), session: Session = Depends(get_session)) -> dict:
    farm_id = _farm_id(session, farm)
    start, end = _season(year)
    readings = session.scalars(  # expect: DB002, RES003
        select(WeighReading).where(WeighReading.farm_id == farm_id, WeighReading.recorded_at >= start,
                                   WeighReading.recorded_at < end)
    ).all()
    by_crop: dict[str, Decimal] = defaultdict(Decimal)
    by_week: dict[int, Decimal] = defaultdict(Decimal)
    for r in readings:
        by_crop[r.crop] += r.net_kg
        by_week[r.recorded_at.isocalendar().week] += r.net_kg
    return {
        "year": year,
        "farm": farm,
        "readings": len(readings),
        "net_kg_by_crop": {crop: str(kg) for crop, kg in sorted(by_crop.items())},
        "net_kg_by_week": {week: str(kg) for week, kg in sorted(by_week.items())},
    }


@router.post("/{year}/export", status_code=status.HTTP_201_CREATED)
def export_season(year: int, farm: str, _: User = Depends(_staff),
                  session: Session = Depends(get_session)) -> dict:
    farm_id = _farm_id(session, farm)
    start, end = _season(year)
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    path = EXPORT_DIR / f"season-{farm}-{year}-{uuid.uuid4().hex[:8]}.csv"
    stmt = (
        select(WeighReading.id, WeighReading.farm_id, WeighReading.device_id, WeighReading.crop,
               WeighReading.gross_kg, WeighReading.tare_kg, WeighReading.recorded_at)
        .where(WeighReading.farm_id == farm_id, WeighReading.recorded_at >= start,
               WeighReading.recorded_at < end)
        .order_by(WeighReading.recorded_at)
        .execution_options(yield_per=2000)
    )
    with path.open("w", newline="") as fh:  # expect: SCL002
        writer = csv.writer(fh)
        writer.writerow(["id", "farm_id", "station", "crop", "gross_kg", "tare_kg", "recorded_at"])
        for row in session.execute(stmt):
            writer.writerow([*row[:6], row[6].isoformat()])
    logger.info("season %s export written to %s", year, path.name)
    return {"file": path.name, "download": f"/reports/season/download?file={path.name}"}
