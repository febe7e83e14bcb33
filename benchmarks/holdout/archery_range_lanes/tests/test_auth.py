"""Auth helper tests. Secrets below exist only for the test process."""
import os

os.environ.setdefault("RANGE_JWT_SECRET", "unit-test-signing-key-not-for-prod")  # ok: SEC005
os.environ.setdefault("RANGE_PROCESSOR_API_KEY", "test-processor-key")  # ok: SEC005

from datetime import timedelta  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import jwt  # noqa: E402
import pytest  # noqa: E402

from range_api.auth import hash_password, issue_token, verify_password  # noqa: E402
from range_api.settings import get_settings  # noqa: E402

FIXTURE_PASSWORD = "bullseye-fixture-pw"  # ok: SEC005


@pytest.fixture
def member():
    return SimpleNamespace(id=42, role="member")


@pytest.fixture
def settings():
    get_settings.cache_clear()
    return get_settings()


def test_password_round_trip():
    stored = hash_password(FIXTURE_PASSWORD)
    assert verify_password(FIXTURE_PASSWORD, stored)
    assert not verify_password("wrong-password", stored)


def test_hashes_are_salted():
    assert hash_password(FIXTURE_PASSWORD) != hash_password(FIXTURE_PASSWORD)


def test_access_token_claims(member, settings):
    token = issue_token(member, settings, "access", timedelta(minutes=5))
    claims = jwt.decode(token, options={"verify_signature": False})  # ok: SEC008
    assert claims["sub"] == "42"
    assert claims["typ"] == "access"
    assert claims["iss"] == settings.jwt_issuer


def test_token_signed_with_other_key_is_rejected(member, settings):
    token = issue_token(member, settings, "access", timedelta(minutes=5))
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "some-other-key", algorithms=["HS256"])


def test_expired_token_is_rejected(member, settings):
    token = issue_token(member, settings, "access", timedelta(seconds=-1))
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(token, settings.jwt_secret.get_secret_value(), algorithms=["HS256"],
                   issuer=settings.jwt_issuer)
