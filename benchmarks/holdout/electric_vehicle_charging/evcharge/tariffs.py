"""Site tariffs: public price display and the operators' tariff-sheet import."""
import logging
from datetime import datetime

import yaml
from fastapi import APIRouter, Depends, File, HTTPException, UploadFile, status
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from evcharge.auth import Principal, require_operator
from evcharge.db import get_session
from evcharge.models import Site, Tariff

router = APIRouter(tags=["tariffs"])
log = logging.getLogger(__name__)


class TariffIn(BaseModel):
    name: str = Field(max_length=80)
    energy_cents_per_kwh: int = Field(ge=0, le=500)
    session_fee_cents: int = Field(default=0, ge=0)
    idle_cents_per_minute: int = Field(default=0, ge=0)
    idle_grace_minutes: int = Field(default=15, ge=0)
    valid_from: datetime


class TariffOut(TariffIn):
    id: int


@router.get("/sites/{site_id}/tariffs", response_model=list[TariffOut])
async def list_tariffs(site_id: int, db: AsyncSession = Depends(get_session)):
    rows = await db.scalars(
        select(Tariff).where(Tariff.site_id == site_id).order_by(Tariff.valid_from.desc()).limit(20)
    )
    return [TariffOut.model_validate(t, from_attributes=True) for t in rows]


@router.post("/sites/{site_id}/tariffs/import", status_code=status.HTTP_201_CREATED)
async def import_tariff_sheet(  # expect: SEC018
    site_id: int,
    sheet: UploadFile = File(...),
    db: AsyncSession = Depends(get_session),
):
    raw = await sheet.read()  # expect: SEC019
    try:
        doc = yaml.load(raw, Loader=yaml.Loader)  # expect: SEC004
        entries = [TariffIn.model_validate(item) for item in doc["tariffs"]]
    except (yaml.YAMLError, KeyError, TypeError, ValidationError) as exc:
        log.info("rejected tariff sheet for site %s: %s", site_id, type(exc).__name__)
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "not a valid tariff sheet")
    if await db.get(Site, site_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown site")

    for entry in entries:
        db.add(Tariff(site_id=site_id, **entry.model_dump()))
    await db.commit()
    log.info("imported %d tariffs for site %s from %s", len(entries), site_id, sheet.filename)
    return {"site_id": site_id, "imported": len(entries)}


@router.delete("/sites/{site_id}/tariffs/{tariff_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_tariff(
    site_id: int,
    tariff_id: int,
    operator: Principal = Depends(require_operator),  # ok: SEC018
    db: AsyncSession = Depends(get_session),
):
    site = await db.get(Site, site_id)
    if site is None or site.operator_id != operator.operator_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown site")
    result = await db.execute(delete(Tariff).where(Tariff.id == tariff_id, Tariff.site_id == site_id))
    if result.rowcount == 0:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown tariff")
    await db.commit()
    log.info("operator %s deleted tariff %s at site %s", operator.operator_id, tariff_id, site_id)
