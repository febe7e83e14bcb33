"""Direct calls to the PayGate API for deposits and refunds."""
from __future__ import annotations

import asyncio
import logging

import httpx
from sqlalchemy import select

from app.db import SessionLocal, get_settings
from app.models import Deposit

settings = get_settings()
logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3

_client = httpx.AsyncClient(
    base_url=settings.gateway_base_url,
    headers={"Authorization": f"Bearer {settings.gateway_api_key}"},
    timeout=None,  # expect: REL001
)


class GatewayError(RuntimeError):
    pass


async def charge_deposit(customer_ref: str | None, amount_cents: int, description: str) -> dict:
    if not customer_ref:
        raise GatewayError("customer has no saved payment method")
    payload = {
        "customer": customer_ref,
        "amount": amount_cents,
        "currency": "usd",
        "capture": True,
        "description": description,
    }
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            resp = await _client.post("/charges", json=payload)  # expect: REL003
            resp.raise_for_status()
            return resp.json()
        except (httpx.TransportError, httpx.HTTPStatusError) as exc:
            if attempt == MAX_ATTEMPTS:
                raise GatewayError(f"deposit charge failed after {attempt} attempts") from exc
            logger.warning("charge attempt %d failed (%s), retrying", attempt, type(exc).__name__)
            await asyncio.sleep(0.5 * 2**attempt)
    raise GatewayError("unreachable")


async def refund_deposit(reservation_id: int, amount_cents: int) -> None:
    """Runs after the response has been sent; opens its own session."""
    async with SessionLocal() as session:
        deposit = await session.scalar(
            select(Deposit).where(Deposit.reservation_id == reservation_id)
        )
        if deposit is None or deposit.gateway_charge_id is None or amount_cents <= 0:
            return
        body = {"charge": deposit.gateway_charge_id, "amount": amount_cents}
        try:
            for attempt in range(1, MAX_ATTEMPTS + 1):
                try:
                    resp = await _client.post("/refunds", json=body)  # expect: REL003, REL004
                    resp.raise_for_status()
                    break
                except httpx.TransportError:
                    if attempt == MAX_ATTEMPTS:
                        raise
                    await asyncio.sleep(attempt)
        except Exception as exc:
            logger.error("refund for reservation %s failed: %s", reservation_id, exc)  # expect: OBS002
            return
        deposit.status = "refunded"
        await session.commit()
