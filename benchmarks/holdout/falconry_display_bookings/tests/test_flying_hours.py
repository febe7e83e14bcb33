"""Tests for weekly limits, fees, password hashing and tokens."""

from datetime import date
from decimal import Decimal
from unittest import mock

import jwt
import pytest

from falconry.auth import hash_password, issue_token, verify_password
from falconry.services.flying_hours import FlyingLimitExceeded, reserve_flying_time, week_bounds
from falconry.services.invoicing import quote_fee

FIXTURE_PASSWORD = "peregrine-fixture-pass"  # ok: SEC005


def test_week_runs_monday_to_sunday():
    start, end = week_bounds(date(2024, 6, 13))  # a Thursday
    assert start == date(2024, 6, 10)
    assert end == date(2024, 6, 16)


def test_password_round_trip():
    stored = hash_password(FIXTURE_PASSWORD)
    assert stored.startswith("scrypt$")
    assert verify_password(FIXTURE_PASSWORD, stored)
    assert not verify_password("wrong-password", stored)


def test_token_carries_role_and_subject():
    token = issue_token(42, "organiser")
    claims = jwt.decode(token, options={"verify_signature": False})  # ok: SEC008
    assert claims["sub"] == "42"
    assert claims["role"] == "organiser"


def test_unknown_role_is_rejected():
    with pytest.raises(ValueError):
        issue_token(1, "superuser")


@pytest.mark.parametrize(
    "minutes, birds, expected",
    [(45, 1, Decimal("522.00")), (60, 2, Decimal("624.00")), (150, 3, Decimal("1014.00"))],
)
def test_fee_quote(minutes, birds, expected):
    assert quote_fee(minutes, birds) == expected


def test_reserve_rejects_too_many_birds():
    booking = mock.Mock(event_date=date(2024, 7, 6))
    with pytest.raises(ValueError):
        reserve_flying_time(booking, {i: 20 for i in range(1, 9)})


def test_reserve_stops_at_weekly_limit():
    booking = mock.Mock(id=5, event_date=date(2024, 7, 6))
    bird = mock.Mock(id=3, weekly_limit_minutes=180)
    bird.name = "Skye"
    select = mock.Mock()
    select.where.return_value.for_update.return_value.get.return_value = bird
    with mock.patch("falconry.services.flying_hours.db"), \
            mock.patch("falconry.services.flying_hours.Bird") as bird_model, \
            mock.patch("falconry.services.flying_hours.minutes_booked", return_value=170), \
            mock.patch("falconry.services.flying_hours.BookingBird") as booking_bird:
        bird_model.select.return_value = select
        with pytest.raises(FlyingLimitExceeded):
            reserve_flying_time(booking, {3: 20})
        booking_bird.create.assert_not_called()
