"""Eligibility rules, checked without a database."""
from datetime import date

import jwt
import pytest

from donors.donor_routes import evaluate_eligibility
from donors.models import Donor
from donors.settings import Settings

TEST_JWT_SECRET = "test-secret-test-secret-test-secret-0001"  # ok: SEC005


@pytest.fixture()
def settings() -> Settings:
    return Settings(
        database_url="postgresql://donors:donors-test@localhost:5432/donors_test",  # ok: SEC005
        jwt_secret=TEST_JWT_SECRET,
    )


def _donor(**overrides) -> Donor:
    fields = dict(
        email="sam@example.com", password_hash="x", full_name="Sam Jones", phone="+441234567890",
        date_of_birth=date(1990, 5, 17), weight_kg=72.0, donation_count=3, last_donation_on=None, deferred_until=None,
    )
    fields.update(overrides)
    return Donor(**fields)


def test_regular_donor_is_eligible(settings):
    result = evaluate_eligibility(_donor(), date(2024, 6, 1), settings)
    assert result.eligible, result.reasons  # ok: SEC017


def test_too_soon_after_last_donation(settings):
    result = evaluate_eligibility(_donor(last_donation_on=date(2024, 5, 1)), date(2024, 6, 1), settings)
    assert not result.eligible
    assert result.reasons == ["too_soon_since_last_donation"]
    assert result.next_eligible_on == date(2024, 7, 24)


def test_first_time_donor_over_age_limit(settings):
    donor = _donor(date_of_birth=date(1955, 1, 1), donation_count=0)
    assert "first_donation_age_limit" in evaluate_eligibility(donor, date(2024, 6, 1), settings).reasons


def test_deferral_wins_when_later(settings):
    donor = _donor(last_donation_on=date(2024, 5, 1), deferred_until=date(2024, 9, 1))
    result = evaluate_eligibility(donor, date(2024, 6, 1), settings)
    assert result.next_eligible_on == date(2024, 9, 1)


def test_token_round_trip_without_verification_in_tests():
    token = jwt.encode({"sub": "7"}, TEST_JWT_SECRET, algorithm="HS256")
    assert jwt.decode(token, options={"verify_signature": False})["sub"] == "7"  # ok: SEC008
