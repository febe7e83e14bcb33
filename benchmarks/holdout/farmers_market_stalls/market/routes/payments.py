import asyncio
import logging

import httpx
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from market.db import Database, get_db
from market.security import Principal, require_vendor
from market.settings import Settings, get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/rentals", tags=["payments"])

CHARGE_ATTEMPTS = 4


class StallFeePayment(BaseModel):
    payment_token: str
    tip_cents: int = 0


async def _charge(settings: Settings, amount_cents: int, token: str, description: str) -> dict:
    headers = {"Authorization": f"Bearer {settings.payments_api_key.get_secret_value()}"}
    async with httpx.AsyncClient(base_url=settings.payments_base_url,
                                 timeout=settings.payments_timeout_seconds) as client:
        for attempt in range(CHARGE_ATTEMPTS):
            try:
                resp = await client.post(  # expect: REL003
                    "/charges",
                    json={"amount": amount_cents, "currency": "usd", "source": token,
                          "description": description},
                    headers=headers,
                )
                resp.raise_for_status()
                return resp.json()
            except httpx.TransportError:
                if attempt == CHARGE_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(0.5 * 2 ** attempt)
    raise RuntimeError("unreachable")


@router.post("/{rental_id}/pay")
async def pay_stall_fee(rental_id: int, body: StallFeePayment,
                        vendor: Principal = Depends(require_vendor),
                        db: Database = Depends(get_db),
                        settings: Settings = Depends(get_settings)):
    log.info("stall fee payment for rental %s: %s", rental_id, body.model_dump())  # expect: SEC007
    rental = await asyncio.to_thread(
        db.fetch_one,
        "SELECT r.id, r.status, r.week_start, s.fee_cents, s.code FROM rentals r "
        "JOIN stalls s ON s.id = r.stall_id WHERE r.id = %s AND r.vendor_id = %s",
        (rental_id, vendor.vendor_id),
    )
    if rental is None:
        raise HTTPException(404, "rental not found")
    if rental["status"] == "paid":
        raise HTTPException(409, "rental already paid")

    amount = rental["fee_cents"] + max(body.tip_cents, 0)
    try:
        charge = await _charge(settings, amount, body.payment_token,
                               f"Stall {rental['code']} week of {rental['week_start']}")
    except httpx.HTTPStatusError as exc:
        log.warning("charge declined for rental %s: %s", rental_id, exc.response.status_code)
        raise HTTPException(402, "payment declined") from exc
    except httpx.TransportError as exc:
        log.exception("payment provider unreachable for rental %s", rental_id)
        raise HTTPException(503, "payment provider unavailable") from exc

    await asyncio.to_thread(
        db.execute,
        "UPDATE rentals SET status = 'paid' WHERE id = %s",
        (rental_id,),
    )
    await asyncio.to_thread(  # expect: REL004
        db.execute,
        "INSERT INTO payments (rental_id, amount_cents, provider_ref, status) "
        "VALUES (%s, %s, %s, 'succeeded')",
        (rental_id, amount, charge["id"]),
    )
    return {"rental_id": rental_id, "status": "paid", "charge_id": charge["id"]}
