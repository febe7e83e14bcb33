"""Bunk allocation for huts, used by the warden desk and the partner booking API."""
import datetime
import logging
import secrets
from dataclasses import dataclass

import asyncpg

logger = logging.getLogger(__name__)


class HutFull(Exception):
    """Not enough free bunks on that night."""


@dataclass(frozen=True)
class Allocation:
    reservation_id: int
    checkin_code: str
    bunks_left: int


def new_checkin_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"  # ok: SEC010


async def ensure_night(conn: asyncpg.Connection, hut_id: int, night: datetime.date) -> None:
    await conn.execute(
        """
        INSERT INTO hut_nights (hut_id, night, bunks_total, bunks_taken, half_board)
        SELECT id, $2, bunks, 0, 0 FROM huts WHERE id = $1
        ON CONFLICT (hut_id, night) DO NOTHING
        """,
        hut_id,
        night,
    )


async def reserve_bunks(
    pool: asyncpg.Pool,
    *,
    hut_id: int,
    night: datetime.date,
    party_size: int,
    half_board: int,
    guest_name: str,
    email: str,
    phone: str,
    guide_id: int | None = None,
) -> Allocation:
    async with pool.acquire() as conn:
        async with conn.transaction():
            await ensure_night(conn, hut_id, night)
            row = await conn.fetchrow(  # ok: DB004
                """
                UPDATE hut_nights
                   SET bunks_taken = bunks_taken + $3,
                       half_board = half_board + $4
                 WHERE hut_id = $1 AND night = $2 AND bunks_taken + $3 <= bunks_total
             RETURNING bunks_total - bunks_taken AS bunks_left
                """,
                hut_id,
                night,
                party_size,
                half_board,
            )
            if row is None:
                raise HutFull(f"hut {hut_id} has fewer than {party_size} bunks free on {night}")
            code = new_checkin_code()
            reservation_id = await conn.fetchval(
                """
                INSERT INTO reservations
                    (hut_id, night, guest_name, email, phone, party_size, half_board, guide_id, checkin_code, status)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'confirmed')
                RETURNING id
                """,
                hut_id, night, guest_name, email, phone, party_size, half_board, guide_id, code,
            )
    logger.info("bunks reserved reservation_id=%s hut_id=%s night=%s party=%s", reservation_id, hut_id, night, party_size)
    return Allocation(reservation_id=reservation_id, checkin_code=code, bunks_left=row["bunks_left"])


async def cancel(pool: asyncpg.Pool, reservation_id: int) -> bool:
    async with pool.acquire() as conn:
        async with conn.transaction():
            res = await conn.fetchrow(
                "UPDATE reservations SET status = 'cancelled' WHERE id = $1 AND status = 'confirmed' "
                "RETURNING hut_id, night, party_size, half_board",
                reservation_id,
            )
            if res is None:
                return False
            await conn.execute(
                "UPDATE hut_nights SET bunks_taken = bunks_taken - $3, half_board = half_board - $4 "
                "WHERE hut_id = $1 AND night = $2",
                res["hut_id"], res["night"], res["party_size"], res["half_board"],
            )
    return True
