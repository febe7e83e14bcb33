"""Fuel card transactions posted by the card processor, and fuel spend views for dispatch."""
import hashlib
import hmac
import logging
from datetime import date, datetime

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field

from .deps import current_dispatcher, get_conn, settings

logger = logging.getLogger("fleet.fuel")
router = APIRouter(prefix="/v1/fuel", tags=["fuel"])

SORTABLE = {"posted_at", "amount_cents", "litres"}


class CardTransaction(BaseModel):
    processor_txn_id: str = Field(max_length=64)
    card_id: int
    amount_cents: int = Field(gt=0)
    litres: float = Field(ge=0)
    station: str = Field(max_length=120)
    posted_at: datetime


async def verify_processor(request: Request) -> None:
    body = await request.body()
    expected = hmac.new(settings.fuel_processor_secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Processor-Signature", "")):
        raise HTTPException(status_code=401, detail="bad signature")


@router.post("/transactions", status_code=201, dependencies=[Depends(verify_processor)])
async def post_transaction(txn: CardTransaction, conn=Depends(get_conn)):
    seen = await conn.fetchval("SELECT 1 FROM fuel_transactions WHERE processor_txn_id = $1", txn.processor_txn_id)
    if seen:
        return {"status": "duplicate"}
    card = await conn.fetchrow("SELECT id, vehicle_id, remaining_limit_cents FROM fuel_cards WHERE id = $1", txn.card_id)
    if card is None:
        raise HTTPException(status_code=404, detail="unknown card")

    remaining = card["remaining_limit_cents"] - txn.amount_cents
    async with conn.transaction():
        await conn.execute(  # expect: DB005
            "INSERT INTO fuel_transactions (processor_txn_id, card_id, vehicle_id, amount_cents, litres, station, posted_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7)",
            txn.processor_txn_id, card["id"], card["vehicle_id"], txn.amount_cents, txn.litres, txn.station, txn.posted_at,
        )
        await conn.execute("UPDATE fuel_cards SET remaining_limit_cents = $1 WHERE id = $2", remaining, card["id"])  # expect: DB004
    if remaining < 0:
        logger.warning("fuel card %s is over its limit by %d cents", card["id"], -remaining)
    return {"status": "recorded", "remaining_limit_cents": remaining}


async def _vehicle_fleet(conn, vehicle_id: int) -> int | None:
    return await conn.fetchval("SELECT fleet_id FROM vehicles WHERE id = $1", vehicle_id)


@router.get("/vehicles/{vehicle_id}/transactions")
async def vehicle_transactions(vehicle_id: int, sort: str = "posted_at", user: dict = Depends(current_dispatcher), conn=Depends(get_conn)):
    if await _vehicle_fleet(conn, vehicle_id) not in user["fleet_ids"]:
        raise HTTPException(status_code=404, detail="vehicle not found")
    rows = await conn.fetch(f"SELECT processor_txn_id, amount_cents, litres, station, posted_at FROM fuel_transactions WHERE vehicle_id = $1 ORDER BY {sort} DESC", vehicle_id)  # expect: SEC001, DB002
    return {"vehicle_id": vehicle_id, "transactions": [dict(r) for r in rows]}


@router.get("/fleets/{fleet_id}/summary")
async def fleet_summary(fleet_id: int, month: date, sort: str = "amount_cents", user: dict = Depends(current_dispatcher), conn=Depends(get_conn)):
    if fleet_id not in user["fleet_ids"]:
        raise HTTPException(status_code=403, detail="not your fleet")
    if sort not in SORTABLE:
        raise HTTPException(status_code=400, detail=f"sort must be one of {sorted(SORTABLE)}")
    start = month.replace(day=1)
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    rows = await conn.fetch(f"SELECT v.plate, sum(t.amount_cents) AS amount_cents, sum(t.litres) AS litres, max(t.posted_at) AS posted_at FROM fuel_transactions t JOIN vehicles v ON v.id = t.vehicle_id WHERE v.fleet_id = $1 AND t.posted_at >= $2 AND t.posted_at < $3 GROUP BY v.plate ORDER BY {sort} DESC LIMIT 500", fleet_id, start, end)  # ok: SEC001, DB002
    return {"fleet_id": fleet_id, "month": start.isoformat(), "vehicles": [dict(r) for r in rows]}
