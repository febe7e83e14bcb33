"""Seat holds kept in Postgres, so every replica sees the same holds."""
import logging

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from ..auth import Principal, current_principal
from ..db import get_pool
from ..settings import Settings, get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v2/series", tags=["holds"])

HOLD_SQL = """
INSERT INTO seat_holds (series_id, seat_id, patron_id, expires_at)
SELECT %(series)s, seat, %(patron)s, now() + make_interval(mins => %(minutes)s)
FROM unnest(%(seats)s::int[]) AS seat
WHERE NOT EXISTS (
    SELECT 1 FROM subscriptions s
    WHERE s.series_id = %(series)s AND s.seat_id = seat AND s.status = 'active'
)
ON CONFLICT (series_id, seat_id) DO UPDATE
    SET patron_id = EXCLUDED.patron_id, expires_at = EXCLUDED.expires_at
    WHERE seat_holds.expires_at < now() OR seat_holds.patron_id = EXCLUDED.patron_id
RETURNING seat_id
"""


class HoldRequest(BaseModel):
    seat_ids: list[int] = Field(min_length=1, max_length=8)


@router.post("/{series_id}/holds")
def hold_seats(
    series_id: int,
    body: HoldRequest,
    principal: Principal = Depends(current_principal),
    settings: Settings = Depends(get_settings),
) -> dict:
    seats = sorted(set(body.seat_ids))
    with get_pool().connection() as conn, conn.transaction():  # ok: CON001
        # serialise one patron's hold requests so the per-patron cap holds
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (principal.patron_id,))
        held = conn.execute(
            "SELECT count(*) FROM seat_holds WHERE patron_id = %s AND expires_at > now()",
            (principal.patron_id,),
        ).fetchone()[0]
        if held + len(seats) > settings.max_seats_per_patron:
            raise HTTPException(429, "too many seats on hold")
        got = conn.execute(
            HOLD_SQL,
            {"series": series_id, "patron": principal.patron_id, "minutes": settings.hold_minutes, "seats": seats},
        ).fetchall()  # ok: DB005, DB002
        if len(got) != len(seats):
            # raising inside the transaction block rolls the partial holds back
            taken = sorted(set(seats) - {row[0] for row in got})
            raise HTTPException(409, {"unavailable": taken})
    log.info("patron %s holds %s in series %s", principal.patron_id, seats, series_id)
    return {"series_id": series_id, "seat_ids": seats, "hold_minutes": settings.hold_minutes}


@router.delete("/{series_id}/holds/{seat_id}", status_code=204)
def release_seat(series_id: int, seat_id: int, principal: Principal = Depends(current_principal)) -> None:
    with get_pool().connection() as conn:
        deleted = conn.execute(
            "DELETE FROM seat_holds WHERE series_id = %s AND seat_id = %s AND patron_id = %s",  # ok: SEC018
            (series_id, seat_id, principal.patron_id),
        ).rowcount
    if not deleted:
        raise HTTPException(404, "no such hold")


@router.post("/{series_id}/checkout")
def checkout(series_id: int, season: str, price_cents: int, principal: Principal = Depends(current_principal)) -> dict:
    with get_pool().connection() as conn, conn.transaction():
        rows = conn.execute(
            "DELETE FROM seat_holds WHERE series_id = %s AND patron_id = %s AND expires_at > now() "
            "RETURNING seat_id",
            (series_id, principal.patron_id),
        ).fetchall()
        if not rows:
            raise HTTPException(410, "hold expired")
        ids = conn.execute(
            "INSERT INTO subscriptions (patron_id, series_id, seat_id, season, status, price_cents) "
            "SELECT %s, %s, seat, %s, 'active', %s FROM unnest(%s::int[]) AS seat RETURNING id",
            (principal.patron_id, series_id, season, price_cents, [r[0] for r in rows]),
        ).fetchall()
    log.info("patron %s subscribed to %d seats in series %s", principal.patron_id, len(ids), series_id)
    return {"subscription_ids": [r[0] for r in ids]}
