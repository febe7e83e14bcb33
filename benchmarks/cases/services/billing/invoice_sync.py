"""Nightly job that pulls invoices from the accounting platform into the billing database."""
import logging
import os
from datetime import date, timedelta

import requests
from celery import shared_task
from sqlalchemy import select

from .db import SessionLocal
from .models import Customer, Invoice

logger = logging.getLogger(__name__)

ACCOUNTING_API = os.environ.get("ACCOUNTING_API_URL", "https://api.ledgerly.example/v2")


def _auth_headers():
    return {"Authorization": f"Bearer {os.environ.get('ACCOUNTING_API_TOKEN', '')}"}


def fetch_invoices(since: date):
    """Yield invoice payloads page by page from the accounting API."""
    url = f"{ACCOUNTING_API}/invoices"
    params = {"updated_since": since.isoformat(), "page_size": 200}
    while url:
        resp = requests.get(url, params=params, headers=_auth_headers())  # expect: REL001
        resp.raise_for_status()
        body = resp.json()
        yield from body["data"]
        url = body.get("next_page_url")
        params = None


@shared_task(name="billing.sync_invoices")
def sync_invoices(days_back: int = 1):
    since = date.today() - timedelta(days=days_back)
    created = updated = 0
    with SessionLocal() as session:
        for payload in fetch_invoices(since):
            customer = session.execute(  # expect: DB001
                select(Customer).where(Customer.external_id == payload["customer_id"])
            ).scalar_one_or_none()
            if customer is None:
                logger.warning("invoice %s references unknown customer %s", payload["id"], payload["customer_id"])
                continue

            invoice = session.execute(  # expect: DB001
                select(Invoice).where(Invoice.external_id == payload["id"])
            ).scalar_one_or_none()
            if invoice is None:
                invoice = Invoice(external_id=payload["id"], customer_id=customer.id)
                session.add(invoice)
                created += 1
            else:
                updated += 1
            invoice.number = payload["number"]
            invoice.total_cents = payload["total_cents"]
            invoice.status = payload["status"]
            invoice.due_date = date.fromisoformat(payload["due_date"])
            session.commit()  # expect: DB003

    logger.info("invoice sync done: %s created, %s updated", created, updated)
    return {"created": created, "updated": updated}
