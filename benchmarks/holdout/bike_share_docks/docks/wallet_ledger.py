"""Wallet debits and credits used by fare adjustments, refunds and the support console."""
import logging

from fastapi import APIRouter, Depends, HTTPException, Query
from psycopg_pool import ConnectionPool

from .auth import Rider, current_rider, require_mechanic
from .db import get_pool

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/wallet", tags=["wallet"])

OVERDRAFT_LIMIT_CENTS = -500


class InsufficientFunds(Exception):
    pass


def debit_for_ride(pool: ConnectionPool, rider_id: int, ride_id: int, fare_cents: int) -> int:
    with pool.connection() as conn, conn.transaction():
        row = conn.execute("SELECT balance_cents FROM wallets WHERE rider_id = %s FOR UPDATE", (rider_id,)).fetchone()  # ok: DB004
        if row is None:
            raise LookupError(f"no wallet for rider {rider_id}")
        inserted = conn.execute(  # ok: DB005
            "INSERT INTO wallet_transactions (rider_id, ride_id, amount_cents, kind) VALUES (%s, %s, %s, 'ride')"
            " ON CONFLICT (ride_id, kind) DO NOTHING RETURNING id",
            (rider_id, ride_id, -fare_cents),
        ).fetchone()
        if inserted is None:
            return row[0]
        new_balance = row[0] - fare_cents
        if new_balance < OVERDRAFT_LIMIT_CENTS:
            raise InsufficientFunds(f"rider {rider_id} balance {row[0]} below fare {fare_cents}")
        conn.execute("UPDATE wallets SET balance_cents = %s, updated_at = now() WHERE rider_id = %s", (new_balance, rider_id))
    logger.info("ride debit rider=%s ride=%s fare=%s balance=%s", rider_id, ride_id, fare_cents, new_balance)
    return new_balance


def credit_adjustment(pool: ConnectionPool, rider_id: int, ride_id: int, amount_cents: int, issued_by: int) -> int:
    with pool.connection() as conn, conn.transaction():
        inserted = conn.execute(
            "INSERT INTO wallet_transactions (rider_id, ride_id, amount_cents, kind, issued_by) VALUES (%s, %s, %s, 'adjustment', %s)"
            " ON CONFLICT (ride_id, kind) DO NOTHING RETURNING id",
            (rider_id, ride_id, amount_cents, issued_by),
        ).fetchone()
        if inserted is None:
            raise HTTPException(409, "this ride was already adjusted")
        row = conn.execute(
            "UPDATE wallets SET balance_cents = balance_cents + %s, updated_at = now() WHERE rider_id = %s RETURNING balance_cents",
            (amount_cents, rider_id),
        ).fetchone()
    return row[0]


@router.get("/transactions")
def list_transactions(
    before_id: int | None = None,
    limit: int = Query(25, ge=1, le=100),
    rider: Rider = Depends(current_rider),
    pool: ConnectionPool = Depends(get_pool),
):
    with pool.connection() as conn:
        rows = conn.execute(  # ok: DB002
            "SELECT id, ride_id, amount_cents, kind, created_at FROM wallet_transactions"
            " WHERE rider_id = %s AND (%s::bigint IS NULL OR id < %s) ORDER BY id DESC LIMIT %s",
            (rider.id, before_id, before_id, limit),
        ).fetchall()
    items = [{"id": r[0], "ride_id": r[1], "amount_cents": r[2], "kind": r[3], "created_at": r[4].isoformat()} for r in rows]
    return {"items": items, "next_before_id": items[-1]["id"] if len(items) == limit else None}


@router.post("/rides/{ride_id}/adjust")
def adjust_fare(ride_id: int, amount_cents: int = Query(..., gt=0, le=5000), staff: Rider = Depends(require_mechanic), pool: ConnectionPool = Depends(get_pool)):
    with pool.connection() as conn:
        ride = conn.execute("SELECT rider_id, fare_cents FROM rides WHERE id = %s AND ended_at IS NOT NULL", (ride_id,)).fetchone()
    if ride is None:
        raise HTTPException(404, "ride not found or still open")
    if amount_cents > (ride[1] or 0):
        raise HTTPException(400, "adjustment exceeds the fare charged")
    balance = credit_adjustment(pool, ride[0], ride_id, amount_cents, staff.id)
    logger.info("fare adjusted ride=%s rider=%s amount=%s by=%s", ride_id, ride[0], amount_cents, staff.id)
    return {"ride_id": ride_id, "credited_cents": amount_cents, "balance_cents": balance}
