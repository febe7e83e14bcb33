"""Token issue/verify round trips and the staff guard."""
import os
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

os.environ.setdefault("RINK_ENVIRONMENT", "test")
os.environ.setdefault("RINK_JWT_SECRET", "unit-test-jwt-secret")  # ok: SEC005
os.environ.setdefault("RINK_PAYMENTS_API_KEY", "test-payments-key")  # ok: SEC005
os.environ.setdefault("RINK_ZAMBONI_VENDOR_TOKEN", "test-vendor-token")
os.environ.setdefault("RINK_GATE_API_TOKEN", "test-gate-token")

import bcrypt  # noqa: E402
import jwt  # noqa: E402
import pytest  # noqa: E402
from fastapi import HTTPException  # noqa: E402

from rink import auth  # noqa: E402
from rink.settings import get_settings  # noqa: E402

FIXTURE_PASSWORD = "correct horse battery staple"  # ok: SEC005


@pytest.fixture
def customer():
    hashed = bcrypt.hashpw(FIXTURE_PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    return SimpleNamespace(id=42, is_staff=False, password_hash=hashed, email="skater@example.com")


def test_issued_token_carries_subject_and_expiry(customer):
    token = auth.issue_token(customer, get_settings())
    claims = jwt.decode(token, options={"verify_signature": False})  # ok: SEC008
    assert claims["sub"] == "42"
    assert claims["staff"] is False
    assert claims["exp"] > claims["iat"]


def test_token_signed_with_other_key_is_rejected(customer):
    forged = jwt.encode(
        {"sub": "42", "exp": datetime.now(timezone.utc) + timedelta(minutes=5)},
        "not-the-server-key",
        algorithm="HS256",
    )
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, get_settings().jwt_secret.get_secret_value(), algorithms=["HS256"])


def test_expired_token_is_rejected(customer):
    expired = jwt.encode(
        {"sub": "42", "exp": datetime.now(timezone.utc) - timedelta(seconds=1)},
        get_settings().jwt_secret.get_secret_value(),
        algorithm="HS256",
    )
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(expired, get_settings().jwt_secret.get_secret_value(), algorithms=["HS256"])


def test_password_hash_round_trip(customer):
    assert bcrypt.checkpw(FIXTURE_PASSWORD.encode(), customer.password_hash.encode())
    assert not bcrypt.checkpw(b"wrong", customer.password_hash.encode())


@pytest.mark.asyncio
async def test_require_staff_blocks_regular_customers(customer):
    with pytest.raises(HTTPException) as err:
        await auth.require_staff(customer)
    assert err.value.status_code == 403


@pytest.mark.asyncio
async def test_require_staff_lets_staff_through(customer):
    customer.is_staff = True
    assert await auth.require_staff(customer) is customer
