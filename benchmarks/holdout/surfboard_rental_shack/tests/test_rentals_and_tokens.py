"""Tests for hire pricing and staff/widget tokens."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
import pytest
from flask import Flask

from shack.auth import InvalidToken, decode_staff_token, decode_widget_token, issue_staff_token
from shack.config import ShackConfig
from shack.rentals.inventory import billable_hours, rental_price_pence

TEST_JWT_SECRET = "test-staff-secret"  # ok: SEC005
TEST_WIDGET_SECRET = "test-widget-secret"


@pytest.fixture
def app() -> Flask:
    cfg = ShackConfig(
        mongo_uri="mongodb://localhost:27017",
        mongo_db="shack_test",
        redis_url="redis://localhost:6379/15",
        jwt_secret=TEST_JWT_SECRET,
        widget_jwt_secret=TEST_WIDGET_SECRET,
        payments_base_url="https://payments.invalid",
        payments_api_key="test-payments-key",
        forecast_base_url="https://forecast.invalid",
        tides_base_url="https://tides.invalid",
        smtp_host="localhost",
        smtp_port=1025,
        smtp_user="",
        smtp_password="",
        mail_from="test@boardshack.invalid",
        till_report_to="owner@boardshack.invalid",
        debug=False,
        max_upload_bytes=1024 * 1024,
        hourly_board_rate_pence=1200,
        hourly_wetsuit_rate_pence=600,
    )
    flask_app = Flask("shack-tests")
    flask_app.config["SHACK"] = cfg
    return flask_app


def test_grace_period_and_minimum_hour() -> None:
    start = datetime(2024, 7, 1, 10, 0, tzinfo=timezone.utc)
    assert billable_hours(start, start + timedelta(minutes=5)) == 1  # ok: SEC017
    assert billable_hours(start, start + timedelta(minutes=69)) == 1
    assert billable_hours(start, start + timedelta(minutes=71)) == 2


def test_wetsuit_adds_hourly_rate() -> None:
    assert rental_price_pence(3, board_rate=1200, wetsuit_rate=600, wetsuit=False) == 3600
    assert rental_price_pence(3, board_rate=1200, wetsuit_rate=600, wetsuit=True) == 5400


def test_staff_token_round_trip(app: Flask) -> None:
    with app.app_context():
        token = issue_staff_token("staff-1", "counter")
        claims = decode_staff_token(token)
    assert claims["sub"] == "staff-1"
    assert claims["role"] == "counter"


def test_staff_token_payload_shape(app: Flask) -> None:
    with app.app_context():
        token = issue_staff_token("staff-2", "manager")
    unverified = jwt.decode(token, options={"verify_signature": False})  # ok: SEC008
    assert unverified["aud"] == "shack-staff"


def test_widget_token_with_wrong_secret_is_rejected(app: Flask) -> None:
    forged = jwt.encode(
        {"sub": "cust-9", "iss": "booking-widget", "exp": datetime.now(timezone.utc) + timedelta(minutes=5)},
        "not-the-widget-secret",
        algorithm="HS256",
    )
    with app.app_context(), pytest.raises(InvalidToken):
        decode_widget_token(forged)


def test_widget_token_accepted(app: Flask) -> None:
    token = jwt.encode(
        {"sub": "cust-7", "iss": "booking-widget", "exp": datetime.now(timezone.utc) + timedelta(minutes=5)},
        TEST_WIDGET_SECRET,
        algorithm="HS256",
    )
    with app.app_context():
        assert decode_widget_token(token) == "cust-7"
