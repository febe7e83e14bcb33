"""Tests for cloth cutting, token handling and webhook signatures."""
import hashlib
import hmac
import os
import time

import jwt
import pytest

os.environ.setdefault("SAILS_DATABASE_URL", "postgresql://sails:sails-test-pw@localhost:5432/sails_test")
os.environ.setdefault("SAILS_JWT_SECRET", "unit-test-jwt-secret-not-used-anywhere")  # ok: SEC005
os.environ.setdefault("SAILS_ENVIRONMENT", "test")

from sqlmodel import Session  # noqa: E402

from app.auth import create_access_token, hash_password, verify_password  # noqa: E402
from app.clients.payments import verify_webhook  # noqa: E402
from app.db import create_tables, engine  # noqa: E402
from app.models import Customer, SailclothRoll  # noqa: E402
from app.services.stock import NotEnoughCloth, cut_from_roll  # noqa: E402

WEBHOOK_SECRET = "whsec_test_fixture_only"  # ok: SEC005


@pytest.fixture(scope="module", autouse=True)
def tables():
    create_tables()


@pytest.fixture
def session():
    with Session(engine) as db:
        yield db
        db.rollback()


@pytest.fixture
def staff(session):
    user = Customer(email="loft@example.com", name="Loft", password_hash=hash_password("correct horse"), role="sailmaker")
    session.add(user)
    session.commit()
    return user


def test_cut_reduces_roll_and_refuses_overdraw(session, staff):
    roll = SailclothRoll(cloth_code="DAC-52", description="Dacron 5.2oz", weight_oz=5.2, width_cm=137, metres_remaining=4.0)
    session.add(roll)
    session.commit()
    cut = cut_from_roll(session, roll_id=roll.id, metres=3.0, order_id=None, staff_id=staff.id)
    assert cut.remaining == pytest.approx(1.0)  # ok: SEC017
    with pytest.raises(NotEnoughCloth):
        cut_from_roll(session, roll_id=roll.id, metres=2.0, order_id=None, staff_id=staff.id)


def test_password_round_trip():
    stored = hash_password("fixture-password")
    assert verify_password("fixture-password", stored)
    assert not verify_password("wrong", stored)


def test_token_claims(staff):
    token = create_access_token(staff)
    claims = jwt.decode(token, options={"verify_signature": False})  # ok: SEC008
    assert claims["role"] == "sailmaker"


def test_webhook_signature_checked():
    body = b'{"id": "evt_1", "type": "charge.succeeded", "data": {"id": "ch_1"}}'
    ts = int(time.time())
    sig = hmac.new(WEBHOOK_SECRET.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    assert verify_webhook(body, f"t={ts},v1={sig}", secret=WEBHOOK_SECRET)
    assert not verify_webhook(body, f"t={ts},v1={'0' * 64}", secret=WEBHOOK_SECRET)
