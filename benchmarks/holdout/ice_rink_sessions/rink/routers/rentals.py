"""Skate rental counter: show which sizes are in, hand out a pair, print a slip."""
import logging
import socket
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rink.auth import require_staff
from rink.db import get_session
from rink.models import Customer, SkateRental, SkateStock, Ticket
from rink.settings import get_settings

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/rentals", tags=["rentals"])

# (kind, size) -> pairs on the shelf, filled on first request so the counter
# tablet does not hit the database every few seconds.
_shelf: dict[tuple[str, int], int] = {}


class RentalIn(BaseModel):
    ticket_id: int
    kind: str = Field(pattern="^(figure|hockey)$")
    size: int = Field(ge=20, le=50)


def _print_slip(rental_id: int, kind: str, size: int) -> None:
    settings = get_settings()
    slip = (
        f"RENTAL #{rental_id}\n{kind.upper()} size {size}\n"
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC\n\n\n"
    ).encode("ascii")
    with socket.create_connection(
        (settings.rental_printer_host, settings.rental_printer_port), timeout=3
    ) as conn:
        conn.sendall(slip)


@router.get("/availability")
async def availability(db: AsyncSession = Depends(get_session), staff: Customer = Depends(require_staff)):
    if not _shelf:
        for stock in await db.scalars(select(SkateStock)):  # ok: DB002
            _shelf[(stock.kind, stock.size)] = stock.available  # expect: CON002
    return [{"kind": k, "size": s, "available": n} for (k, s), n in sorted(_shelf.items())]


@router.post("", status_code=status.HTTP_201_CREATED)
async def rent_pair(
    body: RentalIn,
    db: AsyncSession = Depends(get_session),
    staff: Customer = Depends(require_staff),
):
    ticket = await db.get(Ticket, body.ticket_id)
    if ticket is None or ticket.status != "paid":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no paid ticket with that number")

    taken = await db.execute(
        update(SkateStock)
        .where(SkateStock.kind == body.kind, SkateStock.size == body.size, SkateStock.available > 0)
        .values(available=SkateStock.available - 1)
        .returning(SkateStock.id)
    )
    stock_id = taken.scalar_one_or_none()
    if stock_id is None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"no {body.kind} skates in size {body.size}")

    rental = SkateRental(ticket_id=ticket.id, stock_id=stock_id)
    db.add(rental)
    await db.commit()

    key = (body.kind, body.size)
    if key in _shelf:
        _shelf[key] -= 1  # expect: CON002, SCL001

    try:
        _print_slip(rental.id, body.kind, body.size)  # expect: CON001
    except OSError:
        logger.warning("slip printer unreachable for rental %s", rental.id, exc_info=True)
    return {"rental_id": rental.id, "kind": body.kind, "size": body.size}
