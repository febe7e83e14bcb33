"""Deposits taken by the office when a customer books work over the phone.

The crew day is reserved and a pending deposit row is committed before the card
is charged, so a charge can always be matched to a booking, and a retry of the
same deposit reuses the same Stripe idempotency key.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import date

import stripe
from sqlalchemy.ext.asyncio import AsyncSession

from arborist.models import Customer, Deposit, Quote
from arborist.services.scheduling import CrewScheduler
from arborist.settings import get_settings

logger = logging.getLogger(__name__)


class DepositDeclined(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DepositService:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._scheduler = CrewScheduler(session)

    async def book_with_deposit(
        self, quote: Quote, *, crew_id: int, day: date, payment_method_id: str
    ) -> Deposit:
        booking = await self._scheduler.reserve(
            crew_id=crew_id, day=day, hours=quote.crew_hours, quote_id=quote.id
        )
        deposit = Deposit(
            quote_id=quote.id,
            booking_id=booking.id,
            amount_pence=quote.deposit_pence,
            status="pending",
            idempotency_key=f"deposit-{quote.id}-{booking.id}",
        )
        self._session.add(deposit)
        quote.status = "booked"
        await self._session.commit()  # ok: REL004

        customer = await self._session.get(Customer, quote.customer_id)
        return await self._charge(deposit, customer, payment_method_id)

    async def _charge(self, deposit: Deposit, customer: Customer, payment_method_id: str) -> Deposit:
        try:
            intent = await asyncio.to_thread(
                stripe.PaymentIntent.create,
                api_key=get_settings().stripe_secret_key,
                amount=deposit.amount_pence,
                currency="gbp",
                customer=customer.stripe_customer_id,
                payment_method=payment_method_id,
                confirm=True,
                automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
                metadata={"quote_id": str(deposit.quote_id), "deposit_id": str(deposit.id)},
                idempotency_key=deposit.idempotency_key,  # ok: REL003
            )
        except stripe.CardError as exc:
            logger.info("deposit %s declined: %s", deposit.id, exc.code)
            await self._scheduler.release(deposit.booking_id)
            deposit.status = "declined"
            quote = await self._session.get(Quote, deposit.quote_id)
            quote.status = "accepted"
            await self._session.commit()
            raise DepositDeclined(exc.user_message or "card declined") from exc

        deposit.payment_intent_id = intent.id
        deposit.status = intent.status
        await self._session.commit()
        logger.info("deposit %s for quote %s is %s", deposit.id, deposit.quote_id, intent.status)
        return deposit

    async def retry_pending(self, deposit: Deposit, payment_method_id: str) -> Deposit:
        """Re-send a charge whose outcome was lost; Stripe replays the first result."""
        if deposit.status != "pending":
            return deposit
        customer = await self._session.get(Customer, (await self._session.get(Quote, deposit.quote_id)).customer_id)
        return await self._charge(deposit, customer, payment_method_id)
