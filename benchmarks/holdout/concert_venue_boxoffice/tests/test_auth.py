"""Tests for the session-token dependency. Run with: pytest -q tests/test_auth.py"""
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from fastapi import HTTPException
from pydantic import SecretStr
from starlette.requests import Request

from boxoffice import auth

TEST_SECRET = "unit-test-signing-secret-0000"  # ok: SEC005
ISSUER = "https://auth.test"
AUDIENCE = "boxoffice"


@pytest.fixture(autouse=True)
def _settings(monkeypatch):
    monkeypatch.setattr(auth.settings, "jwt_secret", SecretStr(TEST_SECRET))
    monkeypatch.setattr(auth.settings, "jwt_issuer", ISSUER)
    monkeypatch.setattr(auth.settings, "jwt_audience", AUDIENCE)


def make_token(secret=TEST_SECRET, **overrides):
    claims = {
        "sub": "42",
        "roles": ["fan"],
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": datetime.now(timezone.utc) + timedelta(minutes=5),
    }
    claims.update(overrides)
    return jwt.encode(claims, secret, algorithm="HS256")


def request_with(token=None, cookie=None):
    headers = []
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    if cookie:
        headers.append((b"cookie", f"{auth.SESSION_COOKIE}={cookie}".encode()))
    return Request({"type": "http", "headers": headers})


def test_token_carries_expected_claims():
    claims = jwt.decode(make_token(), options={"verify_signature": False})  # ok: SEC008
    assert claims["sub"] == "42"
    assert claims["roles"] == ["fan"]


def test_current_user_from_bearer():
    principal = auth.current_user(request_with(token=make_token(roles=["fan", "promoter"])))
    assert principal.user_id == 42
    assert "promoter" in principal.roles


def test_current_user_from_cookie():
    assert auth.current_user(request_with(cookie=make_token())).user_id == 42


@pytest.mark.parametrize(
    "token",
    [
        make_token(secret="some-other-secret"),
        make_token(aud="another-service"),
        make_token(exp=datetime.now(timezone.utc) - timedelta(seconds=1)),
        jwt.encode({"sub": "42", "iss": ISSUER, "aud": AUDIENCE}, key=None, algorithm="none"),
    ],
)
def test_current_user_rejects_bad_tokens(token):
    with pytest.raises(HTTPException) as err:
        auth.current_user(request_with(token=token))
    assert err.value.status_code == 401
