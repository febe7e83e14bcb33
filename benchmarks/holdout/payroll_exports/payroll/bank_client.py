"""Client for the bank's corporate payments API (salary credit transfers)."""
import logging
import os

import requests
from tenacity import (
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_random_exponential,
)

logger = logging.getLogger(__name__)

BANK_API_URL = os.environ.get("PAYROLL_BANK_URL", "https://api.corporate-bank.example.com/v3")
BANK_API_TOKEN = os.environ.get(
    "PAYROLL_BANK_TOKEN", "cbk_live_4f1e9a7c2d8b6e3f0a5c9d1b7e2f4a6c"  # expect: SEC005
)
DEFAULT_TIMEOUT = (5, 30)


class BankError(Exception):
    pass


class TransientBankError(BankError):
    pass


def _session():
    s = requests.Session()
    s.headers.update(
        {
            "Authorization": f"Bearer {BANK_API_TOKEN}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
    )
    return s


_http = _session()


def _raise_for(resp):
    if resp.status_code in (429, 502, 503, 504):
        raise TransientBankError(f"bank returned {resp.status_code}")
    if resp.status_code >= 400:
        raise BankError(f"bank rejected request: {resp.status_code} {resp.text[:200]}")


@retry(  # expect: REL002
    retry=retry_if_exception_type((TransientBankError, requests.ConnectionError)),
    wait=wait_exponential(multiplier=1, max=60),
)
def send_transfer(debtor_account, creditor_iban, creditor_name, amount_cents, currency, reference):
    payload = {
        "debtor_account": debtor_account,
        "creditor": {"iban": creditor_iban, "name": creditor_name},
        "amount": {"value": f"{amount_cents / 100:.2f}", "currency": currency},
        "remittance_information": reference,
        "category": "SALA",
    }
    resp = _http.post(  # expect: REL003
        f"{BANK_API_URL}/payments/credit-transfers",
        json=payload,
        timeout=DEFAULT_TIMEOUT,  # ok: REL001
    )
    _raise_for(resp)
    body = resp.json()
    logger.info("bank accepted transfer %s (ref %s)", body["payment_id"], reference)
    return body["payment_id"]


@retry(
    retry=retry_if_exception_type((TransientBankError, requests.ConnectionError)),
    stop=stop_after_attempt(5),  # ok: REL002
    wait=wait_random_exponential(multiplier=0.5, max=20),
    reraise=True,
)
def transfer_status(payment_id):
    resp = _http.get(f"{BANK_API_URL}/payments/{payment_id}", timeout=DEFAULT_TIMEOUT)
    _raise_for(resp)
    return resp.json()["status"]


@retry(
    retry=retry_if_exception_type((TransientBankError, requests.ConnectionError)),
    stop=stop_after_attempt(3),
    wait=wait_exponential(multiplier=1, max=10),
    reraise=True,
)
def account_balance(account_id):
    resp = _http.get(f"{BANK_API_URL}/accounts/{account_id}/balance", timeout=DEFAULT_TIMEOUT)
    _raise_for(resp)
    data = resp.json()
    return int(round(float(data["available"]["value"]) * 100)), data["available"]["currency"]
