"""Rental lifecycle: allocation, returns and size swaps for growing students."""
from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rentals.models import CreditAccount, CreditEntry, Instrument, Rental, Student

logger = logging.getLogger(__name__)


class NoInstrumentAvailable(Exception):
    """No instrument of the requested family and size is free."""


def allocate_instrument(
    student: Student, *, family: str, size: str, term: str, due_back_on: date, rent_to_own: bool = False
) -> Rental:
    """Give the student the best free instrument of the size, locking it first."""
    with transaction.atomic():
        instrument = (
            Instrument.objects.select_for_update(skip_locked=True)  # ok: DB005
            .filter(family=family, size=size, status=Instrument.Status.AVAILABLE)
            .order_by("condition_grade", "times_rented", "id")
            .first()
        )
        if instrument is None:
            raise NoInstrumentAvailable(f"no {size} {family} is free")
        rental = Rental.objects.create(
            student=student,
            instrument=instrument,
            term=term,
            due_back_on=due_back_on,
            monthly_rate_pence=instrument.monthly_rate_pence,
            rent_to_own=rent_to_own,
        )
        Instrument.objects.filter(pk=instrument.pk).update(
            status=Instrument.Status.ON_LOAN, times_rented=F("times_rented") + 1  # ok: DB004
        )
        if rent_to_own:
            CreditAccount.objects.create(rental=rental)
    logger.info("rental %s: instrument %s to student %s", rental.pk, instrument.serial_number, student.pk)
    return rental


def close_rental(rental_id: int, *, condition_grade: int) -> Rental:
    """Record a return; safe to call twice for the same rental."""
    with transaction.atomic():
        rental = Rental.objects.select_for_update().select_related("instrument").get(pk=rental_id)
        if rental.returned_on is not None:
            return rental
        rental.returned_on = timezone.localdate()
        rental.save(update_fields=["returned_on"])
        next_status = Instrument.Status.IN_REPAIR if condition_grade >= 4 else Instrument.Status.AVAILABLE
        Instrument.objects.filter(pk=rental.instrument_id).update(status=next_status, condition_grade=condition_grade)
    logger.info("rental %s returned in grade %s", rental_id, condition_grade)
    return rental


def swap_size(rental_id: int, *, new_size: str) -> Rental:
    """Move a student up a size and carry any rent-to-own credit across."""
    with transaction.atomic():
        old = Rental.objects.select_for_update().select_related("instrument", "student").get(pk=rental_id)
        if old.returned_on is not None:
            raise ValueError("rental already closed")
        new = allocate_instrument(
            old.student,
            family=old.instrument.family,
            size=new_size,
            term=old.term,
            due_back_on=old.due_back_on,
            rent_to_own=old.rent_to_own,
        )
        close_rental(old.pk, condition_grade=old.instrument.condition_grade)
        if old.rent_to_own:
            account = CreditAccount.objects.select_for_update().get(rental=old)
            carried = account.balance_pence
            CreditAccount.objects.filter(rental=new).update(balance_pence=F("balance_pence") + carried)
            CreditAccount.objects.filter(pk=account.pk).update(balance_pence=0)
            CreditEntry.objects.create(account=account, amount_pence=-carried, reason="swap_out")
            CreditEntry.objects.create(account=new.credit, amount_pence=carried, reason="swap_in")
    return new
