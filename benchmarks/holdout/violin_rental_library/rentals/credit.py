"""Rent-to-own credit.

Part of every rent payment on a rent-to-own rental builds credit towards buying
the instrument outright. Families can buy once the credit covers the price.
"""
from __future__ import annotations

import logging
from decimal import ROUND_DOWN, Decimal

from django.db import transaction

from rentals.models import CreditAccount, CreditEntry, Instrument, Rental

logger = logging.getLogger(__name__)

CREDIT_SHARE = Decimal("0.60")
MAX_CREDIT_SHARE_OF_PRICE = Decimal("0.90")


class InsufficientCredit(Exception):
    def __init__(self, balance_pence: int, price_pence: int) -> None:
        super().__init__(f"credit {balance_pence}p does not cover price {price_pence}p")
        self.balance_pence = balance_pence
        self.price_pence = price_pence


def credit_for_payment(amount_pence: int) -> int:
    """Credit earned by one rent payment, rounded down to the penny."""
    if amount_pence < 0:
        raise ValueError("payments cannot be negative")
    return int((Decimal(amount_pence) * CREDIT_SHARE).quantize(Decimal("1"), rounding=ROUND_DOWN))


def credit_cap(instrument: Instrument) -> int:
    return int(Decimal(instrument.purchase_price_pence) * MAX_CREDIT_SHARE_OF_PRICE)


def apply_rent_credit(rental: Rental, amount_pence: int, *, invoice_id: int | None = None) -> int:
    """Add credit for a paid invoice line and return the new balance."""
    if not rental.rent_to_own:
        return 0
    account = CreditAccount.objects.select_related("rental__instrument").get(rental=rental)
    earned = min(credit_for_payment(amount_pence), credit_cap(account.rental.instrument) - account.balance_pence)
    if earned <= 0:
        return account.balance_pence
    account.balance_pence = account.balance_pence + earned  # expect: DB004
    account.save(update_fields=["balance_pence", "updated_at"])
    CreditEntry.objects.create(account=account, amount_pence=earned, reason="rent", invoice_id=invoice_id)
    logger.info("rental %s earned %sp credit (invoice %s)", rental.pk, earned, invoice_id)
    return account.balance_pence


def purchase_with_credit(rental_id: int, *, top_up_pence: int = 0) -> Rental:
    """Convert a rent-to-own rental into a sale, spending the credit."""
    with transaction.atomic():
        account = CreditAccount.objects.select_for_update().select_related("rental__instrument").get(rental_id=rental_id)
        rental = account.rental
        price = rental.instrument.purchase_price_pence
        if account.balance_pence + top_up_pence < price:  # ok: DB005
            raise InsufficientCredit(account.balance_pence + top_up_pence, price)
        spent = min(account.balance_pence, price)
        account.balance_pence -= spent
        account.save(update_fields=["balance_pence", "updated_at"])
        CreditEntry.objects.create(account=account, amount_pence=-spent, reason="purchase")
        Instrument.objects.filter(pk=rental.instrument_id).update(status=Instrument.Status.SOLD)
        rental.rent_to_own = False
        rental.save(update_fields=["rent_to_own"])
    logger.info("rental %s converted to purchase using %sp credit", rental_id, spent)
    return rental


def statement(rental_id: int, limit: int = 50) -> list[dict]:
    entries = (
        CreditEntry.objects.filter(account__rental_id=rental_id)
        .order_by("-created_at")
        .values("amount_pence", "reason", "invoice_id", "created_at")[:limit]
    )
    return list(entries)
