"""Payment partner client and auth token tests (no network, no database)."""
import json
import os

os.environ.setdefault("CAMERAFIX_JWT_SECRET", "test-jwt-secret")  # ok: SEC005
os.environ.setdefault("CAMERAFIX_PAYMENT_API_KEY", "pk_test_local")  # ok: SEC005
os.environ.setdefault("CAMERAFIX_PAYMENT_WEBHOOK_SECRET", "whsec_test")  # ok: SEC005
os.environ.setdefault("CAMERAFIX_COURIER_CLIENT_SECRET", "courier-test-secret")  # ok: SEC005

import httpx  # noqa: E402
import jwt  # noqa: E402
import pytest  # noqa: E402

from camerafix.clients.payment_partner import PaymentPartnerClient, PaymentPartnerError  # noqa: E402
from camerafix.models import User  # noqa: E402
from camerafix.security import hash_password, issue_token, verify_password  # noqa: E402


def _client_with(handler) -> PaymentPartnerClient:
    client = PaymentPartnerClient("https://partner.test", "pk_test_local", timeout_s=1.0)
    client._client = httpx.Client(base_url="https://partner.test", transport=httpx.MockTransport(handler))
    return client


def test_retries_reuse_the_same_idempotency_key(monkeypatch):
    monkeypatch.setattr("camerafix.clients.payment_partner.time.sleep", lambda _s: None)
    seen_keys = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen_keys.append(request.headers["Idempotency-Key"])
        if len(seen_keys) < 3:
            return httpx.Response(503)
        return httpx.Response(201, json={"id": "pay_1", "status": "succeeded"})

    result = _client_with(handler).create_payment(
        amount_pence=2000, card_token="tok_visa_4242", reference="ticket-1", idempotency_key="deposit-1"
    )
    assert result["status"] == "succeeded"
    assert seen_keys == ["deposit-1"] * 3


def test_client_errors_are_not_retried():
    calls = []

    def handler(request):
        calls.append(json.loads(request.content))
        return httpx.Response(402, json={"decline_code": "insufficient_funds"})

    with pytest.raises(PaymentPartnerError):
        _client_with(handler).create_payment(
            amount_pence=2000, card_token="tok_declined", reference="ticket-2", idempotency_key="deposit-2"
        )
    assert len(calls) == 1


def test_token_round_trip():
    user = User(id=7, email="tech@camerafix.test", role="technician", full_name="Tess", password_hash="x")
    token = issue_token(user)
    claims = jwt.decode(token, options={"verify_signature": False})  # ok: SEC008
    assert claims["sub"] == "7"
    assert claims["role"] == "technician"


def test_password_hash_round_trip():
    hashed = hash_password("hunter2-but-longer")  # ok: SEC005
    assert verify_password("hunter2-but-longer", hashed)
    assert not verify_password("wrong", hashed)


def test_webhook_signature():
    body = b'{"id":"evt_1"}'
    import hashlib
    import hmac

    sig = hmac.new(b"whsec_test", body, hashlib.sha256).hexdigest()
    assert PaymentPartnerClient.verify_webhook(body, sig, "whsec_test")
    assert not PaymentPartnerClient.verify_webhook(body, "0" * 64, "whsec_test")
