"""Client for the studio's card processor (CardVault REST API).

Sessions are per thread (Celery workers run with threads in production).
GET requests are retried by urllib3; POSTs are never retried here, callers
decide, and every charge takes an idempotency key.
"""
import logging
import threading

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 30
_local = threading.local()


class PaymentDeclined(Exception):
    def __init__(self, code, message=""):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def processor_session():
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        retry = Retry(total=3, backoff_factor=1, status_forcelist=(502, 503, 504),
                      allowed_methods=frozenset({"GET"}))
        session.mount("https://", HTTPAdapter(max_retries=retry))
        session.headers.update({
            "Authorization": f"Bearer {settings.CARD_PROCESSOR['ACCESS_TOKEN']}",
            "Content-Type": "application/json",
        })
        _local.session = session
    return session


def _url(path):
    return settings.CARD_PROCESSOR["BASE_URL"].rstrip("/") + path


def create_payment(*, amount_pence, card_id, customer_id, reference, idempotency_key, note=""):
    """Charge a card on file. Raises PaymentDeclined for a 402, HTTPError for anything else."""
    resp = processor_session().post(
        _url("/v2/payments"),
        json={
            "source_id": card_id,
            "customer_id": customer_id,
            "amount_money": {"amount": amount_pence, "currency": "GBP"},
            "location_id": settings.CARD_PROCESSOR["LOCATION_ID"],
            "reference_id": reference,
            "note": note,
        },
        headers={"Idempotency-Key": idempotency_key},
        timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
    )
    if resp.status_code == 402:
        error = resp.json().get("error", {})
        logger.info("payment %s declined: %s", reference, error.get("code"))
        raise PaymentDeclined(error.get("code", "declined"), error.get("message", ""))
    resp.raise_for_status()
    return resp.json()


def get_payment(payment_id):
    resp = processor_session().get(_url(f"/v2/payments/{payment_id}"), timeout=(CONNECT_TIMEOUT, 15))
    resp.raise_for_status()
    return resp.json()


def refund_payment(payment_id, amount_pence, idempotency_key):
    resp = processor_session().post(
        _url("/v2/refunds"),
        json={"payment_id": payment_id, "amount_money": {"amount": amount_pence, "currency": "GBP"}},
        headers={"Idempotency-Key": idempotency_key},
        timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
    )
    resp.raise_for_status()
    return resp.json()
