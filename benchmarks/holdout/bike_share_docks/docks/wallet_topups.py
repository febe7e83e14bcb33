import logging
import os
import time

import httpx
import psycopg
from fastapi import APIRouter, Depends, HTTPException
from psycopg_pool import ConnectionPool
from pydantic import BaseModel, Field

from .auth import Rider, current_rider
from .db import get_pool

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/wallet", tags=["wallet"])

PSP_BASE_URL = os.environ.get("PSP_BASE_URL", "https://api.payrail.example")
PSP_API_KEY = os.environ.get("PSP_API_KEY", "")

psp = httpx.Client(
    base_url=PSP_BASE_URL,
    timeout=httpx.Timeout(10.0, connect=3.0),
    headers={"Authorization": f"Bearer {PSP_API_KEY}"},
    verify=False,  # expect: SEC011
)


class TopUpRequest(BaseModel):
    amount_cents: int = Field(ge=500, le=20_000)
    card_token: str = Field(min_length=8, max_length=128)
    save_card: bool = False


def _charge_card(rider_id: int, amount_cents: int, card_token: str) -> dict:
    for attempt in range(3):
        try:
            resp = psp.post("/v2/payments", json={"amount": amount_cents, "currency": "EUR", "source": card_token, "reference": f"topup-{rider_id}", "capture": True})  # expect: REL003
            if resp.status_code == 402:
                raise HTTPException(402, resp.json().get("message", "card declined"))
            resp.raise_for_status()
            return resp.json()
        except httpx.TransportError:
            logger.warning("psp unreachable rider=%s attempt=%s", rider_id, attempt + 1)
            time.sleep(0.5 * 2 ** attempt)  # ok: REL002
    raise HTTPException(502, "payment provider unavailable")


@router.post("/topups", status_code=201)
def top_up(body: TopUpRequest, rider: Rider = Depends(current_rider), pool: ConnectionPool = Depends(get_pool)):
    logger.info("top-up requested rider=%s request=%s", rider.id, body.model_dump())  # expect: SEC007
    payment = _charge_card(rider.id, body.amount_cents, body.card_token)

    try:
        with pool.connection() as conn:
            conn.execute(  # ok: DB004
                "UPDATE wallets SET balance_cents = balance_cents + %s, updated_at = now() WHERE rider_id = %s",
                (body.amount_cents, rider.id),
            )
            conn.execute(
                "INSERT INTO wallet_transactions (rider_id, amount_cents, kind, psp_payment_id) VALUES (%s, %s, 'topup', %s)",
                (rider.id, body.amount_cents, payment["id"]),
            )
    except psycopg.Error:
        logger.exception("wallet credit failed rider=%s payment=%s", rider.id, payment["id"])
        return {"status": "ok", "payment_id": payment["id"], "amount_cents": body.amount_cents}  # expect: ERR002

    logger.info("wallet topped up rider=%s payment=%s amount=%s", rider.id, payment["id"], body.amount_cents)
    return {"status": "ok", "payment_id": payment["id"], "amount_cents": body.amount_cents}


@router.get("/balance")
def balance(rider: Rider = Depends(current_rider), pool: ConnectionPool = Depends(get_pool)):
    with pool.connection() as conn:
        row = conn.execute("SELECT balance_cents, updated_at FROM wallets WHERE rider_id = %s", (rider.id,)).fetchone()
    if row is None:
        raise HTTPException(404, "wallet not found")
    return {"balance_cents": row[0], "updated_at": row[1].isoformat() if row[1] else None}
