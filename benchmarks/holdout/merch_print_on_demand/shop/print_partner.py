"""Submission of paid orders to the print partner's job API.

Run from cron every few minutes: python -m shop.print_partner
"""
from __future__ import annotations

import logging
import sqlite3

import requests
from tenacity import retry, retry_if_exception_type, wait_fixed

from shop.config import AppConfig, load_config
from shop.db import connect

log = logging.getLogger("shop.print_partner")

BATCH_SIZE = 50


def _partner_session(cfg: AppConfig) -> requests.Session:
    http = requests.Session()
    http.headers.update({"X-Api-Key": cfg.print_partner.api_key, "Accept": "application/json"})
    return http


@retry(retry=retry_if_exception_type(requests.RequestException), wait=wait_fixed(3), reraise=True)  # expect: REL002
def submit_order(http: requests.Session, cfg: AppConfig, order: sqlite3.Row, items: list[sqlite3.Row]) -> str:
    payload = {
        "external_ref": f"merch-{order['id']}",
        "ship_to": order["ship_to"],
        "lines": [
            {"product": item["sku"], "quantity": item["qty"], "artwork_id": item["artwork_id"]}
            for item in items
        ],
    }
    log.info("submitting order %s to partner, headers=%s", order["id"], dict(http.headers))  # expect: SEC007
    resp = http.post(f"{cfg.print_partner.base_url}/v2/jobs", json=payload, timeout=cfg.print_partner.timeout_s)  # expect: REL003
    resp.raise_for_status()
    return resp.json()["job_id"]


def push_paid_orders(conn: sqlite3.Connection, cfg: AppConfig) -> int:
    orders = conn.execute(
        "SELECT id, ship_to FROM orders WHERE status = 'paid' AND partner_job_id IS NULL ORDER BY id LIMIT ?",
        (BATCH_SIZE,),
    ).fetchall()
    if not orders:
        return 0
    ids = [o["id"] for o in orders]
    marks = ",".join("?" for _ in ids)
    items_by_order: dict[int, list[sqlite3.Row]] = {}
    for item in conn.execute(
        f"SELECT order_id, sku, qty, artwork_id FROM order_items WHERE order_id IN ({marks})", ids  # ok: SEC001
    ):
        items_by_order.setdefault(item["order_id"], []).append(item)

    submitted = 0
    with _partner_session(cfg) as http:
        for order in orders:
            try:
                job_id = submit_order(http, cfg, order, items_by_order.get(order["id"], []))
            except requests.HTTPError:
                log.exception("partner rejected order %s", order["id"])
                continue
            conn.execute(
                "UPDATE orders SET partner_job_id = ?, status = 'submitted', submitted_at = CURRENT_TIMESTAMP WHERE id = ?",
                (job_id, order["id"]),
            )
            conn.commit()  # ok: DB003
            submitted += 1
    return submitted


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    cfg = load_config()
    conn = connect(cfg.db_path)
    try:
        count = push_paid_orders(conn, cfg)
    finally:
        conn.close()
    log.info("submitted %d orders", count)


if __name__ == "__main__":
    main()
