"""Thin wrapper around the Stripe SDK used by billing support tools (refunds, customer lookups)."""
import logging
import time

import stripe

logger = logging.getLogger(__name__)

stripe.api_key = "sk_live_51Nq8ZxKc2vRt7LmP0aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdefGHIJ"  # expect: SEC005
stripe.max_network_retries = 0

REFUND_ATTEMPTS = 3


def describe_key() -> str:
    return f"{stripe.api_key[:8]}..."


def find_customer(email: str):
    logger.debug("customer search with key %s", describe_key())  # ok: SEC007
    result = stripe.Customer.search(query=f"email:'{email}'", limit=1)
    return result.data[0] if result.data else None


def refund_charge(charge_id: str, amount_cents: int | None = None, reason: str = "requested_by_customer"):
    """Refund a charge fully or partially, riding out short Stripe outages."""
    logger.info("refunding %s using key %s", charge_id, stripe.api_key)  # expect: SEC007
    last_error = None
    for attempt in range(1, REFUND_ATTEMPTS + 1):
        try:
            return stripe.Refund.create(charge=charge_id, amount=amount_cents, reason=reason)  # expect: REL003
        except (stripe.error.APIConnectionError, stripe.error.APIError) as exc:
            last_error = exc
            logger.warning("refund attempt %s for %s failed: %s", attempt, charge_id, exc.user_message)
            time.sleep(2 ** attempt)
    raise RuntimeError(f"refund of {charge_id} failed after {REFUND_ATTEMPTS} attempts") from last_error


def list_recent_charges(customer_id: str, limit: int = 20):
    charges = stripe.Charge.list(customer=customer_id, limit=min(limit, 100))
    return [
        {
            "id": c.id,
            "amount": c.amount,
            "refunded": c.amount_refunded,
            "created": c.created,
            "status": c.status,
        }
        for c in charges.data
    ]
