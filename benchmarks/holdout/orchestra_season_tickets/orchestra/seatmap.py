"""Seat map for a hall, with live availability for one series."""
import asyncio
import logging
from functools import lru_cache

from fastapi import APIRouter, HTTPException
from sqlalchemy import func, select

from .db import Seat, Subscription, get_pool, session_factory

log = logging.getLogger(__name__)
router = APIRouter(prefix="/halls", tags=["seatmap"])

KNOWN_HALLS = {1: "Main Hall", 2: "Recital Hall"}


@lru_cache(maxsize=8)  # ok: RES002
def _layout(hall_id: int) -> tuple[tuple[int, str, str, int], ...]:
    """Seats never move during a season, so the layout is cached per hall."""
    with session_factory()() as db:
        seats = db.execute(
            select(Seat.id, Seat.section, Seat.row_label, Seat.number)
            .where(Seat.hall_id == hall_id)
            .order_by(Seat.section, Seat.row_label, Seat.number)
        ).all()
    return tuple(tuple(s) for s in seats)


def _taken(series_id: int) -> set[int]:
    with get_pool().connection() as conn:
        rows = conn.execute(
            "SELECT seat_id FROM subscriptions WHERE series_id = %s AND status = 'active' "
            "UNION SELECT seat_id FROM seat_holds WHERE series_id = %s AND expires_at > now()",
            (series_id, series_id),
        ).fetchall()
    return {r[0] for r in rows}


@router.get("/{hall_id}/series/{series_id}/seatmap")
async def seatmap(hall_id: int, series_id: int) -> dict:
    if hall_id not in KNOWN_HALLS:
        raise HTTPException(404, "unknown hall")
    layout, taken = await asyncio.gather(
        asyncio.to_thread(_layout, hall_id),  # ok: CON001
        asyncio.to_thread(_taken, series_id),
    )
    sections: dict[str, list[dict]] = {}
    for seat_id, section, row_label, number in layout:
        sections.setdefault(section, []).append(
            {"id": seat_id, "row": row_label, "number": number, "available": seat_id not in taken}
        )
    return {
        "hall": KNOWN_HALLS[hall_id],
        "series_id": series_id,
        "available": sum(1 for s in layout if s[0] not in taken),
        "sections": sections,
    }


@router.get("/{hall_id}/series/{series_id}/count")
def available_count(hall_id: int, series_id: int) -> dict:
    if hall_id not in KNOWN_HALLS:
        raise HTTPException(404, "unknown hall")
    with session_factory()() as db:
        total = len(_layout(hall_id))
        sold = db.scalar(
            select(func.count())
            .select_from(Subscription)
            .where(Subscription.series_id == series_id, Subscription.status == "active")
        )
    log.debug("availability count for hall %s series %s", hall_id, series_id)
    return {"hall_id": hall_id, "series_id": series_id, "seats": total, "sold": sold, "left": total - sold}
