"""Monthly tuition invoices and card collection."""
from __future__ import annotations

import logging
import secrets
import time
from datetime import date

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.models import Child, Enrollment, Invoice, Parent
from app.settings import get_settings

log = logging.getLogger(__name__)

SIBLING_DISCOUNT_PCT = 10
MAX_CHARGE_ATTEMPTS = 4


def _sibling_discount(session: Session, parent_id: int) -> int:
    enrolled = session.scalar(
        select(func.count(Enrollment.id))
        .join(Child, Child.id == Enrollment.child_id)
        .where(Child.parent_id == parent_id, Enrollment.active.is_(True))
    )
    return SIBLING_DISCOUNT_PCT if (enrolled or 0) > 1 else 0


def generate_monthly_invoices(session: Session, period: date) -> int:
    """Create one invoice per active enrollment for the month starting at ``period``."""
    already = set(session.scalars(select(Invoice.enrollment_id).where(Invoice.period == period)))
    enrollments = session.scalars(
        select(Enrollment)
        .where(Enrollment.active.is_(True))
        .options(selectinload(Enrollment.child))
        .order_by(Enrollment.id)
    ).all()
    created = 0
    for enrollment in enrollments:
        if enrollment.id in already:
            continue
        parent_id = enrollment.child.parent_id
        discount = _sibling_discount(session, parent_id)  # expect: DB001
        amount = enrollment.monthly_fee_cents * (100 - discount) // 100
        session.add(
            Invoice(
                public_id=secrets.token_hex(8),
                parent_id=parent_id,
                enrollment_id=enrollment.id,
                period=period,
                amount_cents=amount,
                status="open",
            )
        )
        session.commit()  # expect: DB003
        created += 1
    log.info("generated %d invoices for %s", created, period.isoformat())
    return created


def charge_invoice(session: Session, invoice: Invoice, customer_email: str) -> None:
    settings = get_settings()
    payload = {
        "amount": invoice.amount_cents,
        "currency": "EUR",
        "customer": customer_email,
        "description": f"Tuition {invoice.period:%B %Y}",
        "metadata": {"invoice": invoice.public_id},
    }
    headers = {"Authorization": f"Bearer {settings.payments_api_key}"}
    last_error: Exception | None = None
    for attempt in range(1, MAX_CHARGE_ATTEMPTS + 1):
        try:
            resp = httpx.post(f"{settings.payments_base_url}/v1/charges", json=payload, headers=headers, timeout=15.0)  # expect: REL003
            resp.raise_for_status()
            break
        except (httpx.TransportError, httpx.HTTPStatusError) as exc:
            last_error = exc
            log.warning("charge attempt %d for invoice %s failed: %s", attempt, invoice.public_id, exc)
            time.sleep(2 ** attempt)
    else:
        invoice.status = "failed"
        session.commit()
        raise RuntimeError(f"could not charge invoice {invoice.public_id}") from last_error
    invoice.status = "paid"
    invoice.provider_ref = resp.json()["id"]
    session.commit()


def collect_open_invoices(session: Session, period: date, batch_size: int = 100) -> int:
    rows = session.execute(
        select(Invoice, Parent.email)
        .join(Parent, Parent.id == Invoice.parent_id)
        .where(Invoice.period == period, Invoice.status == "open")
        .order_by(Invoice.id)
        .limit(batch_size)
    ).all()
    for invoice, email in rows:
        charge_invoice(session, invoice, email)
    return len(rows)
