"""PaymentPartner retries and idempotency, and staff token checks."""
import json
import os
import time

import httpx
import jwt
import pytest

os.environ.setdefault("FERRY_DATABASE_URL", "postgresql+asyncpg://ferry:ferry@localhost/ferry_test")
os.environ.setdefault("FERRY_JWT_PUBLIC_KEY", "unused-in-these-tests")
os.environ.setdefault("FERRY_PAYMENT_API_KEY", "tp_test_0000000000")  # ok: SEC005
os.environ.setdefault("FERRY_SMS_API_TOKEN", "sms-test-token")  # ok: SEC005
os.environ.setdefault("FERRY_MANAGE_CODE_SECRET", "manage-code-test-secret")  # ok: SEC005

from ferry.services.deposit_service import DepositError, PaymentPartner  # noqa: E402
from ferry.settings import Settings  # noqa: E402

TEST_SIGNING_SECRET = "unit-test-hs256-secret"  # ok: SEC005


def _partner(handler) -> PaymentPartner:
    return PaymentPartner(Settings(), transport=httpx.MockTransport(handler))


@pytest.mark.asyncio
async def test_retry_reuses_the_same_idempotency_key():
    seen_keys = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen_keys.append(request.headers["Idempotency-Key"])
        if len(seen_keys) == 1:
            raise httpx.ConnectError("connection reset", request=request)
        return httpx.Response(201, json={"id": "ch_123", "amount": json.loads(request.content)["amount"]})

    partner = _partner(handler)
    charge = await partner.create_charge(amount_pence=2500, card_token="tok_visa",
                                         description="Vehicle deposit ABCD2345",
                                         idempotency_key="deposit-ABCD2345")
    await partner.aclose()
    assert charge["id"] == "ch_123"
    assert seen_keys == ["deposit-ABCD2345", "deposit-ABCD2345"]


@pytest.mark.asyncio
async def test_decline_is_not_retried():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(402, json={"error": "card_declined"})

    partner = _partner(handler)
    with pytest.raises(DepositError) as excinfo:
        await partner.create_charge(amount_pence=2500, card_token="tok_declined",
                                    description="x", idempotency_key="deposit-X")
    await partner.aclose()
    assert excinfo.value.declined
    assert len(calls) == 1


def test_test_tokens_carry_expected_claims():
    token = jwt.encode({"sub": "staff-1", "roles": ["ops"], "iat": int(time.time())},
                       TEST_SIGNING_SECRET, algorithm="HS256")
    claims = jwt.decode(token, options={"verify_signature": False})  # ok: SEC008
    assert claims["roles"] == ["ops"]
