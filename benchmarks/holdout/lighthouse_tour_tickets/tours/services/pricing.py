"""Ticket pricing: base fares, group discounts and refund amounts.

Kept free of Flask and database imports so it can be unit-tested directly.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable

DEFAULT_GROUP_TIERS: tuple[tuple[int, int], ...] = ((20, 20), (10, 15), (6, 10))
MAX_PARTY_SIZE = 40
LATE_CANCEL_WINDOW = timedelta(hours=24)
CANCELLATION_FEE_PENCE = 150


class PricingError(ValueError):
    """Raised for party sizes or fares we cannot quote."""


@dataclass(frozen=True)
class Quote:
    party_size: int
    unit_pence: int
    discount_pct: int
    total_pence: int

    @property
    def gross_pence(self) -> int:
        return self.unit_pence * self.party_size

    @property
    def discount_pence(self) -> int:
        return self.gross_pence - self.total_pence


def discount_for(party_size: int, tiers: Iterable[tuple[int, int]] | None = None) -> int:
    """Percent off for a party of this size; the largest qualifying tier wins."""
    ordered = sorted(tiers or DEFAULT_GROUP_TIERS, key=lambda tier: tier[0], reverse=True)
    for min_size, pct in ordered:
        if party_size >= min_size:
            return pct
    return 0


def quote(slot, party_size: int, tiers: Iterable[tuple[int, int]] | None = None) -> Quote:
    if party_size < 1:
        raise PricingError("A booking needs at least one visitor.")
    if party_size > MAX_PARTY_SIZE:
        raise PricingError(f"Parties larger than {MAX_PARTY_SIZE} must book through the office.")
    if slot.price_pence <= 0:
        raise PricingError("This tour is not on sale.")

    pct = discount_for(party_size, tiers)
    gross = slot.price_pence * party_size
    total = gross - (gross * pct) // 100
    return Quote(party_size=party_size, unit_pence=slot.price_pence,
                 discount_pct=pct, total_pence=total)


def refund_amount(booking, slot, *, reason: str = "customer", now: datetime | None = None) -> int:
    """How much to refund.

    Closures (storms, sea state, causeway flooding) are refunded in full.
    Customer cancellations more than 24 hours ahead lose a small fee; inside
    24 hours nothing is refunded.
    """
    if reason == "closure":
        return booking.amount_pence
    now = now or datetime.now(timezone.utc)
    if slot.starts_at - now < LATE_CANCEL_WINDOW:
        return 0
    return max(booking.amount_pence - CANCELLATION_FEE_PENCE, 0)
