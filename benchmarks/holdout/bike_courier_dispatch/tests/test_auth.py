"""Tests for courier token checks and PIN handling."""
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from dispatch import auth

TEST_PIN = "482913"  # ok: SEC005


@pytest.fixture(scope="module")
def rsa_keys() -> dict[str, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "private": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()),
        "public": key.public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo),
    }


@pytest.fixture(autouse=True)
def signing_keys(monkeypatch, rsa_keys):
    monkeypatch.setattr(auth, "_signing_keys", lambda: {"k1": rsa_keys["public"].decode()})


def _token(private_pem: bytes, kid: str = "k1", **claims) -> str:
    payload = {
        "sub": "42",
        "role": "courier",
        "aud": auth.settings.jwt_audience,
        "iss": auth.settings.jwt_issuer,
        "exp": int(time.time()) + 300,
        **claims,
    }
    return jwt.encode(payload, private_pem, algorithm="RS256", headers={"kid": kid})


def test_valid_token_round_trips(rsa_keys):
    claims = auth._claims_from(_token(rsa_keys["private"]))
    assert claims["sub"] == "42"
    assert claims["role"] == "courier"


def test_tampered_token_is_rejected(rsa_keys):
    header, payload, signature = _token(rsa_keys["private"]).split(".")
    tampered = ".".join([header, payload, signature[:-4] + "AAAA"])
    with pytest.raises(jwt.InvalidSignatureError):
        auth._claims_from(tampered)


def test_expired_token_is_rejected(rsa_keys):
    with pytest.raises(jwt.ExpiredSignatureError):
        auth._claims_from(_token(rsa_keys["private"], exp=int(time.time()) - 10))


def test_claims_can_be_inspected_without_a_key(rsa_keys):
    token = _token(rsa_keys["private"], role="dispatcher")
    unverified = jwt.decode(token, options={"verify_signature": False})  # ok: SEC008
    assert unverified["role"] == "dispatcher"


def test_pin_check_accepts_only_the_right_pin():
    courier = auth.Courier(name="Sam", phone="+14155550100", pin_hash=auth.hash_pin(TEST_PIN))
    assert auth.check_courier_pin(courier, TEST_PIN)
    assert not auth.check_courier_pin(courier, "000000")
