"""Paper stock per sheet size: reservations for print runs, spoilage, deliveries and stocktakes."""

import logging
import math

from django.core.mail import mail_managers
from django.db import transaction
from django.db.models import F

from orders.models import Order, PaperStock

logger = logging.getLogger(__name__)

SPOILAGE_RATE = 0.06
MIN_SPOILAGE = 5


class OutOfPaper(Exception):
    def __init__(self, size: str, needed: int, on_hand: int):
        super().__init__(f"{size}: {needed} sheets needed, {on_hand} on hand")
        self.size = size


def spoilage_allowance(sheets: int) -> int:
    """Extra sheets for make-ready and misfeeds on a hand-fed press."""
    return max(MIN_SPOILAGE, math.ceil(sheets * SPOILAGE_RATE))


def stock_levels() -> list[dict]:
    return [
        {
            "size": s.size,
            "stock_name": s.stock_name,
            "sheets_on_hand": s.sheets_on_hand,
            "low": s.sheets_on_hand < s.reorder_level,
        }
        for s in PaperStock.objects.order_by("size")
    ]


def _warn_if_low(stock: PaperStock, remaining: int) -> None:
    if remaining < stock.reorder_level:
        mail_managers(
            f"Reorder {stock.stock_name} ({stock.size})",
            f"{remaining} sheets left, reorder level is {stock.reorder_level}.",
            fail_silently=False,
        )


def reserve_sheets(order: Order) -> int:
    """Take the paper for an approved order off the shelf before it goes to press."""
    needed = order.sheets + spoilage_allowance(order.sheets)
    stock = PaperStock.objects.get(size=order.paper_size)
    if stock.sheets_on_hand < needed:  # expect: DB005
        raise OutOfPaper(order.paper_size, needed, stock.sheets_on_hand)
    PaperStock.objects.filter(pk=stock.pk).update(sheets_on_hand=F("sheets_on_hand") - needed)
    remaining = stock.sheets_on_hand - needed
    logger.info("paper reserved", extra={"order_ref": order.reference, "count": needed})
    _warn_if_low(stock, remaining)
    return remaining


def record_spoilage(size: str, spoiled: int, reason: str) -> int:
    """Sheets ruined on press beyond the allowance (a misprint, a crease)."""
    stock = PaperStock.objects.get(size=size)
    stock.sheets_on_hand -= spoiled
    stock.save(update_fields=["sheets_on_hand", "updated_at"])  # expect: DB004
    logger.info("spoilage recorded", extra={"count": spoiled, "status": reason[:80]})
    _warn_if_low(stock, stock.sheets_on_hand)
    return stock.sheets_on_hand


def receive_delivery(size: str, sheets: int) -> None:
    """A mill delivery arrived; add it to the shelf."""
    if sheets <= 0:
        raise ValueError("a delivery has at least one sheet")
    updated = PaperStock.objects.filter(size=size).update(sheets_on_hand=F("sheets_on_hand") + sheets)  # ok: DB004
    if not updated:
        raise PaperStock.DoesNotExist(size)


@transaction.atomic
def apply_stocktake(counts: dict[str, int]) -> dict[str, int]:
    """Replace the book figures with a physical count; returns the difference per size."""
    differences = {}
    for stock in PaperStock.objects.select_for_update().filter(size__in=counts.keys()):
        differences[stock.size] = counts[stock.size] - stock.sheets_on_hand
        stock.sheets_on_hand = counts[stock.size]
        stock.save(update_fields=["sheets_on_hand", "updated_at"])
    logger.info("stocktake applied", extra={"count": len(differences)})
    return differences
