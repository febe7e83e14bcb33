"""Unit tests for codes, password hashing, bulletin parsing and the check-in route."""
import hashlib
import random

import pytest
from aiohttp import web

from hut.auth import hash_password, verify_password
from hut.clients.avalanche import parse_bulletin
from hut.config import Config
from hut.services.reservations import new_checkin_code

WARDEN_TOKEN = "warden-test-token-123"  # ok: SEC005
GUIDE_PASSWORD = "guide-fixture-password"  # ok: SEC005


@pytest.fixture
def config() -> Config:
    return Config(
        database_dsn="postgresql://hut:hut-test@localhost:5432/hut_test",
        redis_url="redis://localhost:6379/15",
        smtp_host="localhost",
        smtp_port=1025,
        smtp_username="",
        smtp_password="",
        mail_from="test@example.org",
        sms_api_url="http://localhost:9999/sms",
        sms_api_key="test-sms-key",
        bulletin_url="http://localhost:9999/bulletins",
        park_authority_url="http://localhost:9999/authority",
        park_authority_token="test-authority-token",
        session_secret="test-session-secret",
    )


def test_checkin_codes_are_six_digits():
    codes = {new_checkin_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes)  # ok: SEC017
    assert len(codes) > 190


def test_password_hash_round_trip():
    stored = hash_password(GUIDE_PASSWORD)
    assert stored.startswith("scrypt$")
    assert verify_password(GUIDE_PASSWORD, stored)
    assert not verify_password("nope", stored)


def test_parse_bulletin_picks_worst_rating():
    sample_regions = ["AT-07", "CH-4"]
    region = random.choice(sample_regions)
    payload = {
        "bulletins": [
            {
                "regions": [{"regionID": r} for r in sample_regions],
                "dangerRatings": [{"mainValue": "moderate"}, {"mainValue": "considerable"}],
                "avalancheProblems": [{"problemType": "wind_slab"}],
                "validTime": {"endTime": "2025-01-15T17:00:00+01:00"},
            }
        ]
    }
    bulletin = parse_bulletin(region, payload)
    assert bulletin is not None
    assert bulletin.danger_level == 3
    assert bulletin.problems == ["wind_slab"]


def test_warden_token_digest_matches_fixture():
    digest = hashlib.sha256(WARDEN_TOKEN.encode()).hexdigest()
    assert len(digest) == 64


def test_config_defaults_are_production_safe(config):
    assert config.debug is False
    assert config.db_pool_max >= config.db_pool_min


async def test_checkin_rejects_malformed_code(aiohttp_client):
    from hut.handlers import checkin

    app = web.Application()
    app.router.add_post("/checkin", checkin.check_in)
    client = await aiohttp_client(app)
    response = await client.post("/checkin", json={"hut": "test", "code": "12ab"})
    assert response.status == 400
