"""Public slot calendar and supervisor slot management."""
from datetime import date, datetime, time, timedelta, timezone

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field

from app.auth import Principal, current_principal
from app.db import fetch_page, get_pool, transaction

router = APIRouter(prefix="/slots", tags=["slots"])

SLOT_COLUMNS = "id, starts_at, ends_at, capacity, sold, price_cents"


class SlotIn(BaseModel):
    starts_at: datetime
    duration_minutes: int = Field(ge=15, le=240)
    capacity: int = Field(ge=1, le=2000)
    price_cents: int = Field(ge=0)


class SlotBatch(BaseModel):
    slots: list[SlotIn] = Field(min_length=1, max_length=500)


class CapacityChange(BaseModel):
    capacity: int = Field(ge=0, le=2000)


async def require_supervisor(principal: Principal = Depends(current_principal)) -> Principal:
    if principal.role != "supervisor":
        raise HTTPException(status_code=403, detail="Supervisor role required")
    return principal


@router.get("")
async def list_slots(
    day: date,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
    pool: asyncpg.Pool = Depends(get_pool),
):
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    rows = await fetch_page(
        pool,
        f"SELECT {SLOT_COLUMNS} FROM time_slots WHERE starts_at >= $1 AND starts_at < $2 ORDER BY starts_at",  # ok: SEC001
        start,
        start + timedelta(days=1),
        limit=limit,
        offset=offset,
    )
    items = [dict(r) | {"available": max(r["capacity"] - r["sold"], 0)} for r in rows]
    return {"items": items, "limit": limit, "offset": offset}


@router.post("", status_code=201)
async def create_slots(
    body: SlotBatch,
    _: Principal = Depends(require_supervisor),
    pool: asyncpg.Pool = Depends(get_pool),
):
    rows = [
        (s.starts_at, s.starts_at + timedelta(minutes=s.duration_minutes), s.capacity, s.price_cents)
        for s in body.slots
    ]
    async with transaction(pool) as conn:
        await conn.executemany(
            """
            INSERT INTO time_slots (starts_at, ends_at, capacity, price_cents, sold)
            VALUES ($1, $2, $3, $4, 0)
            ON CONFLICT (starts_at) DO NOTHING
            """,
            rows,
        )
    return {"submitted": len(rows)}


@router.patch("/{slot_id}/capacity")
async def change_capacity(
    slot_id: int,
    body: CapacityChange,
    _: Principal = Depends(require_supervisor),
    pool: asyncpg.Pool = Depends(get_pool),
):
    row = await pool.fetchrow(
        "UPDATE time_slots SET capacity = $1 WHERE id = $2 AND sold <= $1 RETURNING id, capacity, sold",
        body.capacity,
        slot_id,
    )
    if row is None:
        raise HTTPException(status_code=409, detail="Slot not found or capacity below tickets already sold")
    return dict(row)
