"""Pricing rules for tree work quotes.

Prices are kept in pence and computed with Decimal so a quote always adds up to
the same total the customer sees on the PDF.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

VAT_RATE = Decimal("0.20")

BASE_RATES_PENCE: dict[str, int] = {
    "fell": 18_000,
    "section_fell": 26_000,
    "crown_reduction": 24_000,
    "crown_lift": 12_000,
    "deadwood": 9_000,
    "stump_grind": 7_500,
    "hedge_trim": 6_000,
}

BASE_HOURS: dict[str, Decimal] = {
    "fell": Decimal("2.0"),
    "section_fell": Decimal("3.5"),
    "crown_reduction": Decimal("3.0"),
    "crown_lift": Decimal("1.5"),
    "deadwood": Decimal("1.0"),
    "stump_grind": Decimal("1.0"),
    "hedge_trim": Decimal("1.0"),
}

HEIGHT_BANDS: tuple[tuple[int, Decimal], ...] = (
    (5, Decimal("1.00")),
    (10, Decimal("1.35")),
    (15, Decimal("1.80")),
    (25, Decimal("2.60")),
)

ACCESS_FACTORS: dict[str, Decimal] = {
    "open": Decimal("1.0"),
    "rear_garden": Decimal("1.2"),
    "over_structure": Decimal("1.6"),
}

CHIPPING_OPERATIONS = {"fell", "section_fell", "crown_reduction", "crown_lift", "hedge_trim"}
TPO_ADMIN_FEE_PENCE = 4_500


@dataclass(frozen=True)
class WorkItem:
    operation: str
    species: str
    height_m: Decimal
    access: str = "open"


@dataclass(frozen=True)
class PricedQuote:
    line_prices: tuple[int, ...]
    subtotal_pence: int
    vat_pence: int
    total_pence: int
    deposit_pence: int
    crew_hours: Decimal
    chipper_hours: Decimal


def height_factor(height_m: Decimal) -> Decimal:
    for ceiling, factor in HEIGHT_BANDS:
        if height_m <= ceiling:
            return factor
    raise ValueError(f"trees over {HEIGHT_BANDS[-1][0]} m need a specialist survey")


def price_item(item: WorkItem) -> int:
    try:
        base = Decimal(BASE_RATES_PENCE[item.operation])
        access = ACCESS_FACTORS[item.access]
    except KeyError as exc:
        raise ValueError(f"unknown operation or access: {exc.args[0]}") from exc
    amount = base * height_factor(item.height_m) * access
    return int(amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def estimate_hours(items: list[WorkItem]) -> tuple[Decimal, Decimal]:
    crew = sum((BASE_HOURS[i.operation] * height_factor(i.height_m) for i in items), Decimal("0"))
    chipper = sum(
        (BASE_HOURS[i.operation] for i in items if i.operation in CHIPPING_OPERATIONS), Decimal("0")
    )
    return crew.quantize(Decimal("0.5"), rounding=ROUND_HALF_UP), chipper


def price_quote(items: list[WorkItem], *, deposit_percent: int, tpo_protected: bool = False) -> PricedQuote:
    if not items:
        raise ValueError("a quote needs at least one work item")
    if not 0 <= deposit_percent <= 100:
        raise ValueError("deposit_percent must be between 0 and 100")
    line_prices = tuple(price_item(item) for item in items)
    subtotal = sum(line_prices) + (TPO_ADMIN_FEE_PENCE if tpo_protected else 0)
    vat = int((Decimal(subtotal) * VAT_RATE).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    total = subtotal + vat
    deposit = int((Decimal(total) * deposit_percent / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    crew_hours, chipper_hours = estimate_hours(items)
    return PricedQuote(line_prices, subtotal, vat, total, deposit, crew_hours, chipper_hours)
