"""Salt draw-down and deliveries, each change made under a row lock or as one statement."""

from __future__ import annotations

import logging
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from dispatch.models import RouteRun, SaltMovement, SaltStock

logger = logging.getLogger(__name__)


class InsufficientSalt(Exception):
    def __init__(self, depot_id: int, requested: Decimal, available: Decimal) -> None:
        super().__init__(
            f"depot {depot_id} has {available} t of salt, {requested} t requested"
        )
        self.depot_id = depot_id
        self.requested = requested
        self.available = available


async def draw_for_run(run_id: int, depot_id: int, tonnes: Decimal) -> Decimal:
    """Take ``tonnes`` from the depot barn for a route run and return what is left."""
    async with in_transaction() as conn:
        stock = await SaltStock.filter(depot_id=depot_id).select_for_update().using_db(conn).get()  # ok: DB004
        if stock.tonnes < tonnes:
            raise InsufficientSalt(depot_id, tonnes, stock.tonnes)

        stock.tonnes = stock.tonnes - tonnes
        await stock.save(using_db=conn, update_fields=["tonnes", "updated_at"])
        await SaltMovement.create(
            depot_id=depot_id,
            tonnes=-tonnes,
            reason="route_run",
            route_run_id=run_id,
            using_db=conn,
        )
        await RouteRun.filter(id=run_id).using_db(conn).update(
            salt_used_tonnes=F("salt_used_tonnes") + tonnes
        )
    logger.info("run %s drew %s t from depot %s, %s t left", run_id, tonnes, depot_id, stock.tonnes)
    return stock.tonnes


async def record_delivery(depot_id: int, tonnes: Decimal, delivery_note: str) -> bool:
    """Add a supplier delivery once per delivery note; returns False for a repeat."""
    if tonnes <= 0:
        raise ValueError("delivered tonnes must be positive")
    try:
        async with in_transaction() as conn:
            await SaltMovement.create(  # ok: DB005
                depot_id=depot_id,
                tonnes=tonnes,
                reason="delivery",
                reference=f"delivery:{delivery_note}",
                using_db=conn,
            )
            await SaltStock.filter(depot_id=depot_id).using_db(conn).update(
                tonnes=F("tonnes") + tonnes
            )
    except IntegrityError:
        logger.info("delivery note %s already booked in at depot %s", delivery_note, depot_id)
        return False
    return True


async def transfer(from_depot: int, to_depot: int, tonnes: Decimal) -> None:
    """Move salt between depots; both barns are locked in id order to avoid deadlocks."""
    first, second = sorted((from_depot, to_depot))
    async with in_transaction() as conn:
        locked = {}
        for depot_id in (first, second):
            locked[depot_id] = (
                await SaltStock.filter(depot_id=depot_id).select_for_update().using_db(conn).get()
            )
        source = locked[from_depot]
        if source.tonnes < tonnes:
            raise InsufficientSalt(from_depot, tonnes, source.tonnes)
        await SaltStock.filter(depot_id=from_depot).using_db(conn).update(tonnes=F("tonnes") - tonnes)
        await SaltStock.filter(depot_id=to_depot).using_db(conn).update(tonnes=F("tonnes") + tonnes)
        for depot_id, sign in ((from_depot, -1), (to_depot, 1)):
            await SaltMovement.create(
                depot_id=depot_id,
                tonnes=tonnes * sign,
                reason="transfer_out" if sign < 0 else "transfer_in",
                using_db=conn,
            )
