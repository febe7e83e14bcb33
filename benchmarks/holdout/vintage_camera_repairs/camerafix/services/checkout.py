"""Customer checkout: pay for an approved repair quote and hold its parts."""
import logging
import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from ..models import Payment, Quote, Ticket, User
from ..settings import get_settings
from .part_bins import reserve_parts

logger = logging.getLogger(__name__)
settings = get_settings()


class QuoteNotPayable(Exception):
    pass


class PaymentDeclined(Exception):
    pass


def _partner_client() -> httpx.Client:
    return httpx.Client(
        base_url=settings.payment_base_url,
        headers={"Authorization": f"Bearer {settings.payment_api_key.get_secret_value()}"},
        timeout=httpx.Timeout(settings.payment_timeout_s, connect=3.0),
    )


@retry(
    retry=retry_if_exception_type(httpx.TransportError),
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=0.5, max=8),
    reraise=True,
)
def _create_charge(client: httpx.Client, payload: dict) -> dict:
    resp = client.post("/payments", json=payload)  # expect: REL003
    if resp.status_code == 402:
        raise PaymentDeclined(resp.json().get("decline_code", "declined"))
    resp.raise_for_status()
    return resp.json()


def checkout_quote(db: Session, user: User, quote_id: int, card_token: str) -> Payment:
    quote = db.scalar(
        select(Quote)
        .join(Ticket, Ticket.id == Quote.ticket_id)
        .where(Quote.id == quote_id, Quote.status == "approved", Ticket.customer_id == user.id)
    )
    if quote is None:
        raise QuoteNotPayable(quote_id)

    with _partner_client() as client:
        charge = _create_charge(  # expect: REL004
            client,
            {
                "amount": quote.amount_pence,
                "currency": "GBP",
                "card_token": card_token,
                "description": f"CameraFix repair, ticket {quote.ticket_id}",
                "reference": f"quote-{quote.id}",
            },
        )

    payment = Payment(
        ticket_id=quote.ticket_id,
        kind="repair",
        amount_pence=quote.amount_pence,
        status=charge["status"],
        idempotency_key=f"repair-{quote.id}-{uuid.uuid4().hex[:8]}",
        partner_payment_id=charge["id"],
    )
    db.add(payment)
    reserve_parts(db, quote.ticket_id, [(line.part_id, line.quantity) for line in quote.lines])
    quote.status = "paid"
    db.get(Ticket, quote.ticket_id).status = "paid"
    db.commit()
    logger.info("quote %s paid by customer %s (partner payment %s)", quote.id, user.id, charge["id"])
    return payment
