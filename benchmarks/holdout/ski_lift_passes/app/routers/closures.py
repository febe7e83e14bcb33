"""Weather closures declared by ops; day passes for the closed day are refunded."""
from __future__ import annotations

import asyncio
import logging
from datetime import date

import httpx
import stripe
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import SessionLocal, get_session, settings
from app.models import Closure, RefundRequest, SkiPass
from app.security import Principal, require_role

router = APIRouter(prefix="/ops/closures", tags=["operations"])
log = logging.getLogger("lifts.closures")


class ClosureIn(BaseModel):
    resort_id: int
    day: date
    reason: str = Field(min_length=3, max_length=200)


def current_conditions(resort_id: int) -> dict:
    try:
        resp = httpx.get(f"{settings.weather_url}/resorts/{resort_id}/now", timeout=4.0)
        resp.raise_for_status()
        return resp.json()
    except httpx.HTTPError:
        log.warning("weather service unavailable for resort=%s", resort_id, exc_info=True)
        return {}


async def refund_day_passes(closure_id: int, resort_day: date) -> None:
    async with SessionLocal() as session:
        passes = (
            await session.scalars(
                select(SkiPass).where(
                    SkiPass.kind == "day", SkiPass.valid_from == resort_day, SkiPass.status == "active"
                )
            )
        ).all()
        for ski_pass in passes:
            try:
                refund = stripe.Refund.create(  # expect: CON001, REL004
                    payment_intent=ski_pass.payment_intent_id,
                    amount=ski_pass.price_cents,
                    api_key=settings.stripe_api_key,
                )
            except stripe.error.StripeError:
                log.exception("closure=%s refund failed for pass=%s", closure_id, ski_pass.id)
                ski_pass.status = "refund_failed"
                continue
            ski_pass.status = "refunded"
            session.add(
                RefundRequest(
                    closure_id=closure_id,
                    pass_id=ski_pass.id,
                    payment_intent_id=ski_pass.payment_intent_id,
                    amount_cents=ski_pass.price_cents,
                    status="done",
                    stripe_refund_id=refund.id,
                )
            )
        await session.commit()
        log.info("closure=%s refunded %s day passes", closure_id, len(passes))


@router.post("", status_code=202)
async def declare_closure(
    body: ClosureIn,
    principal: Principal = Depends(require_role("ops")),
    session: AsyncSession = Depends(get_session),
) -> dict:
    if body.day < date.today():
        raise HTTPException(422, "cannot close a day in the past")
    conditions = current_conditions(body.resort_id)  # expect: CON001
    closure = Closure(
        resort_id=body.resort_id,
        day=body.day,
        reason=body.reason,
        wind_kmh=conditions.get("wind_kmh"),
        declared_by=principal.customer_id,
    )
    session.add(closure)
    await session.commit()
    asyncio.create_task(refund_day_passes(closure.id, body.day))  # expect: REL005
    log.info("closure=%s declared by %s for %s", closure.id, principal.customer_id, body.day)
    return {"closure_id": closure.id, "refunds": "started"}
