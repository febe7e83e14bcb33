"""Trade API client for the studio's glass supplier (clear cullet, colour rod, frit).

Used by the weekly reorder job and by staff from the stock screen.
"""
import logging
import time
from dataclasses import dataclass

import requests

log = logging.getLogger(__name__)

RETRY_PAUSE_SECONDS = 2


@dataclass
class OrderLine:
    sku: str
    quantity: int
    unit: str = "kg"

    def as_payload(self):
        return {"sku": self.sku, "qty": self.quantity, "unit": self.unit}


class SupplierError(RuntimeError):
    pass


class SupplierClient:
    def __init__(self, base_url, api_key, account_number):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.account_number = account_number

    @property
    def _headers(self):
        return {"X-Api-Key": self.api_key, "Accept": "application/json"}

    def catalogue_page(self, page=1):
        resp = requests.get(
            f"{self.base_url}/v2/catalogue", params={"page": page}, headers=self._headers, timeout=10
        )
        resp.raise_for_status()
        return resp.json()

    def order_status(self, supplier_ref):
        resp = requests.get(f"{self.base_url}/v2/orders/{supplier_ref}", headers=self._headers, timeout=10)
        if resp.status_code == 404:
            return None
        resp.raise_for_status()
        return resp.json()

    def place_order(self, lines, po_number, deliver_by=None):
        """Place a trade order and return the supplier's order reference."""
        payload = {
            "account": self.account_number,
            "purchase_order": po_number,
            "lines": [line.as_payload() for line in lines],
        }
        if deliver_by is not None:
            payload["deliver_by"] = deliver_by.isoformat()

        attempt = 0
        while True:  # expect: REL002
            attempt += 1
            try:
                resp = requests.post(f"{self.base_url}/v2/orders", json=payload, headers=self._headers)  # expect: REL001, REL003
                resp.raise_for_status()
                body = resp.json()
                log.info("supplier accepted PO %s as %s", po_number, body["order_ref"])
                return body["order_ref"]
            except requests.RequestException as exc:
                log.warning("supplier order for PO %s failed (attempt %d): %s", po_number, attempt, exc)
                time.sleep(RETRY_PAUSE_SECONDS)


def reorder_lines(stock_rows, par_levels):
    """Turn current stock and par levels into order lines, rounded up to 5 kg bags."""
    lines = []
    for row in stock_rows:
        par = par_levels.get(row["sku"])
        if par is None or row["quantity"] >= par:
            continue
        shortfall = par - row["quantity"]
        lines.append(OrderLine(sku=row["sku"], quantity=-(-shortfall // 5) * 5))
    return lines
