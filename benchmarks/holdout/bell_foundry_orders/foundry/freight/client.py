"""Client for the heavy-freight partner that crates and ships finished bells."""

import logging
import time
from dataclasses import dataclass
from datetime import date

import requests
from flask import current_app

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = (429, 502, 503, 504)


class FreightError(Exception):
    pass


@dataclass(frozen=True)
class Crate:
    length_cm: int
    width_cm: int
    height_cm: int
    gross_kg: float

    def as_payload(self) -> dict:
        return {
            "dimensions_cm": [self.length_cm, self.width_cm, self.height_cm],
            "gross_weight_kg": self.gross_kg,
            "handling": ["heavy_lift", "fragile_tuned_instrument"],
        }


class FreightClient:
    def __init__(self, base_url: str, api_key: str, timeout: float = 15.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "User-Agent": "bell-foundry-orders/2.4",
        })

    def close(self) -> None:
        self.session.close()

    def quote(self, crate: Crate, destination_postcode: str) -> dict:
        resp = self.session.post(
            f"{self.base_url}/quotes",
            json={"crate": crate.as_payload(), "destination": destination_postcode},
            timeout=self.timeout,
        )
        if resp.status_code >= 400:
            raise FreightError(f"quote failed with {resp.status_code}")
        return resp.json()

    def book_collection(self, order_ref: str, crate: Crate, collect_on: date, address: dict) -> dict:
        """Book a crane-equipped collection from the foundry yard."""
        payload = {
            "reference": order_ref,
            "crate": crate.as_payload(),
            "collection_date": collect_on.isoformat(),
            "delivery_address": address,
        }
        headers = {"Idempotency-Key": f"collection-{order_ref}"}  # ok: REL003
        logger.debug("freight booking request headers=%s payload=%s", dict(self.session.headers), payload)  # expect: SEC007
        attempt = 0
        while True:  # expect: REL002
            resp = self.session.post(f"{self.base_url}/shipments", json=payload, headers=headers)  # expect: REL001
            if resp.status_code in RETRYABLE_STATUS:
                attempt += 1
                time.sleep(min(2 ** attempt, 30))
                continue
            if resp.status_code >= 400:
                raise FreightError(f"collection booking failed with {resp.status_code}: {resp.text[:200]}")
            booking = resp.json()
            logger.info("collection booked", extra={"order_ref": order_ref, "shipment": booking["id"]})
            return booking

    def track(self, shipment_ref: str) -> dict:
        resp = self.session.get(f"{self.base_url}/shipments/{shipment_ref}", timeout=self.timeout)
        if resp.status_code == 404:
            raise FreightError(f"unknown shipment {shipment_ref}")
        resp.raise_for_status()
        data = resp.json()
        return {"status": data["status"], "eta": data.get("eta"), "last_scan": data.get("last_scan")}


def freight_client() -> FreightClient:
    """The client built once in create_app."""
    return current_app.extensions["freight_client"]
