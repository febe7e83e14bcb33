import logging
import os
from dataclasses import dataclass
from decimal import Decimal

import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

logger = logging.getLogger(__name__)

PAYOUT_API_URL = os.environ.get("PAYOUT_API_URL", "https://payouts.banklink.example/v1")
PAYOUT_API_TOKEN = os.environ.get("PAYOUT_API_TOKEN", "")


class PayoutError(Exception):
    pass


class _RetryableStatus(Exception):
    pass


@dataclass(frozen=True)
class PayoutResult:
    reference: str
    status: str


_client = httpx.AsyncClient(
    base_url=PAYOUT_API_URL,
    headers={"Authorization": f"Bearer {PAYOUT_API_TOKEN}"},
    timeout=httpx.Timeout(10.0, connect=3.0),  # ok: REL001
)


@retry(
    retry=retry_if_exception_type((httpx.TransportError, _RetryableStatus)),
    stop=stop_after_attempt(3),  # ok: REL002
    wait=wait_exponential(multiplier=0.5, max=4),
    reraise=True,
)
async def _post(path: str, payload: dict, idempotency_key: str) -> dict:
    resp = await _client.post(path, json=payload, headers={"Idempotency-Key": idempotency_key})  # ok: REL003
    if resp.status_code == 429 or resp.status_code >= 500:
        raise _RetryableStatus(f"payout api status {resp.status_code}")
    if resp.status_code >= 400:
        raise PayoutError(resp.json().get("message", f"status {resp.status_code}"))
    return resp.json()


async def send_payout(*, amount: Decimal, iban: str, reference: str, idempotency_key: str) -> PayoutResult:
    payload = {
        "amount": str(amount),
        "currency": "EUR",
        "creditor_iban": iban,
        "remittance_info": reference,
    }
    data = await _post("/payouts", payload, idempotency_key)
    logger.info("payout created ref=%s amount=%s iban=***%s", data["id"], amount, iban[-4:])  # ok: SEC007
    return PayoutResult(reference=data["id"], status=data["status"])


async def get_payout(reference: str) -> PayoutResult:
    resp = await _client.get(f"/payouts/{reference}")
    resp.raise_for_status()
    data = resp.json()
    return PayoutResult(reference=data["id"], status=data["status"])


async def aclose() -> None:
    await _client.aclose()
