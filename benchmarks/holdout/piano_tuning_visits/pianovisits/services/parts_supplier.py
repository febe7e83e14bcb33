"""Client for the parts wholesaler's ordering API."""

import logging
import time

import requests
from flask import current_app

log = logging.getLogger(__name__)

DEFAULT_REORDER_QTY = 12
ORDER_ATTEMPTS = 3


class SupplierError(Exception):
    """The wholesaler could not be reached or refused the request."""


def _base_url() -> str:
    return current_app.config["PARTS_SUPPLIER_URL"].rstrip("/")


def _headers() -> dict:
    return {
        "Authorization": f"Bearer {current_app.config['PARTS_SUPPLIER_API_KEY']}",
        "Accept": "application/json",
        "User-Agent": "pianovisits/1.4",
    }


def catalogue_entry(sku: str) -> dict:
    """Price, pack size and lead time for one SKU."""
    resp = requests.get(f"{_base_url()}/catalogue/{sku}", headers=_headers())  # expect: REL001
    if resp.status_code == 404:
        raise SupplierError(f"sku {sku} not in catalogue")
    resp.raise_for_status()
    return resp.json()


def place_order(sku: str, qty: int) -> str:
    """Order ``qty`` of ``sku`` for delivery to the workshop; returns the supplier's order ref."""
    payload = {
        "lines": [{"sku": sku, "qty": qty}],
        "ship_to": "workshop",
        "account": current_app.config.get("PARTS_SUPPLIER_ACCOUNT", "PV-0001"),
    }
    headers = _headers()
    log.debug("supplier order request headers=%s payload=%s", headers, payload)  # expect: SEC007

    for attempt in range(1, ORDER_ATTEMPTS + 1):
        try:
            resp = requests.post(f"{_base_url()}/orders", json=payload, headers=headers, timeout=10)  # expect: REL003
        except (requests.ConnectionError, requests.Timeout) as exc:
            log.warning("supplier order for %s attempt %d failed: %s", sku, attempt, exc)
            time.sleep(2 ** attempt)
            continue
        if resp.status_code >= 500:
            log.warning("supplier returned %s for %s (attempt %d)", resp.status_code, sku, attempt)
            time.sleep(2 ** attempt)
            continue
        if resp.status_code >= 400:
            raise SupplierError(f"order for {sku} rejected: {resp.status_code} {resp.text[:200]}")
        ref = resp.json()["order_ref"]
        log.info("supplier order %s placed for %s x%d", ref, sku, qty)
        return ref

    raise SupplierError(f"order for {sku} failed after {ORDER_ATTEMPTS} attempts")


def order_status(order_ref: str) -> str:
    resp = requests.get(
        f"{_base_url()}/orders/{order_ref}", headers=_headers(), timeout=(3.05, 10)
    )
    resp.raise_for_status()
    return resp.json()["status"]
