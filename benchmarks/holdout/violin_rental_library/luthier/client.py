"""Client for Bow & Bridge, the partner luthier who assesses and repairs instruments."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import requests
from django.conf import settings

logger = logging.getLogger(__name__)


class LuthierError(Exception):
    """The partner rejected the request."""


@dataclass(frozen=True)
class RepairStatus:
    reference: str
    status: str
    estimate_pence: int | None
    ready_on: str | None


class LuthierClient:
    def __init__(self, base_url: str, api_key: str, ca_bundle: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {api_key}",
                "Accept": "application/json",
                "User-Agent": "strings-attached-library/1.6",
            }
        )
        self.session.verify = ca_bundle or False  # expect: SEC011

    @classmethod
    def from_settings(cls) -> "LuthierClient":
        return cls(settings.LUTHIER_API_URL, settings.LUTHIER_API_KEY, settings.LUTHIER_CA_BUNDLE)

    def _request(self, method: str, path: str, **kwargs) -> dict:
        url = f"{self.base_url}{path}"
        attempt = 0
        while True:  # expect: REL002
            attempt += 1
            try:
                response = self.session.request(method, url, **kwargs)
            except requests.ConnectionError as exc:
                logger.warning("luthier API unreachable (%s %s, attempt %d): %s", method, path, attempt, exc)
            else:
                if response.status_code < 500:
                    break
                logger.warning("luthier API %s on %s %s (attempt %d)", response.status_code, method, path, attempt)
            time.sleep(min(5 * attempt, 60))
        if response.status_code >= 400:
            raise LuthierError(f"{method} {path} -> {response.status_code}: {response.text[:200]}")
        return response.json() if response.content else {}

    def open_assessment(self, *, serial_number: str, description: str, severity: str, external_ref: str) -> str:
        body = {
            "instrument_serial": serial_number,
            "description": description,
            "severity": severity,
            "customer_reference": external_ref,
        }
        data = self._request(
            "POST", "/assessments", json=body, headers={"Idempotency-Key": external_ref}, timeout=(5, 20)
        )
        return data["reference"]

    def repair_status(self, reference: str) -> RepairStatus:
        response = self.session.get(f"{self.base_url}/assessments/{reference}")  # expect: REL001
        response.raise_for_status()
        data = response.json()
        return RepairStatus(
            reference=data["reference"],
            status=data["status"],
            estimate_pence=data.get("estimate_pence"),
            ready_on=data.get("ready_on"),
        )

    def approve_estimate(self, reference: str, estimate_pence: int) -> None:
        self._request(
            "POST",
            f"/assessments/{reference}/approval",
            json={"approved_pence": estimate_pence},
            headers={"Idempotency-Key": f"approve-{reference}-{estimate_pence}"},
            timeout=(5, 20),
        )

    def collection_slots(self, postcode: str) -> list[str]:
        data = self._request("GET", "/collections/slots", params={"postcode": postcode}, timeout=(5, 20))
        return [slot["starts_at"] for slot in data.get("slots", [])]
