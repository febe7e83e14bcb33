"""Patient portal sign-in and password reset, against SQLite with TestConfig."""
import os

os.environ.setdefault("MANUFACTURER_API_URL", "http://manufacturer.test")

from datetime import date  # noqa: E402
from unittest import mock  # noqa: E402

import pytest  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from clinic.app import create_app  # noqa: E402
from clinic.config import TestConfig  # noqa: E402
from clinic.models import Patient, User, db  # noqa: E402

PATIENT_PASSWORD = "portal-test-pw-1"  # ok: SEC005


@pytest.fixture
def app():
    app = create_app(TestConfig)
    with app.app_context():
        db.create_all()
        patient = Patient(first_name="Ivy", last_name="Hale", date_of_birth=date(1950, 3, 14), email="ivy@example.com")
        db.session.add(patient)
        db.session.flush()
        db.session.add(
            User(email="ivy@example.com", password_hash=generate_password_hash(PATIENT_PASSWORD),
                 role="patient", patient_id=patient.id)
        )
        db.session.commit()
        yield app
        db.session.remove()
        db.drop_all()


@pytest.fixture
def client(app):
    with mock.patch("clinic.portal.account.render_template", return_value="page"):
        yield app.test_client()


def test_correct_password_signs_in(client):
    resp = client.post("/portal/login", data={"email": "ivy@example.com", "password": PATIENT_PASSWORD})

    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/portal/audiograms/")


def test_wrong_password_is_counted(app, client):
    for _ in range(3):
        resp = client.post("/portal/login", data={"email": "ivy@example.com", "password": "not-it"})
        assert resp.status_code == 401

    with app.app_context():
        assert User.query.filter_by(email="ivy@example.com").one().failed_logins == 3


def test_reset_does_not_reveal_unknown_addresses(client):
    with mock.patch("clinic.portal.account.send_email") as send:
        known = client.post("/portal/reset", data={"email": "ivy@example.com"})
        unknown = client.post("/portal/reset", data={"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert send.call_count == 1
