"""arq worker: deposits, yard collections and the nightly workshop plan.

Run with ``arq app.jobs.worker.WorkerSettings``.
"""
import asyncio
import logging
from datetime import date, timedelta

from arq import Retry, cron
from sqlmodel import select

from ..clients.payments import PaymentDeclined, PaymentProviderError, PaymentsClient
from ..clients.yard import YardClient, YardUnavailable
from ..config import deposit_percentage, redis_settings
from ..db import session_scope
from ..models import Customer, Deposit, Pickup, Quote, RepairOrder
from ..services.capacity import plan_workshop

logger = logging.getLogger(__name__)


def _deposit_context(quote_id: int) -> tuple[int, str, int] | None:
    with session_scope() as session:
        quote = session.get(Quote, quote_id)
        order = session.get(RepairOrder, quote.order_id)
        customer = session.get(Customer, order.customer_id)
        existing = session.exec(select(Deposit).where(Deposit.order_id == order.id)).first()
        if existing is not None and existing.status == "paid":
            return None
        return order.id, f"cus-{customer.id}", deposit_percentage(quote.total_pence)


def _record_deposit(order_id: int, amount: int, payment_id: str | None, status: str) -> None:
    with session_scope() as session:
        deposit = session.exec(select(Deposit).where(Deposit.order_id == order_id)).first()
        if deposit is None:
            deposit = Deposit(order_id=order_id, amount_pence=amount)
        deposit.provider_payment_id = payment_id
        deposit.status = status
        session.add(deposit)


async def charge_deposit(ctx, quote_id: int) -> str:
    context = await asyncio.to_thread(_deposit_context, quote_id)
    if context is None:
        return "already paid"
    order_id, customer_ref, amount = context
    client: PaymentsClient = ctx["payments"]
    try:
        charge = await asyncio.to_thread(  # expect: REL003
            client.charge_saved_card,
            customer_ref=customer_ref,
            amount_pence=amount,
            description=f"Deposit for sail repair #{order_id}",
        )
    except PaymentProviderError as exc:
        logger.warning("deposit charge failed order_id=%s try=%s", order_id, ctx["job_try"], exc_info=True)
        raise Retry(defer=timedelta(seconds=30 * ctx["job_try"])) from exc
    except PaymentDeclined as exc:
        await asyncio.to_thread(_record_deposit, order_id, amount, None, f"declined:{exc}")
        return "declined"
    await asyncio.to_thread(_record_deposit, order_id, amount, charge.id, "paid")
    logger.info("deposit charged order_id=%s charge_id=%s amount=%s", order_id, charge.id, amount)
    return charge.id


def _save_pickup_ref(pickup_id: int, booking_ref: str) -> None:
    with session_scope() as session:
        pickup = session.get(Pickup, pickup_id)
        pickup.yard_booking_ref = booking_ref
        session.add(pickup)


async def book_yard_collection(ctx, pickup_id: int, berth: str) -> str:
    def _load():
        with session_scope() as session:
            pickup = session.get(Pickup, pickup_id)
            return pickup.yard_id, pickup.order_id, pickup.slot_start

    yard_id, order_id, slot_start = await asyncio.to_thread(_load)
    try:
        with YardClient() as yard:
            ref = await asyncio.to_thread(
                yard.book_collection, yard_id=yard_id, order_id=order_id, slot_start=slot_start, berth=berth
            )
    except YardUnavailable as exc:
        raise Retry(defer=timedelta(minutes=5)) from exc
    await asyncio.to_thread(_save_pickup_ref, pickup_id, ref)
    return ref


async def nightly_workshop_plan(ctx) -> int:
    return await asyncio.to_thread(plan_workshop, date.today() + timedelta(days=1))


async def startup(ctx) -> None:
    ctx["payments"] = PaymentsClient()


async def shutdown(ctx) -> None:
    ctx["payments"].close()


class WorkerSettings:
    functions = [charge_deposit, book_yard_collection]
    cron_jobs = [cron(nightly_workshop_plan, hour=2, minute=15, run_at_startup=False)]  # ok: SCL003
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = redis_settings()
    max_tries = 6
    job_timeout = 120
