"""Pays approved payslips through the corporate bank's transfer API, one Celery task per payslip."""

import logging
import os
from decimal import Decimal

import requests
from celery import shared_task
from sqlalchemy import select, update

from .db import SessionLocal
from .models import Payslip

logger = logging.getLogger(__name__)

BANK_API = "https://api.corporate-bank.example.com/v2"
BANK_TIMEOUT = (3.05, 20)


def _bank_session() -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {os.environ['BANK_API_TOKEN']}"  # ok: SEC005
    return session


@shared_task
def schedule_period(period: str) -> int:
    with SessionLocal() as db:
        ids = db.scalars(select(Payslip.id).where(Payslip.period == period, Payslip.status == "approved")).all()
    for payslip_id in ids:
        pay_payslip.delay(payslip_id)
    logger.info("period %s: %d payslips queued for payment", period, len(ids))
    return len(ids)


@shared_task(
    bind=True,
    autoretry_for=(requests.ConnectionError, requests.Timeout),
    max_retries=5,
    retry_backoff=True,
    retry_jitter=True,
)
def pay_payslip(self, payslip_id: int) -> None:
    with SessionLocal() as db:
        claim = (
            update(Payslip)
            .where(Payslip.id == payslip_id, Payslip.status.in_(("approved", "sending")))
            .values(status="sending")
        )
        claimed = db.execute(claim).rowcount
        db.commit()
        if claimed == 0:  # ok: DB005
            logger.info("payslip %s is already paid or not approved; nothing to do", payslip_id)
            return

        payslip = db.get(Payslip, payslip_id)
        body = {
            "creditor_iban": payslip.employee.iban,
            "creditor_name": payslip.employee.full_name,
            "amount": str(payslip.net_amount.quantize(Decimal("0.01"))),
            "currency": "EUR",
            "reference": f"Salary {payslip.period}",
        }
        with _bank_session() as bank:
            resp = bank.post(  # ok: REL003
                f"{BANK_API}/transfers",
                json=body,
                headers={"Idempotency-Key": f"payslip-{payslip.id}"},
                timeout=BANK_TIMEOUT,
            )
        resp.raise_for_status()
        payslip.status = "paid"
        payslip.bank_reference = resp.json()["transfer_id"]
        db.commit()
        logger.info("payslip %s paid, bank reference %s", payslip.id, payslip.bank_reference)
