"""Enrollment flow against in-memory SQLite with Stripe stubbed out."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import stripe
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from sailschool.app import app
from sailschool.auth import current_student
from sailschool.database import Base, get_session
from sailschool.models import Course, Instructor, Student

STRIPE_TEST_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"  # ok: SEC005

engine = create_engine("sqlite+pysqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
TestingSession = sessionmaker(bind=engine, autoflush=False, expire_on_commit=False)


@pytest.fixture()
def db():
    Base.metadata.create_all(engine)
    session = TestingSession()
    instructor = Instructor(full_name="Ann Jib", email="ann@example.com", qualification="Dinghy Instructor")
    session.add(instructor)
    session.flush()
    session.add(Course(code="DS1-0601", title="Dinghy Start", level="beginner", boat_class="dinghy",
                       launch_site="hamble", starts_on=date.today() + timedelta(days=30),
                       ends_on=date.today() + timedelta(days=31), capacity=1, seats_taken=0,
                       price_pence=29500, deposit_pence=5000, published=True, instructor_id=instructor.id))
    session.add(Student(subject="auth0|student-1", email="s1@example.com", full_name="Sam One"))
    session.add(Student(subject="auth0|student-2", email="s2@example.com", full_name="Sue Two"))
    session.commit()
    yield session
    session.close()
    Base.metadata.drop_all(engine)


@pytest.fixture()
def calls(monkeypatch):
    seen: list[dict] = []

    def fake_create(**kwargs):
        seen.append(kwargs)
        return stripe.PaymentIntent.construct_from(
            {"id": f"pi_test_{len(seen)}", "client_secret": "pi_test_secret"}, STRIPE_TEST_KEY
        )

    stripe.api_key = STRIPE_TEST_KEY
    monkeypatch.setattr(stripe.PaymentIntent, "create", fake_create)
    return seen


def _client_as(db, subject: str) -> TestClient:
    app.dependency_overrides[get_session] = lambda: db
    app.dependency_overrides[current_student] = lambda: db.query(Student).filter_by(subject=subject).one()
    return TestClient(app)


def test_enroll_takes_a_seat_and_keys_the_deposit(db, calls):
    client = _client_as(db, "auth0|student-1")
    course_id = db.query(Course).one().id

    resp = client.post(f"/courses/{course_id}/enrollments")

    assert resp.status_code == 201
    assert calls[0]["idempotency_key"] == f"deposit-{resp.json()['enrollment_id']}"
    assert db.query(Course).one().seats_taken == 1


def test_full_course_is_rejected_without_charging(db, calls):
    course_id = db.query(Course).one().id
    assert _client_as(db, "auth0|student-1").post(f"/courses/{course_id}/enrollments").status_code == 201

    resp = _client_as(db, "auth0|student-2").post(f"/courses/{course_id}/enrollments")

    assert resp.status_code == 409
    assert len(calls) == 1
    app.dependency_overrides.clear()
