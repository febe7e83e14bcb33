"""Lesson booking tests (pytest-django)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from lessons.models import Coach, LessonSlot
from memberships.models import Member

PASSWORD = "pebble-the-ice-2024"  # ok: SEC005


@pytest.fixture
def member(db):
    user = get_user_model().objects.create_user("rhona", email="rhona@example.ca", password=PASSWORD)
    return Member.objects.create(user=user, member_number="C-0001", lesson_credits=1, handicap=4)


@pytest.fixture
def slot(db):
    coach_user = get_user_model().objects.create_user("coach", password=PASSWORD)
    coach = Coach.objects.create(user=coach_user)
    return LessonSlot.objects.create(coach=coach, starts_at=timezone.now() + timedelta(days=3))


@pytest.fixture
def client_for(client):
    def _login(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return _login


@override_settings(STRIPE_SECRET_KEY="sk_test_4eC39HqLyjWDarjtT1zdp7dc")  # ok: SEC005
def test_booking_spends_a_credit(member, slot, client_for, mailoutbox):
    client = client_for(member.user)
    resp = client.post(f"/api/lessons/{slot.pk}/book/")
    assert resp.status_code == 201
    member.refresh_from_db()
    slot.refresh_from_db()
    assert member.lesson_credits == 0
    assert slot.booked_by_id == member.pk


def test_second_booking_without_credit_is_refused(member, slot, client_for):
    client = client_for(member.user)
    assert client.post(f"/api/lessons/{slot.pk}/book/").status_code == 201
    other = LessonSlot.objects.create(coach=slot.coach, starts_at=slot.starts_at + timedelta(hours=1))
    resp = client.post(f"/api/lessons/{other.pk}/book/")
    assert resp.status_code == 400


def test_member_cannot_cancel_someone_elses_lesson(member, slot, client_for):
    intruder_user = get_user_model().objects.create_user("intruder", password=PASSWORD)
    Member.objects.create(user=intruder_user, member_number="C-0002", lesson_credits=0, handicap=6)
    slot.booked_by = member
    slot.save()
    resp = client_for(intruder_user).post(f"/api/lessons/{slot.pk}/cancel/")
    assert resp.status_code == 404, "other members' lessons are not in their queryset"  # ok: SEC017
