"""Spare-part reservations against the shared bench bin.

A reservation holds parts for a ticket until the technician fits them
(``consume``) or the job is cancelled (``release_for_ticket``).
"""
import logging
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..models import PartBin, PartReservation

logger = logging.getLogger(__name__)


class OutOfStock(Exception):
    def __init__(self, part_ids: list[int]):
        super().__init__(f"not enough stock for parts {part_ids}")
        self.part_ids = part_ids


def _availability(db: Session, part_ids: list[int]) -> dict[int, int]:
    """Shelf quantity minus what is already held, per part."""
    shelf = dict(db.execute(select(PartBin.part_id, PartBin.quantity).where(PartBin.part_id.in_(part_ids))).all())
    held = dict(
        db.execute(
            select(PartReservation.part_id, func.sum(PartReservation.quantity))
            .where(PartReservation.part_id.in_(part_ids), PartReservation.status == "held")
            .group_by(PartReservation.part_id)
        ).all()
    )
    return {pid: shelf.get(pid, 0) - (held.get(pid) or 0) for pid in part_ids}


def reserve_parts(db: Session, ticket_id: int, lines: Iterable[tuple[int, int]]) -> list[PartReservation]:
    """Hold (part_id, quantity) lines for a ticket. Flushes but does not commit."""
    wanted: dict[int, int] = defaultdict(int)
    for part_id, quantity in lines:
        wanted[part_id] += quantity
    if not wanted:
        return []

    available = _availability(db, list(wanted))
    short = [pid for pid, qty in wanted.items() if available[pid] < qty]  # expect: DB005
    if short:
        raise OutOfStock(short)

    holds = [PartReservation(ticket_id=ticket_id, part_id=pid, quantity=qty) for pid, qty in wanted.items()]
    db.add_all(holds)
    db.flush()
    logger.info("held %d part lines for ticket %s", len(holds), ticket_id)
    return holds


def consume(db: Session, reservation_id: int) -> bool:
    """The technician fitted the parts: take them off the shelf for good."""
    hold = db.scalar(
        select(PartReservation)
        .where(PartReservation.id == reservation_id, PartReservation.status == "held")
        .with_for_update()
    )
    if hold is None:
        return False
    taken = db.execute(
        update(PartBin)
        .where(PartBin.part_id == hold.part_id, PartBin.quantity >= hold.quantity)
        .values(quantity=PartBin.quantity - hold.quantity)
    )
    if taken.rowcount == 0:
        db.rollback()
        logger.error("bin count for part %s is below reservation %s", hold.part_id, hold.id)
        return False
    hold.status = "used"
    db.commit()
    return True


def release_for_ticket(db: Session, ticket_id: int) -> int:
    result = db.execute(
        update(PartReservation)
        .where(PartReservation.ticket_id == ticket_id, PartReservation.status == "held")
        .values(status="released")
    )
    db.commit()
    return result.rowcount
