"""SQLite access. The database file lives on the persistent volume mounted at
/data (one writer pod, see docker-compose.yml)."""
from __future__ import annotations

import sqlite3
from contextlib import closing, contextmanager
from typing import Iterator

from flask import Flask, current_app, g

SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
    name TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS remember_tokens (
    token_hash TEXT PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
    expires_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blanks (
    sku TEXT PRIMARY KEY, title TEXT NOT NULL, price_cents INTEGER NOT NULL,
    stock INTEGER NOT NULL CHECK (stock >= 0));
CREATE TABLE IF NOT EXISTS designs (
    id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
    path TEXT NOT NULL, placement TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS artwork (
    id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
    s3_key TEXT NOT NULL, content_type TEXT NOT NULL, placement TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
    status TEXT NOT NULL, total_cents INTEGER NOT NULL, payment_ref TEXT,
    partner_job_id TEXT, partner_status TEXT, tracking_number TEXT, label_key TEXT,
    ship_to TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    submitted_at TEXT);
CREATE TABLE IF NOT EXISTS order_items (
    id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id),
    sku TEXT NOT NULL, artwork_id INTEGER, design_id INTEGER, qty INTEGER NOT NULL, unit_cents INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending', created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS webhook_events (
    event_id TEXT PRIMARY KEY, received_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE INDEX IF NOT EXISTS ix_orders_customer ON orders(customer_id, created_at);
CREATE INDEX IF NOT EXISTS ix_orders_status ON orders(status, submitted_at);
CREATE INDEX IF NOT EXISTS ix_orders_partner_job ON orders(partner_job_id);
CREATE INDEX IF NOT EXISTS ix_orders_payment_ref ON orders(payment_ref);
CREATE INDEX IF NOT EXISTS ix_items_order ON order_items(order_id);
CREATE INDEX IF NOT EXISTS ix_items_design ON order_items(design_id);
CREATE INDEX IF NOT EXISTS ix_designs_customer ON designs(customer_id);
CREATE INDEX IF NOT EXISTS ix_jobs_status ON jobs(status, kind);
"""


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=10, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = connect(current_app.config["DB_PATH"])
    return g.db


def close_db(exc: BaseException | None = None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE takes the write lock up front, so reads inside the
    block cannot be invalidated by another writer before we write."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
    with closing(connect(app.config["DB_PATH"])) as conn:
        conn.executescript(SCHEMA)
