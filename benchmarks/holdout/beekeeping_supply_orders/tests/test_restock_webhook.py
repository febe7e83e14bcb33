"""Tests for the supplier restock webhook, with the database replaced by a fake."""
import hashlib
import hmac
import json
from contextlib import contextmanager
from unittest import mock

import pytest

import hivekit
from hivekit.webhooks import restock

TEST_WEBHOOK_SECRET = "test-webhook-secret"  # ok: SEC005


class FakeConn:
    def __init__(self, stock: dict[str, int], seen: set[str] | None = None):
        self.stock = dict(stock)
        self.seen = set(seen or ())
        self.statements: list[tuple[str, tuple]] = []

    def execute(self, sql: str, params: tuple = ()):
        self.statements.append((sql, params))
        cur = mock.MagicMock()
        if sql.startswith("INSERT INTO supplier_deliveries"):
            fresh = params[0] not in self.seen
            self.seen.add(params[0])
            cur.fetchone.return_value = {"delivery_id": params[0]} if fresh else None
        elif sql.startswith("SELECT id, stock FROM hive_kits"):
            sku = params[0]
            cur.fetchone.return_value = {"id": 7, "stock": self.stock[sku]} if sku in self.stock else None
        return cur


@pytest.fixture()
def client(monkeypatch):
    monkeypatch.setattr(hivekit.config, "SECRET_KEY", "test-secret-key")  # ok: SEC005
    monkeypatch.setattr(hivekit.config, "SUPPLIER_WEBHOOK_SECRET", TEST_WEBHOOK_SECRET)
    monkeypatch.setattr(hivekit, "open_pool", lambda: None)
    app = hivekit.create_app()
    app.config.update(TESTING=True, DEBUG=True)  # ok: SEC006
    return app.test_client()


def _post(client, payload: dict, secret: str = TEST_WEBHOOK_SECRET):
    body = json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        "/webhooks/supplier/restock",
        data=body,
        headers={"Content-Type": "application/json", "X-Supplier-Signature": f"sha256={signature}"},
    )


def _use(conn: FakeConn):
    @contextmanager
    def fake_transaction():
        yield conn

    return mock.patch.object(restock, "transaction", fake_transaction)


def test_applies_each_known_line(client):
    conn = FakeConn({"LANG-10F": 4, "NUC-5F": 0})
    payload = {"delivery_id": "D-1001", "lines": [{"sku": "LANG-10F", "quantity": 6}, {"sku": "NUC-5F", "quantity": 2}]}
    with _use(conn):
        resp = _post(client, payload)
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "applied", "lines": 2}


def test_duplicate_delivery_is_not_applied_twice(client):
    conn = FakeConn({"LANG-10F": 4}, seen={"D-1001"})
    with _use(conn):
        resp = _post(client, {"delivery_id": "D-1001", "lines": [{"sku": "LANG-10F", "quantity": 6}]})
    assert resp.get_json()["status"] == "duplicate"
    assert not any(sql.startswith("UPDATE hive_kits") for sql, _ in conn.statements)


def test_bad_signature_is_rejected(client):
    with _use(FakeConn({})):
        resp = _post(client, {"delivery_id": "D-2", "lines": [{"sku": "X", "quantity": 1}]}, secret="wrong")
    assert resp.status_code == 401
