"""Card collection for tuition invoices.

An invoice is moved to "processing" under a row lock before the provider is
called, and every attempt for that invoice carries the same idempotency key,
so a retry after a timeout, a second worker or a re-run job cannot bill twice.
"""
from __future__ import annotations

import logging
import random
import time
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Invoice, Parent
from app.settings import get_settings

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRYABLE_STATUS = {429, 502, 503, 504}


class PaymentDeclined(Exception):
    pass


def _post_charge(client: httpx.Client, payload: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
    delay = 0.5
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            resp = client.post("/v1/charges", json=payload, headers={"Idempotency-Key": idempotency_key})  # ok: REL003
        except httpx.TransportError:
            if attempt == MAX_ATTEMPTS:
                raise
            log.warning("charge transport error, retrying", extra={"attempt": attempt, "key": idempotency_key})
        else:
            if resp.status_code == 402:
                raise PaymentDeclined(resp.json().get("decline_code", "declined"))
            if resp.status_code not in RETRYABLE_STATUS or attempt == MAX_ATTEMPTS:
                resp.raise_for_status()
                return resp.json()
        time.sleep(delay + random.uniform(0, delay))  # ok: SEC010
        delay *= 2
    raise RuntimeError("unreachable")


def settle_invoice(session: Session, invoice_id: int) -> str:
    settings = get_settings()
    row = session.execute(
        select(Invoice, Parent.email)
        .join(Parent, Parent.id == Invoice.parent_id)
        .where(Invoice.id == invoice_id)
        .with_for_update(of=Invoice)
    ).first()
    if row is None:
        raise LookupError(f"invoice {invoice_id} not found")
    invoice, email = row
    if invoice.status not in {"open", "processing"}:
        session.rollback()
        return invoice.status
    invoice.status = "processing"
    session.commit()

    payload = {
        "amount": invoice.amount_cents,
        "currency": "EUR",
        "customer": email,
        "description": f"Tuition {invoice.period:%B %Y}",
        "metadata": {"invoice": invoice.public_id},
    }
    client = httpx.Client(
        base_url=settings.payments_base_url,
        timeout=httpx.Timeout(settings.http_timeout_seconds, connect=3.0),
        headers={"Authorization": f"Bearer {settings.payments_api_key}"},
    )
    try:
        charge = _post_charge(client, payload, idempotency_key=f"tuition-{invoice.public_id}")
    except PaymentDeclined as exc:
        invoice.status = "declined"
        session.commit()
        log.info("invoice declined", extra={"invoice": invoice.public_id, "reason": str(exc)})
        return invoice.status
    finally:
        client.close()

    invoice.status = "paid"
    invoice.provider_ref = charge["id"]
    session.commit()
    log.info("invoice paid", extra={"invoice": invoice.public_id, "charge": charge["id"]})
    return invoice.status
