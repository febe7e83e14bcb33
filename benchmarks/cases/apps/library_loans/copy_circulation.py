"""Library desk API: lend a copy of a title, take it back, and the nightly overdue-fine run."""

import hashlib
import hmac
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


def _connect() -> sqlite3.Connection:
    conn = sqlite3.connect(DB_PATH, timeout=5, isolation_level="IMMEDIATE")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _member_pin_ok(conn: sqlite3.Connection, member_id: int, pin: str) -> bool:
    row = conn.execute("SELECT pin_salt, pin_hash FROM members WHERE id = ?", (member_id,)).fetchone()
    if row is None:
        return False
    salt, stored = row
    candidate = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, 200_000)  # ok: SEC009
    return hmac.compare_digest(candidate, stored)


@app.post("/loans")
def checkout_copy():
    body = request.get_json(force=True)
    member_id = int(body["member_id"])
    isbn = body["isbn"]
    with closing(_connect()) as conn:  # ok: RES001
        if not _member_pin_ok(conn, member_id, body["pin"]):
            return jsonify(error="wrong PIN"), 403
        cur = conn.execute("UPDATE titles SET available = available - 1 WHERE isbn = ? AND available > 0", (isbn,))  # ok: DB004
        if cur.rowcount == 0:  # ok: DB005
            conn.rollback()
            return jsonify(error="no copy available"), 409
        # counted inside the write transaction that the UPDATE above opened
        active = conn.execute("SELECT count(*) FROM loans WHERE member_id = ? AND returned_on IS NULL", (member_id,)).fetchone()[0]
        if active >= MAX_ACTIVE_LOANS:  # ok: DB005
            conn.rollback()
            return jsonify(error="loan limit reached"), 409
        due = date.today() + timedelta(days=LOAN_DAYS)
        conn.execute("INSERT INTO loans (member_id, isbn, due_on) VALUES (?, ?, ?)", (member_id, isbn, due.isoformat()))  # ok: SEC001
        conn.commit()
    logger.info("member %s borrowed %s until %s", member_id, isbn, due)
    return jsonify(isbn=isbn, due_on=due.isoformat()), 201


@app.post("/loans/<int:loan_id>/return")
def checkin_copy(loan_id: int):
    with closing(_connect()) as conn:
        cur = conn.execute(
            "UPDATE loans SET returned_on = ? WHERE id = ? AND returned_on IS NULL",
            (date.today().isoformat(), loan_id),
        )
        if cur.rowcount == 0:  # ok: DB005
            return jsonify(error="loan not found or already returned"), 409
        conn.execute("UPDATE titles SET available = available + 1 WHERE isbn = (SELECT isbn FROM loans WHERE id = ?)", (loan_id,))
        conn.commit()
    return jsonify(returned=loan_id)


def charge_overdue_fines() -> int:
    """Nightly: sets every overdue loan's fine in one statement, then reminds the members."""
    today = date.today()
    with closing(_connect()) as conn:
        conn.execute(
            "UPDATE loans SET fine_cents = (julianday(?) - julianday(due_on)) * ? "
            "WHERE returned_on IS NULL AND due_on < ?",
            (today.isoformat(), DAILY_FINE_CENTS, today.isoformat()),
        )
        overdue = conn.execute(
            "SELECT member_id, CAST(julianday(?) - julianday(due_on) AS INTEGER) FROM loans "
            "WHERE returned_on IS NULL AND due_on < ?",
            (today.isoformat(), today.isoformat()),
        ).fetchall()
        conn.commit()  # ok: DB003
    with requests.Session() as http:
        for member_id, days_late in overdue:
            try:
                http.post(NOTIFY_URL, json={"member_id": member_id, "days_late": days_late}, timeout=5).raise_for_status()  # ok: REL001
            except requests.RequestException:
                logger.exception("reminder for member %s failed; the fine is recorded", member_id)
    logger.info("fines updated for %d overdue loans", len(overdue))
    return len(overdue)
