"""Bench holds: a technician grabs parts from the bin during diagnosis.

Same bookkeeping as quote reservations, but taken interactively at the bench,
where two technicians often reach for the last shutter curtain at once.
"""
import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import PartBin, PartReservation, Ticket

logger = logging.getLogger(__name__)

MAX_HOLD_QUANTITY = 10


class HoldRejected(Exception):
    pass


def hold_from_bin(db: Session, technician_id: int, ticket_id: int, part_id: int, quantity: int) -> PartReservation:
    if not 0 < quantity <= MAX_HOLD_QUANTITY:
        raise HoldRejected("quantity out of range")

    ticket = db.scalar(
        select(Ticket).where(Ticket.id == ticket_id, Ticket.technician_id == technician_id)
    )
    if ticket is None:
        raise HoldRejected("ticket is not assigned to you")

    # Lock the bin row: every hold for this part queues behind it until commit.
    bin_row = db.scalar(select(PartBin).where(PartBin.part_id == part_id).with_for_update())
    if bin_row is None:
        raise HoldRejected("part is not stocked")

    held = db.scalar(
        select(func.coalesce(func.sum(PartReservation.quantity), 0)).where(
            PartReservation.part_id == part_id, PartReservation.status == "held"
        )
    )
    if bin_row.quantity - held < quantity:  # ok: DB005
        db.rollback()
        raise HoldRejected(f"only {bin_row.quantity - held} left in bin {bin_row.location}")

    hold = PartReservation(ticket_id=ticket.id, part_id=part_id, quantity=quantity)
    db.add(hold)
    db.commit()
    logger.info("technician %s held %d of part %s for ticket %s", technician_id, quantity, part_id, ticket.id)
    return hold


def bench_summary(db: Session, technician_id: int) -> list[dict]:
    """Everything a technician currently holds, one query."""
    rows = db.execute(
        select(PartReservation.ticket_id, PartReservation.part_id, PartReservation.quantity, PartBin.location)
        .join(Ticket, Ticket.id == PartReservation.ticket_id)
        .join(PartBin, PartBin.part_id == PartReservation.part_id)
        .where(Ticket.technician_id == technician_id, PartReservation.status == "held")
        .order_by(PartReservation.ticket_id)
        .limit(200)
    ).all()
    return [
        {"ticket_id": t, "part_id": p, "quantity": q, "bin": loc}
        for t, p, q, loc in rows  # ok: DB001
    ]
