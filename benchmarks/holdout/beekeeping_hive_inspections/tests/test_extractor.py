"""Extractor booking rules (pytest-django)."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from extractor.models import Extractor, ExtractorBooking
from extractor.services import BookingRejected, book_extractor, cancel_booking
from members.models import Member

MEMBER_PASSWORD = "propolis-test-pass-1"  # ok: SEC005


@pytest.fixture
def member(db):
    user = get_user_model().objects.create_user(
        username="queenbee", email="queenbee@example.test", password=MEMBER_PASSWORD,
    )
    return Member.objects.create(user=user, membership_no="AC0001", extraction_credits=2)


@pytest.fixture
def other_member(db):
    user = get_user_model().objects.create_user(
        username="drone", email="drone@example.test", password=MEMBER_PASSWORD,
    )
    return Member.objects.create(user=user, membership_no="AC0002")


@pytest.fixture
def extractor(db):
    return Extractor.objects.create(name="Radial 9", location="Club shed", frames=9,
                                    max_booking_hours=4)


@pytest.fixture
def tomorrow_10am():
    return (timezone.now() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)


def test_booking_spends_a_credit(member, extractor, tomorrow_10am, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        booking = book_extractor(member, extractor.pk, tomorrow_10am, hours=2, supers=3)
    member.refresh_from_db()
    assert booking.ends_at - booking.starts_at == timedelta(hours=2)
    assert member.extraction_credits == 1


def test_overlapping_booking_is_rejected(member, other_member, extractor, tomorrow_10am):
    book_extractor(member, extractor.pk, tomorrow_10am, hours=2, supers=1)
    with pytest.raises(BookingRejected):
        book_extractor(other_member, extractor.pk, tomorrow_10am + timedelta(hours=1), hours=2,
                       supers=1)


def test_cancel_refunds_credit_once(member, extractor, tomorrow_10am):
    booking = book_extractor(member, extractor.pk, tomorrow_10am, hours=1, supers=1)
    assert cancel_booking(member, booking.pk) is True
    assert cancel_booking(member, booking.pk) is False
    member.refresh_from_db()
    assert member.extraction_credits == 2
    assert ExtractorBooking.objects.get(pk=booking.pk).status == ExtractorBooking.CANCELLED


def test_other_member_cannot_cancel(client, member, other_member, extractor, tomorrow_10am):
    booking = book_extractor(member, extractor.pk, tomorrow_10am, hours=1, supers=1)
    client.login(username="drone", password=MEMBER_PASSWORD)
    resp = client.post(f"/extractor/bookings/{booking.pk}/cancel/")
    assert resp.status_code == 404  # ok: SEC017
