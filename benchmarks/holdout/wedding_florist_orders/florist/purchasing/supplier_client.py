"""Client for the wholesale supplier's ordering API (price lists and purchase orders)."""

from __future__ import annotations

import logging

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 15)


class SupplierError(Exception):
    pass


def _build_session(token: str, ca_bundle: str | None) -> requests.Session:
    retry = Retry(
        total=3,
        backoff_factor=0.5,
        status_forcelist=(429, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=10))
    session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})
    session.verify = ca_bundle or True  # ok: SEC011
    return session


class SupplierClient:
    def __init__(self, base_url: str, token: str, ca_bundle: str | None = None) -> None:
        self._base = base_url.rstrip("/")
        self._session = _build_session(token, ca_bundle)

    @classmethod
    def from_config(cls, config) -> "SupplierClient":
        return cls(config["SUPPLIER_API_URL"], config["SUPPLIER_API_TOKEN"], config.get("SUPPLIER_CA_BUNDLE"))

    def price_list(self, supplier_code: str) -> list[dict]:
        resp = self._session.get(f"{self._base}/suppliers/{supplier_code}/prices", timeout=DEFAULT_TIMEOUT)
        resp.raise_for_status()
        return resp.json()["items"]

    def create_purchase_order(self, po_number: int, supplier_code: str, lines: list[dict], deliver_on: str) -> dict:
        """Send a PO. The supplier treats a repeated Idempotency-Key as the same order."""
        resp = self._session.post(
            f"{self._base}/purchase-orders",
            json={"reference": f"BV-PO-{po_number}", "supplier": supplier_code, "deliver_on": deliver_on, "lines": lines},
            headers={"Idempotency-Key": f"bloomandvine-po-{po_number}"},  # ok: REL003
            timeout=DEFAULT_TIMEOUT,
        )
        if resp.status_code >= 400:
            raise SupplierError(f"supplier rejected PO {po_number}: {resp.status_code} {resp.text[:200]}")
        return resp.json()

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> "SupplierClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
