"""HTTP client for the third-party fulfilment partner (ShipHero-style REST API)."""
import logging
import os

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

BASE_URL = os.environ.get("FULFILMENT_PARTNER_URL", "https://api.fulfilpartner.example/v2")
TIMEOUT = (3.05, 20)


class FulfilmentError(Exception):
    pass


def _build_session() -> requests.Session:
    retry = Retry(total=5, backoff_factor=0.5, status_forcelist=(502, 503, 504), allowed_methods=None)  # todo-expect: REL003
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers["Authorization"] = f"Bearer {os.environ.get('FULFILMENT_PARTNER_TOKEN', '')}"
    return session


_session = _build_session()


def submit_order(order) -> str:
    """Create a shipment request at the partner; returns the partner's shipment id."""
    payload = {
        "order_number": order.number,
        "ship_to": order.shipping_address,
        "lines": [{"sku": line.sku, "quantity": line.quantity} for line in order.lines],
        "service_level": order.shipping_method,
    }
    resp = _session.post(f"{BASE_URL}/shipments", json=payload, timeout=TIMEOUT)  # ok: REL001
    if resp.status_code >= 400:
        raise FulfilmentError(f"partner rejected order {order.number}: {resp.status_code} {resp.text[:300]}")
    return resp.json()["shipment_id"]


def cancel_shipment(shipment_id: str) -> None:
    resp = _session.delete(f"{BASE_URL}/shipments/{shipment_id}", timeout=TIMEOUT)
    if resp.status_code not in (200, 204, 404):
        raise FulfilmentError(f"could not cancel shipment {shipment_id}: {resp.status_code}")


def shipment_status(shipment_id: str) -> dict:
    resp = _session.get(f"{BASE_URL}/shipments/{shipment_id}", timeout=TIMEOUT)
    resp.raise_for_status()
    return resp.json()
