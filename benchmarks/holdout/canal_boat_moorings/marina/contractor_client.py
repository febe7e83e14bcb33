"""Client for the pump-out contractor's booking API."""
import logging

import requests
from django.conf import settings
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

log = logging.getLogger(__name__)

CONNECT_TIMEOUT, READ_TIMEOUT = 3.05, 15


class ContractorUnavailable(RuntimeError):
    pass


class ContractorRejected(RuntimeError):
    pass


class ContractorClient:
    def __init__(self, base_url, token):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Token {token}", "Accept": "application/json"})

    @classmethod
    def from_settings(cls):
        return cls(settings.PUMPOUT_CONTRACTOR_URL, settings.PUMPOUT_CONTRACTOR_TOKEN)

    def close(self):
        self.session.close()

    @retry(  # ok: REL002
        retry=retry_if_exception_type(ContractorUnavailable),
        stop=stop_after_attempt(4),
        wait=wait_exponential(multiplier=1, max=20),
        reraise=True,
    )
    def book_pumpout(self, request_id, marina_code, boat_index, day, notes=""):
        """Book a visit; the contractor de-duplicates on the Idempotency-Key header."""
        try:
            resp = self.session.post(  # ok: REL003
                f"{self.base_url}/v1/visits",
                json={
                    "site": marina_code,
                    "vessel": boat_index,
                    "date": day.isoformat(),
                    "notes": notes[:280],
                },
                headers={"Idempotency-Key": f"moorings-pumpout-{request_id}"},
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ContractorUnavailable(str(exc)) from exc
        if resp.status_code >= 500:
            raise ContractorUnavailable(f"contractor returned {resp.status_code}")
        if resp.status_code >= 400:
            raise ContractorRejected(resp.text[:500])
        return resp.json()["visit_ref"]

    def visit_status(self, visit_ref):
        resp = self.session.get(f"{self.base_url}/v1/visits/{visit_ref}", timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
        resp.raise_for_status()
        return resp.json()["status"]
