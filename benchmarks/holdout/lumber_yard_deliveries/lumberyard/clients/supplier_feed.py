"""Client for Cascade Mill's supplier price feed.

The mill publishes a price sheet every weekday around 05:00 Pacific. The feed
is paginated with an opaque cursor and is rate limited (HTTP 429) per key.
"""
import datetime as dt
import logging
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator

import requests

logger = logging.getLogger(__name__)

RETRY_STATUSES = {429, 502, 503, 504}
MAX_BACKOFF_SECONDS = 60


@dataclass(frozen=True)
class PriceQuote:
    sku: str
    description: str
    unit_price: Decimal
    bulk_price: Decimal | None
    bulk_threshold: int | None


class SupplierFeedError(Exception):
    pass


class SupplierFeedClient:
    def __init__(self, base_url: str, api_key: str):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update({"X-Api-Key": api_key, "Accept": "application/json"})

    def _get(self, path: str, params: dict | None = None) -> dict:
        delay = 1.0
        while True:  # expect: REL002
            try:
                resp = self.session.get(f"{self.base_url}{path}", params=params)  # expect: REL001
            except requests.ConnectionError:
                logger.warning("supplier feed unreachable, retrying in %.0fs", delay)
                time.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)
                continue
            if resp.status_code in RETRY_STATUSES:
                logger.warning("supplier feed %s returned %s, retrying", path, resp.status_code)
                time.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)
                continue
            if resp.status_code >= 400:
                raise SupplierFeedError(f"{path} returned {resp.status_code}: {resp.text[:200]}")
            return resp.json()

    def iter_price_sheet(self, effective: dt.date) -> Iterator[PriceQuote]:
        """Yield every quote on the sheet for the given day, page by page."""
        cursor = None
        while True:
            params = {"effective": effective.isoformat(), "page_size": 500}
            if cursor:
                params["cursor"] = cursor
            page = self._get("/price-sheets", params)
            for item in page.get("items", []):
                yield PriceQuote(
                    sku=item["sku"],
                    description=item.get("description", ""),
                    unit_price=Decimal(str(item["unit_price"])),
                    bulk_price=Decimal(str(item["bulk_price"])) if item.get("bulk_price") else None,
                    bulk_threshold=item.get("bulk_threshold"),
                )
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def raw_price_sheet(self, effective: dt.date) -> list[dict]:
        """The sheet as the mill sends it, for the price-sync job's own parsing."""
        items: list[dict] = []
        cursor = None
        while True:
            params = {"effective": effective.isoformat(), "page_size": 500}
            if cursor:
                params["cursor"] = cursor
            page = self._get("/price-sheets", params)
            items.extend(page.get("items", []))
            cursor = page.get("next_cursor")
            if not cursor:
                return items

    def close(self) -> None:
        self.session.close()
