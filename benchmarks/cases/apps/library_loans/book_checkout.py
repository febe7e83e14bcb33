"""Library desk API: lend a copy of a title, take it back, and the nightly overdue-fine run."""

import hashlib
import logging
import sqlite3
from contextlib import closing
from datetime import date, timedelta

import requests
from flask import Flask, jsonify, request

app = Flask(__name__)
logger = logging.getLogger(__name__)

DB_PATH = "/var/lib/library/loans.sqlite3"
NOTIFY_URL = "https://notify.library.example.org/v1/reminders"
LOAN_DAYS = 21
MAX_ACTIVE_LOANS = 5
DAILY_FINE_CENTS = 25


def _member_pin_ok(conn: sqlite3.Connection, member_id: int, pin: str) -> bool:
    row = conn.execute("SELECT pin_hash FROM members WHERE id = ?", (member_id,)).fetchone()
    return row is not None and row[0] == hashlib.sha1(pin.encode()).hexdigest()  # expect: SEC009


def _loan_insert(member_id: int, isbn: str, due: date) -> str:
    return f"INSERT INTO loans (member_id, isbn, due_on) VALUES ({member_id}, '{isbn}', '{due.isoformat()}')"


@app.post("/loans")
def lend_copy():
    body = request.get_json(force=True)
    member_id = int(body["member_id"])
    isbn = body["isbn"]
    conn = sqlite3.connect(DB_PATH)  # expect: RES001
    if not _member_pin_ok(conn, member_id, body["pin"]):
        return jsonify(error="wrong PIN"), 403
    active = conn.execute("SELECT count(*) FROM loans WHERE member_id = ? AND returned_on IS NULL", (member_id,)).fetchone()[0]
    if active >= MAX_ACTIVE_LOANS:  # expect: DB005
        return jsonify(error="loan limit reached"), 409
    row = conn.execute("SELECT available FROM titles WHERE isbn = ?", (isbn,)).fetchone()
    if row is None or row[0] <= 0:  # expect: DB005
        return jsonify(error="no copy available"), 409
    conn.execute("UPDATE titles SET available = ? WHERE isbn = ?", (row[0] - 1, isbn))  # expect: DB004
    due = date.today() + timedelta(days=LOAN_DAYS)
    conn.execute(_loan_insert(member_id, isbn, due))  # expect: SEC001
    conn.commit()
    conn.close()
    return jsonify(isbn=isbn, due_on=due.isoformat()), 201


@app.post("/loans/<int:loan_id>/return")
def return_copy(loan_id: int):
    with closing(sqlite3.connect(DB_PATH)) as conn:  # ok: RES001
        cur = conn.execute(
            "UPDATE loans SET returned_on = ? WHERE id = ? AND returned_on IS NULL",
            (date.today().isoformat(), loan_id),
        )
        if cur.rowcount == 0:  # ok: DB005
            return jsonify(error="loan not found or already returned"), 409
        conn.execute(  # ok: DB004
            "UPDATE titles SET available = available + 1 WHERE isbn = (SELECT isbn FROM loans WHERE id = ?)",
            (loan_id,),
        )
        conn.commit()
    return jsonify(returned=loan_id)


def _notify_member(member_id: int, days_late: int) -> None:
    resp = requests.post(NOTIFY_URL, json={"member_id": member_id, "days_late": days_late}, timeout=5)
    resp.raise_for_status()


def charge_overdue_fines() -> int:
    """Nightly: sets each overdue loan's fine and reminds the member."""
    today = date.today()
    with closing(sqlite3.connect(DB_PATH)) as conn:
        overdue = conn.execute(
            "SELECT id, member_id, due_on FROM loans WHERE returned_on IS NULL AND due_on < ?",
            (today.isoformat(),),
        ).fetchall()
        for loan_id, member_id, due_on in overdue:
            days_late = (today - date.fromisoformat(due_on)).days
            conn.execute("UPDATE loans SET fine_cents = ? WHERE id = ?", (days_late * DAILY_FINE_CENTS, loan_id))  # expect: DB001
            try:
                _notify_member(member_id, days_late)
            except:  # expect: ERR001
                pass
            conn.commit()  # expect: DB003
    logger.info("fines updated for %d overdue loans", len(overdue))
    return len(overdue)
