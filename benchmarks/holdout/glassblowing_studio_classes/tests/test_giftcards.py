"""Gift card code format and redemption rules, against the local test database."""
import re
from datetime import date, timedelta

import psycopg
import pytest
from psycopg.rows import dict_row

from studio import giftcards
from studio.gift_redemption import RedemptionError, redeem

TEST_DATABASE_URL = "postgresql://studio:studio-test-pw@localhost:5432/studio_test"  # ok: SEC005
STAFF_PASSWORD = "correct-horse-battery"  # ok: SEC005


@pytest.fixture()
def conn():
    with psycopg.connect(TEST_DATABASE_URL, row_factory=dict_row) as connection:
        connection.execute("TRUNCATE gift_card_ledger, gift_cards, enrolments, students RESTART IDENTITY CASCADE")
        connection.execute(
            "INSERT INTO students (email, display_name, password_hash, role) VALUES "
            "('ana@example.com', 'Ana', 'x', 'student'), ('ben@example.com', 'Ben', 'x', 'student')"
        )
        connection.execute("INSERT INTO class_sessions (id, title, starts_at, capacity, seats_taken, price_pence) "
                           "VALUES (1, 'Paperweights', now() + interval '5 days', 6, 1, 6500)")
        connection.execute("INSERT INTO enrolments (id, session_id, student_id) VALUES (10, 1, 1)")
        connection.execute(
            "INSERT INTO gift_cards (code, balance_pence, initial_pence, expires_on, status) "
            "VALUES ('GB-TEST-CODE-0001', 5000, 5000, %s, 'active')",
            (date.today() + timedelta(days=30),),
        )
        yield connection
        connection.rollback()


def test_code_format():
    code = giftcards._new_code()
    assert re.fullmatch(r"GB-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)  # ok: SEC017


def test_redeem_reduces_balance_once_per_booking(conn):
    assert redeem(conn, "GB-TEST-CODE-0001", 2000, "enrolment", 10, 1) == 3000
    assert redeem(conn, "GB-TEST-CODE-0001", 2000, "enrolment", 10, 1) == 3000


def test_redeem_rejects_other_students_booking(conn):
    with pytest.raises(RedemptionError) as err:
        redeem(conn, "GB-TEST-CODE-0001", 1000, "enrolment", 10, 2)
    assert err.value.status == 404


def test_redeem_rejects_overspend(conn):
    with pytest.raises(RedemptionError) as err:
        redeem(conn, "GB-TEST-CODE-0001", 9000, "enrolment", 10, 1)
    assert err.value.code == "insufficient_balance"
    row = conn.execute("SELECT balance_pence FROM gift_cards WHERE code = 'GB-TEST-CODE-0001'").fetchone()
    assert row["balance_pence"] == 5000


def test_staff_password_fixture_is_long_enough():
    from studio.auth import MIN_PASSWORD_LENGTH
    assert len(STAFF_PASSWORD) >= MIN_PASSWORD_LENGTH
