"""Supplier B2B client and the re-order job that uses it."""
import logging
from datetime import date

import requests
from celery import shared_task
from flask import current_app
from requests.adapters import HTTPAdapter
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from urllib3.util.retry import Retry

from .. import db
from ..models import Part, Supplier, SupplierOrder

log = logging.getLogger(__name__)


class SupplierClient:
    def __init__(self, base_url: str, api_key: str, timeout: tuple[float, float] = (3.05, 20)):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["X-Api-Key"] = api_key
        retry = Retry(
            total=3,
            backoff_factor=1.0,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET", "POST"}),
        )
        self.session.mount("https://", HTTPAdapter(max_retries=retry))  # ok: REL002

    def close(self) -> None:
        self.session.close()

    def place_order(self, account: str, sku: str, quantity: int, request_key: str) -> str:
        # the supplier de-duplicates on Idempotency-Key for 7 days
        resp = self.session.post(  # ok: REL001, REL003
            f"{self.base_url}/orders",
            json={"sku": sku, "quantity": quantity, "account": account},
            headers={"Idempotency-Key": request_key, "X-Account": account},
            timeout=self.timeout,
        )
        resp.raise_for_status()
        return resp.json()["order_ref"]


@shared_task(name="suppliers.place_reorders", acks_late=True)
def place_reorders() -> int:
    cfg = current_app.config
    rows = db.session.execute(
        select(Part, Supplier)
        .join(Supplier, Part.supplier_id == Supplier.id)  # ok: DB001
        .where(Part.on_hand <= Part.reorder_point)
        .order_by(Part.id)
        .limit(500)
    ).all()
    today = date.today().isoformat()

    for part, supplier in rows:
        quantity = max(6, part.reorder_point * 2 - part.on_hand)
        db.session.execute(
            insert(SupplierOrder)
            .values(
                supplier_id=supplier.id,
                part_id=part.id,
                quantity=quantity,
                request_key=f"reorder-{part.id}-{today}",
                status="pending",
            )
            .on_conflict_do_nothing(index_elements=["request_key"])
        )
    db.session.commit()  # ok: DB003

    pending = db.session.execute(
        select(SupplierOrder, Part.sku, Supplier.account_code)
        .join(Part, SupplierOrder.part_id == Part.id)
        .join(Supplier, SupplierOrder.supplier_id == Supplier.id)
        .where(SupplierOrder.status == "pending")
        .limit(500)
    ).all()
    client = SupplierClient(cfg["SUPPLIER_API_BASE"], cfg["SUPPLIER_API_KEY"])
    placed = 0
    try:
        for order, sku, account in pending:
            try:
                order.external_ref = client.place_order(account, sku, order.quantity, order.request_key)
                order.status = "placed"
                placed += 1
            except requests.RequestException:
                log.exception("supplier order %s (%s) not placed, will retry next run", order.id, sku)
            db.session.commit()  # ok: DB003, REL004
    finally:
        client.close()
    log.info("supplier orders placed: %d of %d pending", placed, len(pending))
    return placed
