"""Webhook signature and idempotency tests, run against a throwaway Postgres."""
import hashlib
import hmac
import json
import os

import pytest

os.environ.setdefault("RADIO_PROCESSOR_WEBHOOK_SECRET", "whsec_test_0123456789abcdef")  # ok: SEC005
os.environ.setdefault("RADIO_DATABASE_URL", "postgresql+asyncpg://radio:radio@localhost:5433/radio_test")

from fastapi.testclient import TestClient  # noqa: E402

from radio.main import app  # noqa: E402
from radio.models import Base, engine  # noqa: E402

WEBHOOK_SECRET = os.environ["RADIO_PROCESSOR_WEBHOOK_SECRET"]


def _sign(body: bytes) -> str:
    return hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def client():
    import asyncio

    async def reset():
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.run_sync(Base.metadata.create_all)

    asyncio.run(reset())
    with TestClient(app) as test_client:
        yield test_client


def _event(event_id: str, event_type: str = "card.updated") -> bytes:
    return json.dumps({
        "id": event_id,
        "type": event_type,
        "data": {"customer": "cus_1", "token": "tok_new", "last4": "4242"},
    }).encode()


def test_rejects_bad_signature(client):
    resp = client.post("/webhooks/processor", content=_event("evt_bad"),
                       headers={"X-Processor-Signature": "0" * 64})
    assert resp.status_code == 400


def test_accepts_signed_event(client):
    body = _event("evt_1")
    resp = client.post("/webhooks/processor", content=body, headers={"X-Processor-Signature": _sign(body)})
    assert resp.status_code == 200
    assert resp.json() == {"received": True}


def test_duplicate_event_is_acknowledged_once(client):
    body = _event("evt_2")
    headers = {"X-Processor-Signature": _sign(body)}
    first = client.post("/webhooks/processor", content=body, headers=headers)
    second = client.post("/webhooks/processor", content=body, headers=headers)
    assert first.json() == {"received": True}
    assert second.json() == {"received": True, "duplicate": True}


def test_login_sets_session_cookie(client):
    resp = client.post("/auth/signup", json={"email": "dj@example.org", "name": "Night DJ",
                                             "password": "test-password-123"})  # ok: SEC005
    assert resp.status_code == 201
    resp = client.post("/auth/login", json={"email": "dj@example.org", "password": "test-password-123"})
    assert resp.status_code == 200
    assert "donor_session" in resp.cookies
