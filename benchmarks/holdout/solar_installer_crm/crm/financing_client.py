import logging
import os

import requests
from tenacity import (
    retry,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

logger = logging.getLogger(__name__)

FINANCING_API_URL = os.environ.get("FINANCING_API_URL", "https://api.sunlend.example/partner")
TIMEOUT = (3.05, 20)


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
        return True
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return exc.response.status_code in (429, 502, 503, 504)
    return False


class FinancingClient:
    def __init__(self, api_key: str | None = None, base_url: str = FINANCING_API_URL):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["X-Api-Key"] = api_key or os.environ.get("FINANCING_API_KEY", "")

    def close(self) -> None:
        self.session.close()

    @retry(
        retry=retry_if_exception(_retryable),
        stop=(stop_after_attempt(4) | stop_after_delay(45)),  # ok: REL002
        wait=wait_exponential_jitter(initial=1, max=10),
        reraise=True,
    )
    def submit_application(self, quote_id: int, payload: dict) -> dict:
        resp = self.session.post(
            f"{self.base_url}/v2/applications",
            json={**payload, "partner_reference": f"quote-{quote_id}"},
            headers={"Idempotency-Key": f"solar-crm-quote-{quote_id}"},  # ok: REL003
            timeout=TIMEOUT,
        )
        resp.raise_for_status()
        return resp.json()

    @retry(
        retry=retry_if_exception(_retryable),
        stop=stop_after_attempt(3),
        wait=wait_exponential_jitter(initial=0.5, max=5),
        reraise=True,
    )
    def application_status(self, application_id: str) -> dict:
        resp = self.session.get(f"{self.base_url}/v2/applications/{application_id}", timeout=TIMEOUT)
        resp.raise_for_status()
        return resp.json()

    def prequalify(self, credit_band: str, amount_cents: int, term_months: int) -> list[dict]:
        try:
            resp = self.session.get(
                f"{self.base_url}/v2/offers",
                params={"band": credit_band, "amount_cents": amount_cents, "term": term_months},
                timeout=TIMEOUT,
            )
            resp.raise_for_status()
        except requests.RequestException:
            logger.warning("prequalification offers unavailable for %s/%s", credit_band, term_months, exc_info=True)
            return []
        return resp.json().get("offers", [])
