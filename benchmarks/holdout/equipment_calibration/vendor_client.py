"""HTTP client for calibration vendors' booking APIs."""
from __future__ import annotations

import logging
from datetime import datetime

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.05
READ_TIMEOUT = 15


class VendorAPIError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"vendor API returned {status}: {detail}")
        self.status = status


def _build_session(api_key: str) -> requests.Session:
    session = requests.Session()
    retry = Retry(
        total=3,
        backoff_factor=0.5,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET", "POST", "DELETE"}),
        raise_on_status=False,
    )
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers.update({"Authorization": f"Bearer {api_key}", "Accept": "application/json"})
    return session


class VendorClient:
    """One client per vendor; use as a context manager so the session is closed."""

    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = _build_session(api_key)

    def __enter__(self) -> "VendorClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.session.close()

    def _check(self, resp: requests.Response) -> dict:
        if resp.status_code >= 400:
            raise VendorAPIError(resp.status_code, resp.text[:200])
        return resp.json() if resp.content else {}

    def create_booking(self, *, instrument_serial: str, slot_start: datetime, lab_code: str, request_ref: str) -> dict:
        """Book a service slot; ``request_ref`` is our booking id, reused on retries."""
        resp = self.session.post(
            f"{self.base_url}/bookings",
            json={"serial_no": instrument_serial, "slot_start": slot_start.isoformat(), "site": lab_code},
            headers={"Idempotency-Key": request_ref},  # ok: REL003
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),  # ok: REL001
        )
        return self._check(resp)

    def get_booking(self, booking_ref: str) -> dict:
        resp = self.session.get(f"{self.base_url}/bookings/{booking_ref}", timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
        return self._check(resp)

    def cancel_booking(self, booking_ref: str) -> None:
        resp = self.session.delete(f"{self.base_url}/bookings/{booking_ref}", timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
        if resp.status_code == 404:
            logger.warning("vendor booking already gone", extra={"booking_ref": booking_ref})
            return
        self._check(resp)
