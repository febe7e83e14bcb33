"""Collects the booking deposit when a customer accepts a charter quote."""
import logging
from dataclasses import dataclass

import requests
from flask import current_app
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.05
READ_TIMEOUT = 20


class DepositDeclined(Exception):
    pass


@dataclass(frozen=True)
class Deposit:
    charge_id: str
    amount_cents: int


def _session() -> requests.Session:
    retry = Retry(
        total=3,
        connect=3,
        read=2,
        backoff_factor=0.5,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET", "POST"}),
        respect_retry_after_header=True,
    )
    s = requests.Session()
    s.mount("https://", HTTPAdapter(max_retries=retry))
    return s


_http = _session()


def collect_deposit(quote_id: int, customer_email: str, payment_token: str, amount_cents: int) -> Deposit:
    """Charge the deposit; the quote id makes a retried or double-submitted charge a no-op."""
    cfg = current_app.config
    resp = _http.post(  # ok: REL003
        f"{cfg['DEPOSIT_API_URL']}/charges",
        json={
            "amount": amount_cents,
            "currency": "cad",
            "source": payment_token,
            "receipt_email": customer_email,
            "description": f"Charter deposit, quote Q-{quote_id}",
            "metadata": {"quote_id": quote_id},
        },
        headers={
            "Authorization": f"Bearer {cfg['DEPOSIT_API_KEY']}",
            "Idempotency-Key": f"charter-deposit-{quote_id}",
        },
        timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
    )
    if resp.status_code == 402:
        reason = resp.json().get("error", {}).get("message", "card declined")
        logger.info("deposit declined for quote %s: %s", quote_id, reason)
        raise DepositDeclined(reason)
    resp.raise_for_status()
    body = resp.json()
    logger.info("deposit %s collected for quote %s", body["id"], quote_id)
    return Deposit(charge_id=body["id"], amount_cents=body["amount"])


def refund_deposit(charge_id: str, quote_id: int) -> None:
    cfg = current_app.config
    resp = _http.post(
        f"{cfg['DEPOSIT_API_URL']}/refunds",
        json={"charge": charge_id},
        headers={
            "Authorization": f"Bearer {cfg['DEPOSIT_API_KEY']}",
            "Idempotency-Key": f"charter-deposit-refund-{quote_id}",
        },
        timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
    )
    resp.raise_for_status()
    logger.info("deposit %s refunded for quote %s", charge_id, quote_id)
