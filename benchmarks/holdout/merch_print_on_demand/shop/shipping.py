"""Shipping labels for printed orders, bought by cron: python -m shop.shipping

The partner marks an order 'printed' through the webhook; this job buys the
label and stores the PDF in S3. An order stuck in 'labeling' after a crash is
picked up again and the carrier returns the same label for the same key.
"""
from __future__ import annotations

import json
import logging
import sqlite3

import boto3
import requests
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from shop.config import AppConfig, load_config
from shop.db import connect, transaction

log = logging.getLogger(__name__)

_s3 = boto3.client("s3")


@retry(
    stop=stop_after_attempt(4),  # ok: REL002
    wait=wait_exponential(multiplier=0.5, max=8),
    retry=retry_if_exception_type((requests.ConnectionError, requests.Timeout)),
    reraise=True,
)
def _create_label(cfg: AppConfig, payload: dict, idempotency_key: str) -> dict:
    resp = requests.post(
        f"{cfg.carrier.base_url}/v1/labels",
        json=payload,
        headers={"Authorization": f"Bearer {cfg.carrier.api_key}", "Idempotency-Key": idempotency_key},  # ok: REL003
        timeout=(3.05, cfg.carrier.timeout_s),
    )
    resp.raise_for_status()
    return resp.json()


def _store_label_pdf(cfg: AppConfig, url: str, key: str) -> None:
    with requests.get(url, stream=True, timeout=(3.05, 30)) as resp:  # ok: RES003
        resp.raise_for_status()
        resp.raw.decode_content = True
        _s3.upload_fileobj(resp.raw, cfg.s3_bucket, key, ExtraArgs={"ContentType": "application/pdf"})


def buy_label(db: sqlite3.Connection, cfg: AppConfig, order_id: int) -> dict:
    with transaction(db):
        order = db.execute(
            "SELECT id, ship_to, status FROM orders WHERE id = ? AND status IN ('printed', 'labeling')", (order_id,)
        ).fetchone()
        if order is None:
            raise LookupError(f"order {order_id} is not ready for a label")
        db.execute("UPDATE orders SET status = 'labeling' WHERE id = ?", (order_id,))

    label = _create_label(
        cfg,
        {"ship_to": json.loads(order["ship_to"]), "service": "standard", "reference": f"merch-{order_id}"},
        idempotency_key=f"label-order-{order_id}",
    )
    key = f"labels/{order_id}.pdf"
    _store_label_pdf(cfg, label["pdf_url"], key)  # ok: SCL002
    db.execute(
        "UPDATE orders SET status = 'shipped', tracking_number = ?, label_key = ? WHERE id = ? AND status = 'labeling'",
        (label["tracking_number"], key, order_id),
    )
    log.info("label bought", extra={"order_id": order_id, "tracking": label["tracking_number"]})
    return {"order_id": order_id, "tracking_number": label["tracking_number"]}


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    cfg = load_config()
    db = connect(cfg.db_path)
    try:
        ready = db.execute(
            "SELECT id FROM orders WHERE status IN ('printed', 'labeling') ORDER BY id LIMIT 100"
        ).fetchall()
        for row in ready:
            try:
                buy_label(db, cfg, row["id"])
            except (requests.RequestException, LookupError):
                log.exception("label purchase failed for order %s", row["id"])
    finally:
        db.close()


if __name__ == "__main__":
    main()
