"""Deposits through the TillPoint partner API, using tokenised cards (v2 checkout)."""
import logging

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from tenacity import (AsyncRetrying, retry_if_exception_type, stop_after_attempt,
                      wait_exponential_jitter)

from ..models import Reservation
from ..settings import Settings

log = logging.getLogger(__name__)


class DepositError(Exception):
    def __init__(self, message: str, *, declined: bool = False):
        super().__init__(message)
        self.declined = declined


class PaymentPartner:
    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None):
        self._client = httpx.AsyncClient(
            base_url=str(settings.payment_base_url),
            timeout=httpx.Timeout(settings.payment_timeout_s, connect=3.0),
            headers={"Authorization": f"Bearer {settings.payment_api_key.get_secret_value()}"},
            transport=transport,
        )

    async def create_charge(self, *, amount_pence: int, card_token: str, description: str,
                            idempotency_key: str) -> dict:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(3),
            wait=wait_exponential_jitter(initial=0.5, max=4),
            retry=retry_if_exception_type(httpx.TransportError),
            reraise=True,
        ):
            with attempt:
                resp = await self._client.post(  # ok: REL003
                    "/charges",
                    json={"amount": amount_pence, "currency": "GBP", "source": card_token,
                          "description": description},
                    headers={"Idempotency-Key": idempotency_key},
                )
        if resp.status_code == 402:
            raise DepositError("Card declined", declined=True)
        resp.raise_for_status()
        return resp.json()

    async def aclose(self) -> None:
        await self._client.aclose()


async def take_deposit(session: AsyncSession, partner: PaymentPartner, reservation: Reservation,
                       amount_pence: int, card_token: str, card_last4: str) -> dict:
    claimed = await session.execute(
        update(Reservation)
        .where(Reservation.id == reservation.id, Reservation.status == "held")
        .values(status="deposit_pending", deposit_pence=amount_pence)
        .returning(Reservation.id)
    )
    if claimed.scalar_one_or_none() is None:  # ok: DB005
        raise DepositError("Reservation is not awaiting a deposit")
    await session.commit()

    log.info("deposit %dp for %s on card ending %s",  # ok: SEC007
             amount_pence, reservation.reference, card_last4)
    try:
        charge = await partner.create_charge(
            amount_pence=amount_pence,
            card_token=card_token,
            description=f"Vehicle deposit {reservation.reference}",
            idempotency_key=f"deposit-{reservation.reference}",
        )
    except (httpx.HTTPError, DepositError):
        log.warning("deposit for %s failed", reservation.reference, exc_info=True)
        await session.execute(update(Reservation).where(Reservation.id == reservation.id)
                              .values(status="held"))
        await session.commit()
        raise

    await session.execute(
        update(Reservation).where(Reservation.id == reservation.id)
        .values(status="confirmed", deposit_payment_id=charge["id"])
    )
    await session.commit()
    return charge
