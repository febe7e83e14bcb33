"""Tests for rent-to-own credit and rental allocation."""
from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from rentals.credit import InsufficientCredit, apply_rent_credit, credit_for_payment, purchase_with_credit
from rentals.models import CreditAccount, Guardian, Instrument, School, Student
from rentals.services import NoInstrumentAvailable, allocate_instrument

FIXTURE_PASSWORD = "fixture-pass-123"  # ok: SEC005


@pytest.fixture
def student(db) -> Student:
    user = get_user_model().objects.create_user("parent@example.org", password=FIXTURE_PASSWORD)
    guardian = Guardian.objects.create(user=user, email="parent@example.org")
    school = School.objects.create(name="Hillside Primary", urn="100001", billing_email="office@hillside.example")
    return Student.objects.create(guardian=guardian, school=school, first_name="Ada", last_name="Ng", year_group=4)


@pytest.fixture
def half_size(db) -> Instrument:
    return Instrument.objects.create(
        family="violin",
        size="1/2",
        serial_number="SA-0042",
        monthly_rate_pence=1500,
        purchase_price_pence=24000,
    )


def test_credit_share_rounds_down() -> None:
    assert credit_for_payment(1500) == 900  # ok: SEC017
    assert credit_for_payment(1) == 0
    with pytest.raises(ValueError):
        credit_for_payment(-5)


def test_allocation_marks_instrument_on_loan(student, half_size) -> None:
    rental = allocate_instrument(student, family="violin", size="1/2", term="2024-autumn", due_back_on=date(2024, 12, 20))
    half_size.refresh_from_db()
    assert rental.instrument_id == half_size.pk
    assert half_size.status == Instrument.Status.ON_LOAN
    assert half_size.times_rented == 1


def test_second_allocation_finds_nothing(student, half_size) -> None:
    allocate_instrument(student, family="violin", size="1/2", term="2024-autumn", due_back_on=date(2024, 12, 20))
    with pytest.raises(NoInstrumentAvailable):
        allocate_instrument(student, family="violin", size="1/2", term="2024-autumn", due_back_on=date(2024, 12, 20))


def test_rent_credit_accumulates_and_caps(student, half_size) -> None:
    rental = allocate_instrument(
        student, family="violin", size="1/2", term="2024-autumn", due_back_on=date(2024, 12, 20), rent_to_own=True
    )
    assert apply_rent_credit(rental, 6000) == 3600
    for _ in range(20):
        apply_rent_credit(rental, 6000)
    account = CreditAccount.objects.get(rental=rental)
    assert account.balance_pence == int(24000 * 0.9)


def test_purchase_needs_enough_credit(student, half_size) -> None:
    rental = allocate_instrument(
        student, family="violin", size="1/2", term="2024-autumn", due_back_on=date(2024, 12, 20), rent_to_own=True
    )
    apply_rent_credit(rental, 6000)
    with pytest.raises(InsufficientCredit):
        purchase_with_credit(rental.pk)
    sold = purchase_with_credit(rental.pk, top_up_pence=20400)
    half_size.refresh_from_db()
    assert half_size.status == Instrument.Status.SOLD
    assert sold.rent_to_own is False
