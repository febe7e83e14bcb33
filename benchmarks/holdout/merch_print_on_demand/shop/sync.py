"""Reconcile order statuses with the print partner.

Webhooks occasionally get lost, so ops run this nightly (and by hand after a
partner incident):

    python -m shop.sync --status submitted --days 14
"""
from __future__ import annotations

import argparse
import logging
import sqlite3
from datetime import datetime, timedelta, timezone

import requests

from shop.config import AppConfig, load_config

log = logging.getLogger("shop.sync")

STATUS_MAP = {
    "queued": "submitted",
    "in_production": "in_production",
    "printed": "printed",
    "rejected": "print_failed",
}


def _fetch_job(http: requests.Session, cfg: AppConfig, job_id: str) -> dict:
    resp = http.get(f"{cfg.print_partner.base_url}/v2/jobs/{job_id}", timeout=cfg.print_partner.timeout_s)
    resp.raise_for_status()
    return resp.json()


def reconcile(conn: sqlite3.Connection, cfg: AppConfig, status: str, days: int) -> tuple[int, int]:
    since = (datetime.now(timezone.utc) - timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S")
    rows = conn.execute(
        "SELECT id, partner_job_id, status FROM orders "
        f"WHERE status = '{status}' AND partner_job_id IS NOT NULL AND submitted_at >= ? ORDER BY id",  # expect: SEC001
        (since,),
    ).fetchall()
    checked = changed = 0
    http = requests.Session()
    http.headers["X-Api-Key"] = cfg.print_partner.api_key
    try:
        for row in rows:
            checked += 1
            try:
                job = _fetch_job(http, cfg, row["partner_job_id"])
            except Exception:  # expect: ERR001
                continue
            new_status = STATUS_MAP.get(job.get("status"), row["status"])
            if new_status == row["status"]:
                continue
            conn.execute(
                "UPDATE orders SET status = ?, partner_status = ? WHERE id = ?",
                (new_status, job.get("status"), row["id"]),
            )
            conn.commit()  # expect: DB003
            changed += 1
    finally:
        http.close()
    return checked, changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--status", default="submitted")
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    cfg = load_config()
    conn = sqlite3.connect(cfg.db_path, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        checked, changed = reconcile(conn, cfg, args.status, args.days)
    finally:
        conn.close()
    print(f"checked {checked} orders, updated {changed}")  # ok: OBS001


if __name__ == "__main__":
    main()
