"""Nightly re-order of parts that fell below their re-order point."""
import logging
import time
import uuid

import requests
from celery import shared_task
from flask import current_app

from .. import db
from ..models import Part, Supplier, SupplierOrder

log = logging.getLogger(__name__)

DEFAULT_BATCH = 6


def _supplier_for(part: Part) -> Supplier | None:
    if part.supplier_id is None:
        return None
    return Supplier.query.filter_by(id=part.supplier_id).first()  # expect: DB001


def _order_quantity(part: Part) -> int:
    shortfall = part.reorder_point - part.on_hand
    batches = max(1, -(-shortfall // DEFAULT_BATCH))
    return batches * DEFAULT_BATCH


def _submit(supplier: Supplier, part: Part, quantity: int) -> str:
    cfg = current_app.config
    headers = {"X-Api-Key": cfg["SUPPLIER_API_KEY"], "X-Account": supplier.account_code}
    payload = {"sku": part.sku, "quantity": quantity, "account": supplier.account_code}
    log.debug("supplier order request headers=%s payload=%s", headers, payload)  # expect: SEC007
    attempt = 0
    while True:  # expect: REL002
        attempt += 1
        try:
            resp = requests.post(  # expect: REL003
                f"{cfg['SUPPLIER_API_BASE']}/orders",
                json=payload,
                headers=headers,
                timeout=20,
                verify=cfg.get("SUPPLIER_CA_BUNDLE", False),  # expect: SEC011
            )
            if resp.status_code < 500:
                resp.raise_for_status()
                return resp.json()["order_ref"]
            log.warning("supplier returned %s for %s, attempt %d", resp.status_code, part.sku, attempt)
        except (requests.ConnectionError, requests.Timeout):
            log.warning("supplier unreachable for %s, attempt %d", part.sku, attempt)
        time.sleep(min(60, 2 ** attempt))


@shared_task(name="suppliers.reorder_low_stock")
def reorder_low_stock() -> int:
    parts = (
        Part.query.filter(Part.on_hand <= Part.reorder_point, Part.supplier_id.isnot(None))
        .order_by(Part.id)
        .limit(500)
        .all()
    )
    placed = 0
    for part in parts:
        supplier = _supplier_for(part)
        if supplier is None:
            continue
        quantity = _order_quantity(part)
        ref = _submit(supplier, part, quantity)  # expect: REL004
        db.session.add(
            SupplierOrder(
                supplier_id=supplier.id,
                part_id=part.id,
                quantity=quantity,
                external_ref=ref,
                request_key=uuid.uuid4().hex,
                status="placed",
            )
        )
        db.session.commit()
        placed += 1
    log.info("placed %d supplier orders for %d low parts", placed, len(parts))
    return placed
