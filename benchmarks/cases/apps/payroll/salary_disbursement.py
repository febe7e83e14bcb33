"""Monthly job that pays approved payslips through the corporate bank's transfer API."""

import logging
import time
from decimal import Decimal

import requests
from sqlalchemy import select

from .db import SessionLocal
from .models import Payslip

logger = logging.getLogger(__name__)

BANK_API = "https://api.corporate-bank.example.com/v2"
BANK_API_TOKEN = "cbk_live_7Qm2xR9vT4pL8sN1wZ6yB3kD"  # expect: SEC005
MAX_ATTEMPTS = 3


def _headers() -> dict:
    return {"Authorization": f"Bearer {BANK_API_TOKEN}", "Content-Type": "application/json"}


def _transfer(payslip: Payslip) -> dict:
    body = {
        "creditor_iban": payslip.employee.iban,
        "creditor_name": payslip.employee.full_name,
        "amount": str(payslip.net_amount.quantize(Decimal("0.01"))),
        "currency": "EUR",
        "reference": f"Salary {payslip.period}",
    }
    headers = _headers()
    logger.debug("bank request headers=%s body=%s", headers, body)  # expect: SEC007
    for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
        try:
            resp = requests.post(f"{BANK_API}/transfers", json=body, headers=headers, timeout=30)  # expect: REL003
            resp.raise_for_status()
            return resp.json()
        except requests.RequestException:
            logger.warning("transfer attempt %d for payslip %s failed, retrying", attempt, payslip.id)
            time.sleep(2**attempt)
    raise RuntimeError(f"bank transfer failed for payslip {payslip.id}")


def pay_period(period: str) -> int:
    paid = 0
    with SessionLocal() as session:
        payslips = session.scalars(
            select(Payslip).where(Payslip.period == period, Payslip.status == "approved")
        ).all()
        for payslip in payslips:
            try:
                receipt = _transfer(payslip)  # expect: REL004
            except Exception as exc:
                logger.error(f"payout failed for payslip {payslip.id}: {exc}")  # expect: OBS002
                continue
            payslip.status = "paid"
            payslip.bank_reference = receipt["transfer_id"]
            session.commit()  # ok: DB003
            paid += 1
    logger.info("period %s: %d of %d payslips paid", period, paid, len(payslips))
    return paid
