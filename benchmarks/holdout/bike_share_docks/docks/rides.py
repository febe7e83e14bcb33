import logging
import math
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException
from fastapi.concurrency import run_in_threadpool
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool
from pydantic import BaseModel

from .auth import Rider, current_rider
from .db import get_pool
from .dock_commands import DockCommandClient, DockCommandError, get_dock_client
from .fares import compute_fare, zone_for

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/rides", tags=["rides"])


class UnlockRequest(BaseModel):
    dock_id: int


class ReturnRequest(BaseModel):
    dock_id: int


@router.post("/unlock", status_code=201)
def unlock_bike(  # ok: CON001
    body: UnlockRequest,
    rider: Rider = Depends(current_rider),
    pool: ConnectionPool = Depends(get_pool),
    docks: DockCommandClient = Depends(get_dock_client),
):
    with pool.connection() as conn:
        if conn.execute("SELECT 1 FROM rides WHERE rider_id = %s AND ended_at IS NULL", (rider.id,)).fetchone():
            raise HTTPException(409, "ride already in progress")
        row = conn.execute(
            "SELECT bike_id FROM docks WHERE id = %s AND status = 'occupied' AND bike_id IS NOT NULL", (body.dock_id,)
        ).fetchone()
        if row is None:
            raise HTTPException(404, "no bike available at this dock")
        bike_id = row[0]
        ride_id = conn.execute("INSERT INTO rides (rider_id, bike_id, start_dock_id, started_at) VALUES (%s, %s, %s, now()) RETURNING id", (rider.id, bike_id, body.dock_id)).fetchone()[0]  # expect: DB005
        conn.execute("UPDATE docks SET status = 'empty', bike_id = NULL WHERE id = %s", (body.dock_id,))

    try:
        docks.unlock(body.dock_id, command_id=f"ride-{ride_id}-unlock")
    except DockCommandError:
        logger.exception("unlock failed ride=%s dock=%s", ride_id, body.dock_id)
        with pool.connection() as conn:
            conn.execute("UPDATE rides SET ended_at = now(), cancelled = true, fare_cents = 0 WHERE id = %s", (ride_id,))
            conn.execute("UPDATE docks SET status = 'occupied', bike_id = %s WHERE id = %s AND bike_id IS NULL", (bike_id, body.dock_id))
        raise HTTPException(503, "the dock did not respond, please try again")
    logger.info("ride started ride=%s rider=%s bike=%s dock=%s", ride_id, rider.id, bike_id, body.dock_id)
    return {"ride_id": ride_id, "bike_id": bike_id}


def _load_open_ride(pool: ConnectionPool, ride_id: int, rider_id: int) -> dict | None:
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT r.id, r.rider_id, r.bike_id, r.started_at, b.is_ebike, s.lat AS start_lat, s.lon AS start_lon
                 FROM rides r JOIN bikes b ON b.id = r.bike_id
                 JOIN docks d ON d.id = r.start_dock_id JOIN stations s ON s.id = d.station_id
                WHERE r.id = %s AND r.rider_id = %s AND r.ended_at IS NULL""",
            (ride_id, rider_id),
        )
        return cur.fetchone()


def _load_dock(pool: ConnectionPool, dock_id: int) -> dict | None:
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT d.id, d.status, s.lat, s.lon FROM docks d JOIN stations s ON s.id = d.station_id WHERE d.id = %s",
            (dock_id,),
        )
        return cur.fetchone()


def _finish_ride(pool: ConnectionPool, ride: dict, dock_id: int, fare_cents: int) -> int:
    with pool.connection() as conn:
        balance = conn.execute("SELECT balance_cents FROM wallets WHERE rider_id = %s", (ride["rider_id"],)).fetchone()[0]
        new_balance = balance - fare_cents
        conn.execute("UPDATE wallets SET balance_cents = %s WHERE rider_id = %s", (new_balance, ride["rider_id"]))  # expect: DB004
        conn.execute(
            "INSERT INTO wallet_transactions (rider_id, ride_id, amount_cents, kind) VALUES (%s, %s, %s, 'ride')",
            (ride["rider_id"], ride["id"], -fare_cents),
        )
        conn.execute("UPDATE rides SET ended_at = now(), end_dock_id = %s, fare_cents = %s WHERE id = %s", (dock_id, fare_cents, ride["id"]))
        conn.execute("UPDATE docks SET status = 'occupied', bike_id = %s WHERE id = %s", (ride["bike_id"], dock_id))
    return new_balance


@router.post("/{ride_id}/return")
async def return_bike(
    ride_id: int, body: ReturnRequest, rider: Rider = Depends(current_rider), pool: ConnectionPool = Depends(get_pool)
):
    ride = await run_in_threadpool(_load_open_ride, pool, ride_id, rider.id)  # ok: CON001
    if ride is None:
        raise HTTPException(404, "no open ride with this id")
    dock = await run_in_threadpool(_load_dock, pool, body.dock_id)
    if dock is None or dock["status"] != "empty":
        raise HTTPException(409, "this dock cannot accept a bike")

    minutes = max(1, math.ceil((datetime.now(timezone.utc) - ride["started_at"]).total_seconds() / 60))
    start_zone = zone_for(ride["start_lat"], ride["start_lon"])
    end_zone = zone_for(dock["lat"], dock["lon"])
    fare = compute_fare(minutes, start_zone, end_zone, ebike=ride["is_ebike"])  # expect: CON001
    balance = await run_in_threadpool(_finish_ride, pool, ride, body.dock_id, fare)
    logger.info("ride returned ride=%s rider=%s minutes=%s fare=%s", ride_id, rider.id, minutes, fare)
    return {"ride_id": ride_id, "minutes": minutes, "fare_cents": fare, "balance_cents": balance}
