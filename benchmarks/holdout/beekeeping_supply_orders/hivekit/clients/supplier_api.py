"""Client for the woodenware supplier's wholesale API: price list, stock, purchase orders."""
import logging
import time

import requests

from .. import config

log = logging.getLogger(__name__)


class SupplierUnavailable(RuntimeError):
    """The supplier API could not be reached or kept failing."""


class SupplierClient:
    def __init__(self, base_url: str = config.SUPPLIER_API_BASE, api_key: str = config.SUPPLIER_API_KEY):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update({
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "User-Agent": "hivekit-orders/2.3",
        })

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "SupplierClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def price_list(self) -> list[dict]:
        """Current wholesale cost of every SKU we buy from them."""
        resp = self.session.get(f"{self.base_url}/price-list", params={"currency": "USD"})  # expect: REL001
        resp.raise_for_status()
        return resp.json()["items"]

    def stock_level(self, sku: str) -> int:
        """Units the supplier can ship today; they answer 503 while their ERP syncs."""
        while True:  # expect: REL002
            resp = self.session.get(f"{self.base_url}/stock/{sku}", timeout=10)
            if resp.status_code == 503:
                time.sleep(float(resp.headers.get("Retry-After", "1")))
                continue
            resp.raise_for_status()
            return int(resp.json()["available"])

    def place_purchase_order(self, lines: list[dict], ship_to: str) -> str:
        """Order more stock; returns the supplier's PO number."""
        payload = {
            "ship_to": ship_to,
            "lines": [{"sku": l["sku"], "quantity": int(l["quantity"])} for l in lines],
        }
        last_error: Exception | None = None
        for attempt in range(1, 4):
            try:
                resp = self.session.post(f"{self.base_url}/purchase-orders", json=payload, timeout=15)  # expect: REL003
                resp.raise_for_status()
                po_number = resp.json()["po_number"]
                log.info("supplier accepted purchase order %s (%d lines)", po_number, len(lines))
                return po_number
            except requests.RequestException as exc:
                last_error = exc
                log.warning("purchase order attempt %d failed: %s", attempt, exc)
                time.sleep(2 ** attempt)
        raise SupplierUnavailable("supplier did not accept the purchase order") from last_error

    def cancel_purchase_order(self, po_number: str) -> None:
        resp = self.session.delete(f"{self.base_url}/purchase-orders/{po_number}", timeout=15)
        if resp.status_code not in (200, 204, 404):
            resp.raise_for_status()
        log.info("purchase order %s cancelled", po_number)
