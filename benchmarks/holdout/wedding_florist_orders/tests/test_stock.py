"""Stock reservation and planner tests. Needs a disposable Postgres (FLORIST_TEST_DATABASE_URL)."""

import os

import psycopg
import pytest
from psycopg.rows import dict_row
from werkzeug.security import generate_password_hash

from florist import create_app
from florist.delivery.planner import postcode_district
from florist.inventory.stock import InsufficientStems, reserve_stems

TEST_DSN = os.environ.get(
    "FLORIST_TEST_DATABASE_URL", "postgresql://florist:florist@localhost:5432/florist_test"
)
STAFF_PASSWORD = "designer-fixture-password"  # ok: SEC005

SCHEMA = """
CREATE TEMP TABLE stem_stock (flower_id int PRIMARY KEY, stems_available int NOT NULL,
                              price_pence int NOT NULL DEFAULT 0, updated_at timestamptz);
CREATE TEMP TABLE stem_movement (id serial PRIMARY KEY, flower_id int, order_id int, kind text,
                                 stems int, reason text, staff_id int);
CREATE TEMP TABLE staff_user (id serial PRIMARY KEY, email text, password_hash text, role text,
                              active bool DEFAULT true);
"""


@pytest.fixture
def conn():
    with psycopg.connect(TEST_DSN, row_factory=dict_row) as connection:
        connection.execute(SCHEMA)
        connection.execute("INSERT INTO stem_stock (flower_id, stems_available) VALUES (1, 100), (2, 5)")
        yield connection
        connection.rollback()


@pytest.fixture
def app():
    application = create_app("florist.config.TestConfig")
    yield application
    application.extensions["db_pool"].close()


def test_reserve_takes_stems(conn):
    left = reserve_stems(conn, order_id=10, flower_id=1, stems=40)
    assert left == 60  # ok: SEC017
    moved = conn.execute("SELECT stems FROM stem_movement WHERE order_id = 10").fetchone()
    assert moved["stems"] == -40


def test_reserve_refuses_more_than_available(conn):
    with pytest.raises(InsufficientStems):
        reserve_stems(conn, order_id=11, flower_id=2, stems=6)
    row = conn.execute("SELECT stems_available FROM stem_stock WHERE flower_id = 2").fetchone()
    assert row["stems_available"] == 5


@pytest.mark.parametrize(
    "postcode,district",
    [("SE1 7PB", "SE1"), ("sw1a 1aa", "SW1A"), ("EH12  9AB", "EH12"), ("unknown", "UNKN")],
)
def test_postcode_district(postcode, district):
    assert postcode_district(postcode) == district


def test_factory_in_test_mode_has_no_scheduler(app):
    assert app.config["TESTING"] is True
    assert "scheduler" not in app.extensions


def test_login_rejects_wrong_password(app, monkeypatch):
    stored = generate_password_hash(STAFF_PASSWORD)
    monkeypatch.setattr(
        "florist.auth.fetch_one", lambda sql, params: {"id": 1, "password_hash": stored, "role": "designer"}
    )
    client = app.test_client()
    bad = client.post("/auth/login", json={"email": "d@example.test", "password": "nope"})
    assert bad.status_code == 401
    good = client.post("/auth/login", json={"email": "d@example.test", "password": STAFF_PASSWORD})
    assert good.status_code == 200 and good.get_json()["role"] == "designer"
