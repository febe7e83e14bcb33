"""Client for the wholesale supplier's restock API (frames, foundation, jars, fondant)."""
import logging
from datetime import date

import requests
from celery import shared_task
from django.conf import settings
from django.db.models import F

from shop.models import Product

logger = logging.getLogger(__name__)


class SupplierError(Exception):
    pass


class SupplierClient:
    def __init__(self, base_url=None, api_key=None, account=None):
        self.base_url = (base_url or settings.SUPPLIER_API_BASE).rstrip("/")
        self.account = account or settings.SUPPLIER_ACCOUNT
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {api_key or settings.SUPPLIER_API_KEY}",
                "Accept": "application/json",
                "User-Agent": "hive-harvest-coop/1.0",
            }
        )

    def close(self):
        self.session.close()

    def stock_levels(self, supplier_codes):
        resp = self.session.get(
            f"{self.base_url}/stock",
            params={"codes": ",".join(supplier_codes)},
            timeout=10,
        )
        resp.raise_for_status()
        return {item["code"]: item["available"] for item in resp.json()["items"]}

    def place_restock_order(self, lines, reference):
        payload = {
            "account": self.account,
            "reference": reference,
            "deliver_to": "Hive & Harvest Co-op, Unit 4 Mill Lane",
            "lines": [{"code": code, "qty": qty} for code, qty in lines],
        }
        logger.info("supplier restock %s headers=%s payload=%s", reference, dict(self.session.headers), payload)  # expect: SEC007
        resp = self.session.post(f"{self.base_url}/orders", json=payload)  # expect: REL001
        if resp.status_code == 409:
            # Supplier already has an order with this reference.
            return resp.json()["order_number"]
        if resp.status_code >= 400:
            raise SupplierError(f"restock {reference} rejected: {resp.status_code} {resp.text[:200]}")
        return resp.json()["order_number"]


def _restock_quantity(product):
    return max(product.reorder_level * 3 - product.stock_on_hand, product.reorder_level)


@shared_task
def restock_low_stock():
    low = list(
        Product.objects.filter(is_active=True, stock_on_hand__lte=F("reorder_level"))
        .exclude(supplier_code="")
        .only("pk", "sku", "supplier_code", "stock_on_hand", "reorder_level")[:200]
    )
    if not low:
        return None

    reference = f"HH-RESTOCK-{date.today():%Y%m%d}"
    lines = [(p.supplier_code, _restock_quantity(p)) for p in low]
    client = SupplierClient()
    try:
        order_number = client.place_restock_order(lines, reference)
    except Exception as exc:
        logger.error("restock order %s failed: %s", reference, exc)  # expect: OBS002
        return None
    finally:
        client.close()

    logger.info("restock order %s placed as %s (%d lines)", reference, order_number, len(lines))
    return order_number
