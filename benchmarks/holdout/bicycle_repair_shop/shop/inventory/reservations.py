"""Part reservations made when a mechanic books parts against a ticket."""
import logging
from datetime import datetime, timedelta, timezone

from celery import shared_task

from .. import db
from ..models import Part, PartReservation, Ticket

log = logging.getLogger(__name__)

RESERVATION_TTL = timedelta(days=10)


class OutOfStock(Exception):
    def __init__(self, sku: str, wanted: int, available: int):
        super().__init__(f"{sku}: wanted {wanted}, {available} on hand")
        self.sku = sku
        self.wanted = wanted
        self.available = available


def reserve_parts(ticket_id: int, lines: list[dict]) -> list[int]:
    """Reserve each requested part for the ticket; all or nothing."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        raise LookupError(f"ticket {ticket_id} not found")

    reservation_ids = []
    try:
        for line in lines[:25]:
            part = db.session.get(Part, int(line["part_id"]))
            quantity = int(line["quantity"])
            if part is None or quantity <= 0:
                raise ValueError(f"bad line {line!r}")
            if part.on_hand < quantity:
                raise OutOfStock(part.sku, quantity, part.on_hand)
            part.on_hand = part.on_hand - quantity  # expect: DB004, DB005
            reservation = PartReservation(ticket_id=ticket.id, part_id=part.id, quantity=quantity)
            db.session.add(reservation)
            db.session.flush()
            reservation_ids.append(reservation.id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("reserved %d part lines for ticket %s", len(reservation_ids), ticket.id)
    return reservation_ids


def return_part(reservation_id: int, quantity_back: int) -> None:
    """A mechanic brings an unused part back to the shelf."""
    reservation = db.session.get(PartReservation, reservation_id)
    if reservation is None or reservation.released_at is not None:
        raise LookupError(f"reservation {reservation_id} is not open")
    quantity_back = min(quantity_back, reservation.quantity)
    reservation.quantity -= quantity_back
    reservation.part.on_hand += quantity_back  # expect: DB004
    if reservation.quantity == 0:
        reservation.released_at = datetime.now(timezone.utc)
    db.session.commit()


@shared_task(name="inventory.release_stale_reservations")
def release_stale_reservations() -> int:
    """Give back parts reserved for tickets that were abandoned."""
    cutoff = datetime.now(timezone.utc) - RESERVATION_TTL
    stale = (
        PartReservation.query.join(Ticket)
        .filter(
            PartReservation.released_at.is_(None),
            Ticket.status.in_(("received", "diagnosed")),
            Ticket.created_at < cutoff,
        )
        .limit(500)
        .all()
    )
    released = 0
    for reservation in stale:
        part = Part.query.filter_by(id=reservation.part_id).one()  # expect: DB001
        part.on_hand += reservation.quantity  # expect: DB004
        reservation.released_at = datetime.now(timezone.utc)
        db.session.commit()  # expect: DB003
        released += 1
    log.info("released %d stale reservations older than %s", released, cutoff.isoformat())
    return released
