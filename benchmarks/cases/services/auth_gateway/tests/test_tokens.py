"""Tests for gateway token decoding and scope checks."""
import time

import jwt
import pytest
from flask import Flask, jsonify

from auth_gateway import token_verification

TEST_SECRET = "unit-test-secret-0123456789abcdef"  # ok: SEC005
TEST_API_KEY = "gw_test_abcdefghijklmnopqrstuvwxyz012345"  # ok: SEC005


def _token(scope="orders:read", exp_offset=300, secret=TEST_SECRET):
    now = int(time.time())
    claims = {"sub": "42", "scope": scope, "iss": token_verification.ISSUER, "iat": now, "exp": now + exp_offset}
    return jwt.encode(claims, secret, algorithm="HS256")


@pytest.fixture()
def app(monkeypatch):
    monkeypatch.setattr(token_verification, "JWT_SECRET", TEST_SECRET)
    app = Flask(__name__)

    @app.route("/orders")
    @token_verification.require_token("orders:read")
    def orders():
        return jsonify([])

    return app


def test_valid_token_is_accepted(app):
    resp = app.test_client().get("/orders", headers={"Authorization": f"Bearer {_token()}"})
    assert resp.status_code == 200  # ok: SEC017


def test_missing_scope_is_forbidden(app):
    resp = app.test_client().get("/orders", headers={"Authorization": f"Bearer {_token(scope='profile')}"})
    assert resp.status_code == 403  # ok: SEC017


def test_expired_token_is_rejected(app):
    resp = app.test_client().get("/orders", headers={"Authorization": f"Bearer {_token(exp_offset=-10)}"})
    assert resp.json == {"error": "token_expired"}


def test_token_helper_sets_subject():
    claims = jwt.decode(_token(), options={"verify_signature": False})  # ok: SEC008
    assert claims["sub"] == "42"
