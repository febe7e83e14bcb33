"""RQ jobs for the foundry worker: casting-stage billing and freight hand-off."""

import logging
import os
import uuid
from contextlib import closing
from datetime import date, timedelta
from functools import lru_cache

from redis import Redis
from rq import Queue, Retry, get_current_job

from foundry.db import worker_connection
from foundry.freight.client import Crate, FreightClient, FreightError
from foundry.logging_setup import bind_job_id
from foundry.payments.gateway import PaymentsClient

logger = logging.getLogger(__name__)

CASTING_SHARE = 40
CRATE_MARGIN_CM = 30


@lru_cache(maxsize=1)
def _redis() -> Redis:
    return Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"), socket_timeout=5)


def get_queue(name: str = "default") -> Queue:
    return Queue(name, connection=_redis())


def enqueue_casting_charge(order_id: int):
    """Called by the furnace board once every bell of an order has been poured."""
    return get_queue("payments").enqueue(
        charge_casting_stage,
        order_id,
        retry=Retry(max=3, interval=[30, 120, 600]),
        job_timeout=120,
    )


def charge_casting_stage(order_id: int) -> str:
    """Bill the casting instalment for an order whose bells have been poured."""
    job = get_current_job()
    bind_job_id(job.id if job else "adhoc")
    with worker_connection() as conn:
        order = conn.execute(
            "SELECT o.id, o.total_pence, c.payment_ref FROM orders o "
            "JOIN customers c ON c.id = o.customer_id WHERE o.id = %s",
            (order_id,),
        ).fetchone()
        amount = order["total_pence"] * CASTING_SHARE // 100
        conn.execute(
            "INSERT INTO stage_payments (order_id, stage, amount_pence, status) "
            "VALUES (%s, 'casting', %s, 'pending') ON CONFLICT (order_id, stage) DO NOTHING",
            (order_id, amount),
        )

    with closing(PaymentsClient.from_env()) as client:
        charge = client.charge(
            customer_ref=order["payment_ref"],
            amount_pence=amount,
            description=f"Casting instalment, order {order_id}",
            idempotency_key=str(uuid.uuid4()),  # expect: REL003
        )

    with worker_connection() as conn:
        conn.execute(
            "UPDATE stage_payments SET provider_ref = %s, status = 'billed' "
            "WHERE order_id = %s AND stage = 'casting'",
            (charge.id, order_id),
        )
        conn.execute("UPDATE orders SET status = 'casting_billed' WHERE id = %s", (order_id,))
    logger.info("casting instalment billed", extra={"order_id": order_id, "charge_id": charge.id})
    return charge.id


def hand_over_to_freight(order_id: int) -> None:
    """Book collection of a finished, tuned bell set and store the shipment reference."""
    with worker_connection() as conn:
        order = conn.execute(
            "SELECT o.reference, o.delivery_address, coalesce(sum(b.weight_kg), 0) AS kg, "
            "max(b.diameter_mm) AS diameter_mm FROM orders o JOIN order_bells b ON b.order_id = o.id "
            "WHERE o.id = %s GROUP BY o.id",
            (order_id,),
        ).fetchone()
    side_cm = order["diameter_mm"] // 10 + CRATE_MARGIN_CM
    crate = Crate(length_cm=side_cm, width_cm=side_cm, height_cm=side_cm, gross_kg=float(order["kg"]) * 1.15)

    api_url = os.environ.get("FREIGHT_API_URL", "https://api.heavyfreight.example/v1")
    with closing(FreightClient(api_url, os.environ.get("FREIGHT_API_KEY", ""))) as client:  # ok: RES001
        try:
            booking = client.book_collection(
                order["reference"], crate, date.today() + timedelta(days=3), order["delivery_address"]
            )
        except FreightError as exc:
            logger.error("freight booking failed for order %s: %s", order_id, exc)  # expect: OBS002
            with worker_connection() as conn:
                conn.execute("UPDATE orders SET status = 'freight_pending' WHERE id = %s", (order_id,))
            return

    with worker_connection() as conn:
        conn.execute(
            "UPDATE orders SET shipment_ref = %s, status = 'awaiting_collection' WHERE id = %s",
            (booking["id"], order_id),
        )
