"""Bronze metal stock: ingot deliveries, melts and the metal poured into each bell.

Bell metal is roughly 78 % copper and 22 % tin by weight. Quantities are kept
in kilograms with one decimal place.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

import psycopg

from foundry.db import connection

logger = logging.getLogger(__name__)

COPPER_SHARE = Decimal("0.78")
TIN_SHARE = Decimal("0.22")
RISER_ALLOWANCE = Decimal("0.12")
KG = Decimal("0.1")


class MeltUnavailable(Exception):
    pass


class InsufficientMetal(Exception):
    pass


@dataclass(frozen=True)
class Ingot:
    metal: str
    heat_number: str
    kg: Decimal


def receive_ingots(delivery_ref: str, ingots: list[Ingot]) -> int:
    """Record a supplier delivery of copper and tin ingots, one row per ingot."""
    stored = 0
    with connection() as conn:
        for ingot in ingots:
            conn.execute(
                "INSERT INTO ingots (delivery_ref, metal, heat_number, kg) VALUES (%s, %s, %s, %s)",
                (delivery_ref, ingot.metal, ingot.heat_number, ingot.kg),
            )
            conn.commit()  # expect: DB003
            stored += 1
    logger.info("ingot delivery received", extra={"delivery_ref": delivery_ref, "ingots": stored})
    return stored


def charge_for_melt(total_kg: Decimal) -> dict[str, Decimal]:
    """Split a melt's weight into the copper and tin to load into the furnace."""
    copper = (total_kg * COPPER_SHARE).quantize(KG)
    return {"copper": copper, "tin": (total_kg - copper).quantize(KG)}


def allocate_to_bell(conn: psycopg.Connection, melt_id: int, order_bell_id: int, bell_kg: Decimal) -> Decimal:
    """Take metal from a melt for one bell, including runner and riser allowance.

    Returns the kilograms left in the melt afterwards.
    """
    needed = (bell_kg * (1 + RISER_ALLOWANCE)).quantize(KG)
    melt = conn.execute(
        "SELECT id, kg_available, status FROM melts WHERE id = %s", (melt_id,)
    ).fetchone()
    if melt is None or melt["status"] not in ("planned", "molten"):
        raise MeltUnavailable(f"melt {melt_id} is not open for allocation")
    remaining = melt["kg_available"] - needed
    if remaining < 0:
        raise InsufficientMetal(f"melt {melt_id} has {melt['kg_available']} kg, {needed} kg needed")
    conn.execute("UPDATE melts SET kg_available = %s WHERE id = %s", (remaining, melt_id))  # expect: DB004, DB005
    conn.execute(
        "INSERT INTO bell_pours (melt_id, order_bell_id, kg) VALUES (%s, %s, %s)",
        (melt_id, order_bell_id, needed),
    )
    return remaining


def return_to_melt(melt_id: int, order_bell_id: int) -> None:
    """Give back the metal of a pour that was cancelled before casting."""
    with connection() as conn:
        pour = conn.execute(
            "DELETE FROM bell_pours WHERE melt_id = %s AND order_bell_id = %s RETURNING kg",
            (melt_id, order_bell_id),
        ).fetchone()
        if pour is not None:
            conn.execute(
                "UPDATE melts SET kg_available = kg_available + %s WHERE id = %s",  # ok: DB004
                (pour["kg"], melt_id),
            )


def melt_summary(melt_id: int) -> dict:
    """Totals for one melt, shown on the furnace board."""
    with connection() as conn:
        return conn.execute(
            "SELECT m.id, m.kg_available, count(p.id) AS pours, coalesce(sum(p.kg), 0) AS kg_poured "
            "FROM melts m LEFT JOIN bell_pours p ON p.melt_id = m.id WHERE m.id = %s GROUP BY m.id",
            (melt_id,),
        ).fetchone()
