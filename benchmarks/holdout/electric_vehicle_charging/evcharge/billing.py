"""Pricing and the "pay now" button for drivers without autopay."""
import asyncio
import logging
import uuid
from datetime import date

import httpx
from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from evcharge.auth import current_driver
from evcharge.db import get_session
from evcharge.models import ChargingSession, Driver, Invoice, Tariff
from evcharge.settings import settings

router = APIRouter(prefix="/billing", tags=["billing"])
log = logging.getLogger(__name__)

_tariff_cache: dict[tuple[int, date], Tariff] = {}


async def tariff_for(db: AsyncSession, site_id: int, day: date) -> Tariff:
    key = (site_id, day)
    if key not in _tariff_cache:
        tariff = await db.scalar(
            select(Tariff)
            .where(Tariff.site_id == site_id, Tariff.valid_from <= day)
            .order_by(Tariff.valid_from.desc())
            .limit(1)
        )
        if tariff is None:
            raise LookupError(f"no tariff for site {site_id} on {day}")
        _tariff_cache[key] = tariff  # expect: RES002
    return _tariff_cache[key]


def price_session(session: ChargingSession, tariff: Tariff) -> int:
    """Session fee + energy + idle fees accrued while the car stayed plugged in."""
    energy = round(session.energy_wh * tariff.energy_cents_per_kwh / 1000)
    return tariff.session_fee_cents + energy + session.idle_fee_cents


async def _charge_card(customer_ref: str, amount_cents: int, description: str) -> str:
    headers = {"Authorization": f"Bearer {settings.payments_key.get_secret_value()}"}
    async with httpx.AsyncClient(base_url=str(settings.payments_url), timeout=10.0) as client:
        for attempt in range(4):
            try:
                resp = await client.post(  # expect: REL003
                    "/charges",
                    json={"customer": customer_ref, "amount": amount_cents,
                          "currency": settings.currency, "description": description},
                    headers=headers,
                )
                resp.raise_for_status()
                return resp.json()["id"]
            except (httpx.TransportError, httpx.HTTPStatusError) as exc:
                if attempt == 3 or (isinstance(exc, httpx.HTTPStatusError) and exc.response.status_code < 500):
                    raise
                await asyncio.sleep(0.5 * 2 ** attempt)
    raise RuntimeError("unreachable")


@router.post("/sessions/{session_id}/pay", status_code=status.HTTP_201_CREATED)
async def pay_session(
    session_id: int,
    driver_id: int = Depends(current_driver),
    db: AsyncSession = Depends(get_session),
):
    session = await db.scalar(
        select(ChargingSession).where(ChargingSession.id == session_id, ChargingSession.driver_id == driver_id)
    )
    if session is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such session")
    if session.status != "completed":
        raise HTTPException(status.HTTP_409_CONFLICT, f"session is {session.status}")
    driver = await db.get(Driver, driver_id)
    if not driver.payment_customer_ref:
        raise HTTPException(status.HTTP_409_CONFLICT, "add a payment method first")

    tariff = await tariff_for(db, session.site_id, session.started_at.date())
    amount = price_session(session, tariff)
    try:
        charge_id = await _charge_card(driver.payment_customer_ref, amount, f"Charging session {session.id}")  # expect: DB005
    except httpx.HTTPError:
        log.warning("pay-now charge failed for session %s", session.id, exc_info=True)
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, "the payment could not be taken")

    db.add(Invoice(session_id=session.id, driver_id=driver_id, amount_cents=amount, status="paid",
                   idempotency_key=uuid.uuid4().hex, provider_ref=charge_id))
    session.status = "billed"
    await db.commit()  # expect: REL004
    log.info("session %s paid by driver %s: %s cents (%s)", session.id, driver_id, amount, charge_id)
    return {"session_id": session.id, "amount_cents": amount, "charge_id": charge_id}
