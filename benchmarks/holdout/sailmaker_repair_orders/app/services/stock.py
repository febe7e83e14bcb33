"""Sailcloth stock: cutting from rolls and keeping supplier prices current."""
import logging
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, select

from ..clients.chandlery import ChandleryClient
from ..db import session_scope
from ..models import ClothMovement, QuoteLine, SailclothRoll

logger = logging.getLogger(__name__)


class NotEnoughCloth(Exception):
    """The roll holds less cloth than the cut needs."""


@dataclass(frozen=True)
class Cut:
    roll_id: int
    metres: float
    remaining: float


def cut_from_roll(session: Session, *, roll_id: int, metres: float, order_id: int | None, staff_id: int, note: str = "") -> Cut:
    """Take `metres` off a roll in one conditional UPDATE and log the movement."""
    result = session.execute(  # ok: DB004
        update(SailclothRoll)
        .where(SailclothRoll.id == roll_id, SailclothRoll.metres_remaining >= metres)
        .values(metres_remaining=SailclothRoll.metres_remaining - metres)
        .returning(SailclothRoll.metres_remaining)
    )
    remaining = result.scalar_one_or_none()
    if remaining is None:
        session.rollback()
        raise NotEnoughCloth(f"roll {roll_id} cannot supply {metres} m")
    session.add(ClothMovement(roll_id=roll_id, order_id=order_id, metres=metres, note=note, created_by=staff_id))
    session.commit()
    logger.info("cloth cut roll_id=%s metres=%s order_id=%s remaining=%s", roll_id, metres, order_id, remaining)
    return Cut(roll_id=roll_id, metres=metres, remaining=remaining)


def allocate_quote_cloth(session: Session, *, quote_id: int, staff_id: int) -> list[Cut]:
    """Cut every cloth line of an approved quote, all or nothing."""
    lines = session.exec(select(QuoteLine).where(QuoteLine.quote_id == quote_id, QuoteLine.metres > 0)).all()
    codes = sorted({line.cloth_code for line in lines if line.cloth_code})
    rolls = session.exec(
        select(SailclothRoll)
        .where(SailclothRoll.cloth_code.in_(codes))
        .order_by(SailclothRoll.id)
        .with_for_update()  # ok: DB005
    ).all()
    by_code: dict[str, list[SailclothRoll]] = {}
    for roll in rolls:
        by_code.setdefault(roll.cloth_code, []).append(roll)

    cuts: list[Cut] = []
    for line in lines:
        roll = next((r for r in by_code.get(line.cloth_code, []) if r.metres_remaining >= line.metres), None)
        if roll is None:
            session.rollback()
            raise NotEnoughCloth(f"no roll of {line.cloth_code} has {line.metres} m left")
        roll.metres_remaining -= line.metres  # ok: DB004
        session.add(roll)
        session.add(ClothMovement(roll_id=roll.id, metres=line.metres, note=f"quote {quote_id}", created_by=staff_id))
        cuts.append(Cut(roll_id=roll.id, metres=line.metres, remaining=roll.metres_remaining))
    session.commit()
    return cuts


def refresh_cloth_prices() -> int:
    """Copy the chandlery's current per-metre prices onto our rolls; one commit for the batch."""
    with session_scope() as session:
        rolls = session.exec(select(SailclothRoll).where(SailclothRoll.supplier_sku.is_not(None))).all()
        skus = sorted({roll.supplier_sku for roll in rolls})
        if not skus:
            return 0
        with ChandleryClient() as client:
            prices = client.price_list(skus)
        updated = 0
        for roll in rolls:
            price = prices.get(roll.supplier_sku)
            if price is not None and price != roll.price_per_metre_pence:
                roll.price_per_metre_pence = price
                session.add(roll)
                updated += 1
    return updated
