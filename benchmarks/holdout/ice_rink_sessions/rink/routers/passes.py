"""Season passes: view a pass, toggle auto-renew, freeze for injury or travel."""
import logging
from datetime import date, timedelta

import httpx
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from rink.auth import current_customer
from rink.db import get_session
from rink.models import Customer, SeasonPass
from rink.settings import get_settings

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/passes", tags=["season passes"])

MAX_FREEZE_DAYS = 60
ACCESS_GATE_URL = "https://gates.northside-rink.example.com/api/passes"


class PassOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    tier: str
    valid_until: date
    auto_renew: bool
    frozen_until: date | None


class AutoRenewIn(BaseModel):
    auto_renew: bool


class FreezeIn(BaseModel):
    days: int = Field(ge=7, le=MAX_FREEZE_DAYS)
    reason: str = Field(max_length=200)


async def _owned_pass(db: AsyncSession, pass_id: int, customer: Customer) -> SeasonPass:
    season_pass = await db.get(SeasonPass, pass_id)
    if season_pass is None or season_pass.customer_id != customer.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such pass")
    return season_pass


@router.get("/{pass_id}", response_model=PassOut)
async def get_pass(
    pass_id: int,
    customer: Customer = Depends(current_customer),
    db: AsyncSession = Depends(get_session),
):
    season_pass = await db.get(SeasonPass, pass_id)  # expect: SEC018
    if season_pass is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such pass")
    return season_pass


@router.patch("/{pass_id}/auto-renew", response_model=PassOut)
async def set_auto_renew(
    pass_id: int,
    body: AutoRenewIn,
    customer: Customer = Depends(current_customer),
    db: AsyncSession = Depends(get_session),
):
    season_pass = await _owned_pass(db, pass_id, customer)
    season_pass.auto_renew = body.auto_renew
    await db.commit()
    return season_pass


@router.post("/{pass_id}/freeze", response_model=PassOut)
async def freeze_pass(
    pass_id: int,
    body: FreezeIn,
    customer: Customer = Depends(current_customer),
    db: AsyncSession = Depends(get_session),
):
    season_pass = await _owned_pass(db, pass_id, customer)
    if season_pass.frozen_until and season_pass.frozen_until >= date.today():
        raise HTTPException(status.HTTP_409_CONFLICT, "pass is already frozen")

    frozen_until = date.today() + timedelta(days=body.days)
    try:
        async with httpx.AsyncClient(timeout=5.0) as client:
            resp = await client.post(
                f"{ACCESS_GATE_URL}/{season_pass.id}/suspend",
                json={"until": frozen_until.isoformat()},
                headers={"Authorization": f"Bearer {get_settings().gate_api_token.get_secret_value()}"},
            )
            resp.raise_for_status()
        season_pass.frozen_until = frozen_until
        season_pass.valid_until += timedelta(days=body.days)
        await db.commit()
    except Exception as exc:
        logger.error(f"could not freeze pass {pass_id}: {exc}")  # expect: OBS002
        return season_pass  # expect: ERR002
    logger.info("pass %s frozen until %s (%s)", season_pass.id, frozen_until, body.reason)
    return season_pass
