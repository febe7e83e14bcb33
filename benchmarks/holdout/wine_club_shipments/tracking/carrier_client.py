"""Client for the Parcelline carrier API (tracking lookups and shipping labels)."""
import logging

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.05
READ_TIMEOUT = 10


class CarrierUnavailable(Exception):
    """The carrier API could not be reached or returned a server error."""


class CarrierClient:
    def __init__(self, base_url=None, token=None, session=None):
        self.base_url = (base_url or settings.CARRIER_API_BASE).rstrip("/")
        self._token = token or settings.CARRIER_API_TOKEN
        self.session = session or self._build_session()

    @staticmethod
    def _build_session():
        retry = Retry(  # ok: REL002
            total=3,
            backoff_factor=0.5,
            status_forcelist=(429, 502, 503, 504),
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True,
        )
        session = requests.Session()
        session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=10))
        return session

    def _headers(self, extra=None):
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        headers.update(extra or {})
        return headers

    def _request(self, method, path, **kwargs):
        try:
            resp = self.session.request(
                method,
                f"{self.base_url}{path}",
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),  # ok: REL001
                **kwargs,
            )
            resp.raise_for_status()
        except requests.RequestException as exc:
            raise CarrierUnavailable(f"{method} {path} failed") from exc
        return resp.json()

    def tracking(self, tracking_number):
        return self._request("GET", f"/tracking/{tracking_number}", headers=self._headers())

    def create_label(self, shipment, address):
        """Labels are billed per call, so the shipment id doubles as the idempotency key."""
        body = {
            "reference": f"shipment-{shipment.pk}",
            "to": {
                "line1": address.line1,
                "line2": address.line2,
                "city": address.city,
                "region": address.region,
                "postal_code": address.postal_code,
            },
            "service": "ground_adult_signature",
        }
        extra = {"Idempotency-Key": f"label-shipment-{shipment.pk}"}
        return self._request("POST", "/labels", json=body, headers=self._headers(extra))  # ok: REL003


def refresh_shipment_tracking(shipment, client=None):
    """Fetch the latest carrier status; returns None when the carrier is unavailable."""
    from tracking.webhooks import apply_carrier_status

    client = client or CarrierClient()
    try:
        data = client.tracking(shipment.tracking_number)
    except CarrierUnavailable:
        logger.warning("carrier tracking unavailable for shipment %s", shipment.pk, exc_info=True)
        return None
    apply_carrier_status(shipment, data["status"], data.get("last_event_at"))
    return data
