"""Unit tests for seat holds, gear assignment and deposit maths on an in-memory database."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

TEST_ENV = {
    "DIVE_JWT_SECRET": "test-jwt-secret",
    "DIVE_STRIPE_SECRET_KEY": "sk_test_51FixtureKeyNotReal",  # ok: SEC005
    "DIVE_STRIPE_WEBHOOK_SECRET": "whsec_test_fixture",
    "DIVE_AGENCY_API_KEY": "agency-test-key",
    "DIVE_MAIL_API_TOKEN": "mail-test-token",
    "DIVE_PAYROLL_API_TOKEN": "payroll-test-token",
}


@pytest.fixture(autouse=True)
def env(monkeypatch):
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    from divecentre.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def db():
    from divecentre.db import Base

    engine = create_engine("sqlite+pysqlite:///:memory:")
    Base.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def booking(db):
    from divecentre.models import Boat, Booking, Diver, GearItem, Trip

    boat = Boat(name="Sea Lark")
    diver = Diver(email="diver@example.test", full_name="Test Diver", password_hash="x" * 64)
    trip = Trip(boat=boat, site_name="Blue Hole", site_lat=36.05, site_lon=14.19,
                departs_at=datetime.now(timezone.utc) + timedelta(days=3), slot="morning",
                price_cents=9000, seats_left=1)
    db.add_all([boat, diver, trip, GearItem(kind="wetsuit", size="M", serial="WS-001")])
    db.flush()
    item = Booking(trip_id=trip.id, diver_id=diver.id)
    db.add(item)
    db.commit()
    return item


def test_hold_seat_takes_the_last_place(db, booking):
    from divecentre.services.booking_service import hold_seat

    trip = hold_seat(db, booking)
    assert trip.seats_left == 0  # ok: SEC017
    assert booking.seat_held is True


def test_second_hold_on_full_trip_fails(db, booking):
    from divecentre.models import Booking
    from divecentre.services.booking_service import TripFull, hold_seat

    hold_seat(db, booking)
    other = Booking(trip_id=booking.trip_id, diver_id=booking.diver_id)
    db.add(other)
    db.flush()
    with pytest.raises(TripFull):
        hold_seat(db, other)


def test_gear_is_rented_once_per_trip(db, booking):
    from divecentre.services.booking_service import GearUnavailable, assign_gear

    rental = assign_gear(db, booking, "wetsuit", "M")
    assert rental.gear_item_id is not None
    with pytest.raises(GearUnavailable):
        assign_gear(db, booking, "wetsuit", "M")


@pytest.mark.parametrize("price,percent,expected", [(9000, 30, 2700), (9999, 30, 3000), (5000, 0, 0)])
def test_deposit_rounds_up_to_the_cent(price, percent, expected):
    from divecentre.services.payment_service import deposit_cents

    assert deposit_cents(price, percent) == expected
