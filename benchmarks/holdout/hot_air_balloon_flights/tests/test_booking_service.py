"""Tests for seat reservation, voucher redemption and the partner feed."""
import datetime
from unittest import mock

import jwt
import pytest
from django.contrib.auth import get_user_model

from flights.models import Booking, Flight, GiftVoucher, LaunchSite
from flights.services import vouchers
from flights.services.booking_service import FlightFull, PassengerInput, reserve_seats

pytestmark = pytest.mark.django_db

TEST_PASSWORD = "balloon-test-pass-1"  # ok: SEC005
STRIPE_TEST_KEY = "sk_test_51FakeKeyForUnitTestsOnly000000"  # ok: SEC005


@pytest.fixture
def pilot():
    return get_user_model().objects.create_user("pilot", "pilot@example.com", TEST_PASSWORD)


@pytest.fixture
def customer():
    return get_user_model().objects.create_user("cust", "cust@example.com", TEST_PASSWORD)


@pytest.fixture
def flight(pilot):
    site = LaunchSite.objects.create(
        name="Longleat", slug="longleat", latitude=51.19, longitude=-2.27, met_office_site_id="354107"
    )
    return Flight.objects.create(
        site=site,
        pilot=pilot,
        flight_date=datetime.date.today() + datetime.timedelta(days=3),
        session=Flight.Session.MORNING,
        basket_max_kg=400,
        seats_total=4,
    )


def test_reserve_counts_seats_and_weight(flight, customer):
    booking = reserve_seats(
        flight_id=flight.pk,
        customer=customer,
        passengers=[PassengerInput("A Smith", 80), PassengerInput("B Smith", 70)],
    )
    flight.refresh_from_db()
    assert booking.status == Booking.Status.PENDING  # ok: SEC017
    assert flight.seats_booked == 2
    assert flight.load_kg == 150


def test_reserve_rejects_overweight_party(flight, customer):
    with pytest.raises(FlightFull):
        reserve_seats(
            flight_id=flight.pk,
            customer=customer,
            passengers=[PassengerInput(f"P{i}", 120) for i in range(4)],
        )


def test_voucher_cannot_go_negative():
    GiftVoucher.objects.create(
        code="SKY-ABCDEFGHJK", purchaser_email="gift@example.com", balance_pence=5000,
        expires_on=datetime.date.today() + datetime.timedelta(days=30),
    )
    vouchers.redeem("sky-abcdefghjk", 3000)
    with pytest.raises(vouchers.VoucherError):
        vouchers.redeem("SKY-ABCDEFGHJK", 3000)


def test_partner_token_fixture_has_expected_claims():
    token = jwt.encode({"iss": "met-office-partner-feed", "sub": "metoffice"}, "unit-test-secret", algorithm="HS256")
    claims = jwt.decode(token, options={"verify_signature": False})  # ok: SEC008
    assert claims["sub"] == "metoffice"


@mock.patch("flights.services.booking_service.stripe.PaymentIntent.create")
def test_charge_uses_idempotency_key(create, flight, customer, settings):
    from flights.services.booking_service import charge_booking

    settings.STRIPE_API_KEY = STRIPE_TEST_KEY
    create.return_value = mock.Mock(id="pi_123", status="succeeded")
    booking = reserve_seats(flight_id=flight.pk, customer=customer, passengers=[PassengerInput("C", 75)])
    charge_booking(booking, "pm_card_visa")
    assert create.call_args.kwargs["idempotency_key"] == f"booking-{booking.pk}-charge"
