"""Client glossaries: vendor glossary ids cached in a per-pod SQLite file.

The cache is disposable (rebuilt from the vendor on a miss), so it lives on the
pod's emptyDir; each thread gets its own SQLite connection.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from functools import lru_cache

import backoff
import requests

log = logging.getLogger(__name__)

CACHE_PATH = os.environ.get("GLOSSARY_CACHE", "/var/cache/agency/glossary.sqlite3")
MT_URL = os.environ.get("MT_VENDOR_URL", "https://api.mt-vendor.example/v2")
TTL_SECONDS = 6 * 3600
_local = threading.local()

_session = requests.Session()
_session.headers["Authorization"] = f"Bearer {os.environ.get('MT_VENDOR_KEY', '')}"


def _conn() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(CACHE_PATH, timeout=5)  # ok: SCL002, RES001
        conn.execute(
            "CREATE TABLE IF NOT EXISTS glossary_ids ("
            " client_id INTEGER, source TEXT, target TEXT, vendor_id TEXT, fetched_at REAL,"
            " PRIMARY KEY (client_id, source, target))"
        )
        _local.conn = conn
    return conn


@lru_cache(maxsize=512)  # ok: RES002
def normalise_pair(source: str, target: str) -> tuple[str, str]:
    return source.strip().upper()[:5], target.strip().upper()[:5]


@backoff.on_exception(backoff.expo, (requests.ConnectionError, requests.Timeout), max_tries=4, max_time=30)  # ok: REL002
def _fetch_vendor_id(client_id: int, source: str, target: str) -> str | None:
    resp = _session.get(
        f"{MT_URL}/glossaries",
        params={"name": f"client-{client_id}-{source}-{target}"},
        timeout=(3, 10),  # ok: REL001
    )
    resp.raise_for_status()
    found = resp.json().get("glossaries", [])
    return found[0]["glossary_id"] if found else None


def glossary_for(client_id: int, source: str, target: str) -> str | None:
    source, target = normalise_pair(source, target)
    conn = _conn()
    row = conn.execute(
        "SELECT vendor_id, fetched_at FROM glossary_ids WHERE client_id = ? AND source = ? AND target = ?",
        (client_id, source, target),
    ).fetchone()
    if row and time.time() - row[1] < TTL_SECONDS:
        return row[0]
    try:
        vendor_id = _fetch_vendor_id(client_id, source, target)
    except requests.RequestException:
        log.warning("glossary lookup failed client=%s %s-%s; translating without", client_id, source, target, exc_info=True)
        return row[0] if row else None
    with conn:
        conn.execute(
            "INSERT OR REPLACE INTO glossary_ids VALUES (?, ?, ?, ?, ?)",
            (client_id, source, target, vendor_id, time.time()),
        )
    return vendor_id
