"""Nightly job that pushes finalised invoices from the billing database to the accounting platform."""
import logging
import os
from dataclasses import dataclass
from datetime import date, timedelta

import requests
from celery import shared_task
from sqlalchemy import select

from .db import SessionLocal
from .models import Customer, Invoice

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountingSettings:
    base_url: str = os.environ.get("ACCOUNTING_API_URL", "https://api.ledgerly.example/v2")
    token: str = os.environ.get("ACCOUNTING_API_TOKEN", "")
    timeout: tuple = (3.05, 20)


settings = AccountingSettings()


def _session():
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {settings.token}"
    return http


def push_invoice(http, invoice, customer):
    resp = http.put(  # ok: REL001
        f"{settings.base_url}/invoices/{invoice.number}",
        json={
            "customer_id": customer.external_id,
            "total_cents": invoice.total_cents,
            "due_date": invoice.due_date.isoformat(),
            "status": invoice.status,
        },
        timeout=settings.timeout,
    )
    resp.raise_for_status()
    return resp.json()["id"]


@shared_task(name="billing.export_invoices")
def export_invoices(days_back: int = 1):
    since = date.today() - timedelta(days=days_back)
    with SessionLocal() as session, _session() as http:
        invoices = session.scalars(
            select(Invoice).where(Invoice.finalized_at >= since, Invoice.external_id.is_(None)).limit(5000)
        ).all()
        customer_ids = {inv.customer_id for inv in invoices}
        customers = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))}  # ok: DB001

        for invoice in invoices:
            invoice.external_id = push_invoice(http, invoice, customers[invoice.customer_id])
        session.commit()  # ok: DB003

    logger.info("exported %s invoices", len(invoices))
    return {"exported": len(invoices)}
