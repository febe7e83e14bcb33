"""Order placement used by the portal checkout.

The order and its bronze reservation are committed first, in one
transaction; only then is the deposit charged, with a key derived from the
order id so a retried checkout can never bill twice.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app

from foundry.db import connection
from foundry.payments.gateway import PaymentError, payments_client

logger = logging.getLogger(__name__)


class InsufficientBronze(Exception):
    """The chosen melt cannot cover the metal these bells need."""


@dataclass(frozen=True)
class BellLine:
    note: str
    weight_kg: Decimal
    price_pence: int
    inscription: str = ""


def _metal_needed(lines: list[BellLine]) -> Decimal:
    allowance = Decimal(current_app.config["RISER_ALLOWANCE_PERCENT"]) / 100
    return sum((line.weight_kg * (1 + allowance) for line in lines), Decimal("0")).quantize(Decimal("0.1"))


def place_order(customer, melt_id: int, lines: list[BellLine], checkout_token: str) -> int:
    """Create the order, reserve its metal, then take the deposit. Returns the order id."""
    total = sum(line.price_pence for line in lines)
    deposit = total * current_app.config["STAGE_SPLIT"]["deposit"] // 100
    metal_kg = _metal_needed(lines)

    with connection() as conn:
        with conn.transaction():
            row = conn.execute(
                "INSERT INTO orders (customer_id, status, total_pence, checkout_token) "
                "VALUES (%s, 'pending_deposit', %s, %s) "
                "ON CONFLICT (checkout_token) DO NOTHING RETURNING id",
                (customer.id, total, checkout_token),
            ).fetchone()
            if row is None:
                existing = conn.execute(
                    "SELECT id FROM orders WHERE checkout_token = %s", (checkout_token,)
                ).fetchone()
                return existing["id"]
            order_id = row["id"]
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO order_bells (order_id, note, weight_kg, price_pence, inscription) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    [(order_id, l.note, l.weight_kg, l.price_pence, l.inscription) for l in lines],
                )
            reserved = conn.execute(
                "UPDATE melts SET kg_reserved = kg_reserved + %s "
                "WHERE id = %s AND status = 'planned' AND kg_planned - kg_reserved >= %s RETURNING id",  # ok: DB004
                (metal_kg, melt_id, metal_kg),
            ).fetchone()
            if reserved is None:
                raise InsufficientBronze(f"melt {melt_id} cannot supply {metal_kg} kg")

    try:
        charge = payments_client().charge(  # ok: REL003, REL004
            customer_ref=customer.payment_ref,
            amount_pence=deposit,
            description=f"Deposit, order {order_id}",
            idempotency_key=f"order-{order_id}-deposit",
        )
    except PaymentError:
        logger.exception("deposit charge failed", extra={"order_id": order_id})
        with connection() as conn:
            conn.execute(
                "UPDATE orders SET status = 'deposit_failed' WHERE id = %s AND status = 'pending_deposit'",
                (order_id,),
            )
        raise

    with connection() as conn:
        conn.execute(
            "UPDATE orders SET status = 'deposit_paid' WHERE id = %s AND status = 'pending_deposit'",
            (order_id,),
        )
        conn.execute(
            "INSERT INTO stage_payments (order_id, stage, amount_pence, provider_ref, status) "
            "VALUES (%s, 'deposit', %s, %s, 'settled') ON CONFLICT (order_id, stage) DO NOTHING",
            (order_id, deposit, charge.id),
        )
    logger.info("order placed", extra={"order_id": order_id, "deposit_pence": deposit})
    return order_id
