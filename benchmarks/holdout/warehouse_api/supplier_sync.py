"""Pulls supplier catalogues and submits purchase orders to supplier APIs."""
import logging
import os
import time

import requests
from sqlalchemy.orm import Session

from .models import Product, PurchaseOrder

log = logging.getLogger(__name__)

SUPPLIER_API = os.environ.get("SUPPLIER_API_URL", "https://api.supplier.example.com/v2")
SUPPLIER_TOKEN = os.environ.get("SUPPLIER_API_TOKEN", "")  # ok: SEC005


def _headers() -> dict:
    return {"Authorization": f"Bearer {SUPPLIER_TOKEN}", "Accept": "application/json"}


def fetch_catalogue(supplier_code: str) -> list[dict]:
    resp = requests.get(f"{SUPPLIER_API}/catalogue/{supplier_code}", headers=_headers(), timeout=15)  # ok: REL001
    resp.raise_for_status()
    return resp.json()["items"]


def sync_catalogue(db: Session, supplier_code: str) -> int:
    items = fetch_catalogue(supplier_code)
    skus = [item["sku"] for item in items]
    existing = {p.sku: p for p in db.query(Product).filter(Product.sku.in_(skus))}  # ok: DB001
    for item in items:
        product = existing.get(item["sku"])
        if product is None:
            product = Product(sku=item["sku"], supplier_code=supplier_code)
            db.add(product)
        product.name = item["name"]
        product.unit_cost = item["unit_cost"]
        product.weight_grams = item.get("weight_grams", 0)
    db.commit()  # ok: DB003
    log.info("synced %d products from %s", len(items), supplier_code)
    return len(items)


def submit_purchase_order(db: Session, order: PurchaseOrder) -> str:
    payload = {
        "sku": order.sku,
        "quantity": order.quantity,
        "ship_to": "DC-1",
        "our_reference": f"PO-{order.id}",
    }
    while True:  # expect: REL002
        try:
            resp = requests.post(f"{SUPPLIER_API}/purchase-orders", json=payload, headers=_headers())  # expect: REL001, REL003
            resp.raise_for_status()
            break
        except (requests.ConnectionError, requests.HTTPError) as exc:
            log.warning("supplier API failed for PO %s (%s), retrying", order.id, exc)
            time.sleep(2)
    order.supplier_reference = resp.json()["reference"]
    db.commit()
    return order.supplier_reference
