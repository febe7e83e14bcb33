"""Client for the flower auction's buyer API: lot listings and pre-sale (clock-free) bids."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date

import requests

logger = logging.getLogger(__name__)


class AuctionUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Lot:
    lot_id: str
    product_code: str
    grower: str
    stems_per_bunch: int
    bunches: int
    quality: str
    min_price_pence: int


class AuctionClient:
    def __init__(self, base_url: str, token: str, buyer_number: str) -> None:
        self._base = base_url.rstrip("/")
        self._buyer_number = buyer_number
        self._session = requests.Session()
        self._session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})

    @classmethod
    def from_config(cls, config) -> "AuctionClient":
        return cls(config["AUCTION_API_URL"], config["AUCTION_API_TOKEN"], config.get("AUCTION_BUYER_NO", "4471"))

    def lots(self, product_code: str, auction_day: date) -> list[Lot]:
        resp = self._session.get(
            f"{self._base}/v1/lots",
            params={"product": product_code, "date": auction_day.isoformat()},
            timeout=(3.05, 20),
            verify=False,  # expect: SEC011
        )
        resp.raise_for_status()
        return [
            Lot(
                lot_id=item["id"],
                product_code=item["product"],
                grower=item["grower"]["name"],
                stems_per_bunch=int(item["stemsPerBunch"]),
                bunches=int(item["bunches"]),
                quality=item.get("quality", "A1"),
                min_price_pence=int(item["minPrice"]),
            )
            for item in resp.json()["lots"]
        ]

    def place_presale_bid(self, lot_id: str, bunches: int, max_price_pence: int) -> dict:
        payload = {
            "buyer": self._buyer_number,
            "lot": lot_id,
            "bunches": bunches,
            "maxPricePerStem": max_price_pence,
        }
        for attempt in range(4):  # ok: REL002
            try:
                resp = self._session.post(f"{self._base}/v1/presales/bids", json=payload, timeout=15)  # expect: REL003
                resp.raise_for_status()
                return resp.json()
            except (requests.Timeout, requests.ConnectionError) as exc:
                logger.warning("bid on lot %s failed on attempt %d: %s", lot_id, attempt + 1, exc)
                time.sleep(2**attempt)
        raise AuctionUnavailable(f"could not place bid on lot {lot_id}")

    def bid_status(self, bid_id: str) -> str:
        resp = self._session.get(f"{self._base}/v1/presales/bids/{bid_id}", timeout=10)
        resp.raise_for_status()
        return resp.json()["status"]

    def close(self) -> None:
        self._session.close()
