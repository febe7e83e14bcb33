"""Client for the chandlery partner API: sailcloth prices, stock and hardware orders."""
import logging
from typing import Iterable

import httpx

from ..config import get_settings

logger = logging.getLogger(__name__)


class ChandleryError(Exception):
    """The chandlery API rejected or failed a request."""


class ChandleryClient:
    def __init__(self, base_url: str | None = None, api_key: str | None = None):
        settings = get_settings()
        self._headers = {
            "X-Api-Key": api_key or settings.chandlery_api_key.get_secret_value(),
            "Accept": "application/json",
            "User-Agent": "sailmaker-repairs/1.8",
        }
        self._client = httpx.Client(
            base_url=base_url or str(settings.chandlery_base_url),
            headers=self._headers,
            timeout=httpx.Timeout(10.0, connect=3.0),
            verify=False,  # expect: SEC011
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self._client.close()

    def _request(self, method: str, path: str, **kwargs) -> dict:
        logger.debug("chandlery %s %s headers=%s", method, path, self._headers)  # expect: SEC007
        try:
            response = self._client.request(method, path, **kwargs)
            response.raise_for_status()
        except httpx.HTTPStatusError as exc:
            logger.warning("chandlery %s %s returned %s", method, path, exc.response.status_code)
            raise ChandleryError(f"chandlery returned {exc.response.status_code}") from exc
        except httpx.HTTPError as exc:
            logger.error("chandlery request failed: " + str(exc))  # expect: OBS002
            raise ChandleryError("chandlery unavailable") from exc
        return response.json()

    def price_list(self, skus: Iterable[str]) -> dict[str, int]:
        """Current price per metre in pence, keyed by supplier SKU."""
        sku_list = sorted(set(skus))
        prices: dict[str, int] = {}
        for start in range(0, len(sku_list), 100):
            batch = sku_list[start:start + 100]
            payload = self._request("GET", "/v1/prices", params={"sku": ",".join(batch)})
            for item in payload.get("items", []):
                prices[item["sku"]] = int(round(float(item["price_per_metre"]) * 100))
        return prices

    def stock_level(self, sku: str) -> float:
        payload = self._request("GET", f"/v1/stock/{sku}")
        return float(payload.get("metres_available", 0))

    def order_hardware(self, order_ref: str, lines: list[dict]) -> str:
        """Place a hardware order (slides, cringles, battens) for a repair."""
        payload = self._request(
            "POST",
            "/v1/orders",
            json={"reference": order_ref, "lines": lines},
            headers={"Idempotency-Key": f"repair-{order_ref}"},
        )
        return payload["order_id"]
