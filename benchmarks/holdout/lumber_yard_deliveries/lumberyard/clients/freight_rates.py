"""Client for HaulQuote, the third-party carrier we use for out-of-area loads.

Reads are retried by urllib3 with backoff; booking a pickup is a POST that the
carrier deduplicates on our Idempotency-Key, so a repeated booking after a
timeout returns the original pickup instead of sending a second truck.
"""
import logging
from dataclasses import dataclass
from decimal import Decimal

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 15)


@dataclass(frozen=True)
class FreightQuote:
    carrier: str
    price: Decimal
    transit_days: int
    quote_id: str


class FreightRatesClient:
    def __init__(self, base_url: str, token: str, timeout=DEFAULT_TIMEOUT):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})
        retry = Retry(
            total=3,
            backoff_factor=0.5,
            status_forcelist=(429, 502, 503, 504),
            allowed_methods=frozenset({"GET", "POST"}),
            respect_retry_after_header=True,
        )
        self.session.mount("https://", HTTPAdapter(max_retries=retry))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.session.close()

    def quotes(self, origin_zip: str, dest_zip: str, weight_lb: int) -> list[FreightQuote]:
        resp = self.session.get(  # ok: REL001
            f"{self.base_url}/quotes",
            params={"origin": origin_zip, "destination": dest_zip, "weight_lb": weight_lb},
            timeout=self.timeout,
        )
        resp.raise_for_status()
        return [
            FreightQuote(
                carrier=q["carrier"],
                price=Decimal(str(q["price"])),
                transit_days=int(q["transit_days"]),
                quote_id=q["id"],
            )
            for q in resp.json().get("quotes", [])[:20]
        ]

    def book_pickup(self, order_id: int, quote_id: str, pickup_date: str) -> str:
        """Book the carrier for an order; safe to call again for the same order."""
        resp = self.session.post(  # ok: REL003
            f"{self.base_url}/pickups",
            json={"quote_id": quote_id, "pickup_date": pickup_date, "reference": f"LYD-{order_id}"},
            headers={"Idempotency-Key": f"lumberyard-order-{order_id}-pickup"},
            timeout=self.timeout,
        )
        resp.raise_for_status()
        pickup_id = resp.json()["pickup_id"]
        logger.info("booked carrier pickup %s for order %s", pickup_id, order_id)
        return pickup_id
