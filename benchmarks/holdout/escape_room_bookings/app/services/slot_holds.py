"""Hold-then-pay booking flow used by the embedded booking widget.

1. ``hold_slot`` moves a slot from open (or an expired hold) to held in one
   conditional UPDATE, so only one customer can hold it.
2. ``confirm_hold`` commits a pending booking and marks the slot as confirming,
   then charges the deposit with an idempotency key derived from the booking id.
3. A booking left pending (partner timeout, crash) is finished by
   ``retry_pending_deposit`` with the same key, so the card is charged once.
"""
import logging
import secrets
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.clients.payments import PaymentDeclined, PaymentsClient
from app.models import Booking, Slot, utcnow

log = logging.getLogger(__name__)


class SlotUnavailable(Exception):
    pass


class DepositDeclined(Exception):
    pass


async def hold_slot(session: AsyncSession, slot_id: int, customer_id: int, minutes: int) -> str:
    token = secrets.token_urlsafe(16)
    now = utcnow()
    held = await session.scalar(
        update(Slot)
        .where(Slot.id == slot_id,
               Slot.starts_at > now,
               or_(Slot.status == "open", and_(Slot.status == "held", Slot.held_until < now)))
        .values(status="held", held_until=now + timedelta(minutes=minutes),
                hold_token=token, held_by_customer_id=customer_id)
        .returning(Slot.id))  # ok: DB005
    if held is None:
        await session.rollback()
        raise SlotUnavailable(slot_id)
    await session.commit()
    log.info("slot %s held for customer %s", slot_id, customer_id)
    return token


async def _take_deposit(session: AsyncSession, payments: PaymentsClient, booking: Booking,
                        deposit_cents: int, currency: str) -> Booking:
    try:
        charge = await payments.charge(  # ok: REL003
            amount_cents=deposit_cents, currency=currency,
            description=f"Deposit for booking {booking.id}",
            customer_ref=str(booking.customer_id),
            idempotency_key=f"deposit-{booking.id}")
    except PaymentDeclined as exc:
        booking.status, booking.deposit_status = "cancelled", "failed"
        await session.execute(
            update(Slot).where(Slot.id == booking.slot_id, Slot.status == "confirming")
            .values(status="open", hold_token=None, held_until=None, held_by_customer_id=None))
        await session.commit()
        log.info("deposit declined for booking %s; slot %s reopened", booking.id, booking.slot_id)
        raise DepositDeclined(str(exc)) from exc

    booking.status, booking.deposit_status, booking.deposit_charge_id = "confirmed", "paid", charge.id
    await session.execute(update(Slot).where(Slot.id == booking.slot_id)
                          .values(status="booked", hold_token=None, held_until=None))
    await session.commit()
    log.info("booking %s confirmed with deposit charge %s", booking.id, charge.id)
    return booking


async def confirm_hold(session: AsyncSession, payments: PaymentsClient, *, slot_id: int, hold_token: str,
                       customer_id: int, players: int, deposit_cents: int, currency: str) -> Booking:
    slot = await session.scalar(
        select(Slot).where(Slot.id == slot_id, Slot.hold_token == hold_token,
                           Slot.held_by_customer_id == customer_id, Slot.status == "held",
                           Slot.held_until > utcnow())
        .with_for_update())
    if slot is None:
        raise SlotUnavailable(slot_id)
    slot.status = "confirming"
    booking = Booking(slot_id=slot.id, customer_id=customer_id, players=players,
                      status="pending_deposit", deposit_status="unpaid")
    session.add(booking)
    await session.commit()
    return await _take_deposit(session, payments, booking, deposit_cents, currency)


async def retry_pending_deposit(session: AsyncSession, payments: PaymentsClient, *, booking_id: int,
                                customer_id: int, deposit_cents: int, currency: str) -> Booking | None:
    booking = await session.scalar(
        select(Booking).where(Booking.id == booking_id, Booking.customer_id == customer_id,
                              Booking.status == "pending_deposit")
        .with_for_update())
    if booking is None:
        return None
    return await _take_deposit(session, payments, booking, deposit_cents, currency)
