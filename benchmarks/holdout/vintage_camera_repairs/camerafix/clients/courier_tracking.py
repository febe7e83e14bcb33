"""Polls ParcelHop for the status of open pickups and stores the changes."""
import asyncio
import logging
import time

import httpx
from sqlalchemy import select, update

from ..db import SessionLocal
from ..models import CourierBooking, Ticket
from ..settings import Settings

logger = logging.getLogger(__name__)

OPEN_STATUSES = ("booked", "collected", "in_transit")
BATCH = 200


class CourierTracker:
    def __init__(self, settings: Settings):
        self._settings = settings
        self._client = httpx.AsyncClient(
            base_url=settings.courier_base_url, timeout=httpx.Timeout(10.0, connect=3.0)
        )
        self._token: str | None = None
        self._token_expires = 0.0

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _bearer(self) -> str:
        if self._token is None or time.monotonic() > self._token_expires - 60:
            resp = await self._client.post(
                self._settings.courier_token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self._settings.courier_client_id,
                    "client_secret": self._settings.courier_client_secret.get_secret_value(),
                    "scope": "pickups:read",
                },
            )
            resp.raise_for_status()
            data = resp.json()
            self._token = data["access_token"]
            self._token_expires = time.monotonic() + int(data.get("expires_in", 3600))
        return self._token

    @staticmethod
    def _open_bookings() -> list[tuple[int, str, str]]:
        with SessionLocal() as db:
            rows = db.execute(
                select(CourierBooking.id, CourierBooking.courier_ref, CourierBooking.status)
                .where(CourierBooking.status.in_(OPEN_STATUSES))
                .order_by(CourierBooking.id)
                .limit(BATCH)
            ).all()
        return [tuple(r) for r in rows]

    @staticmethod
    def _apply(changes: list[tuple[int, str]]) -> None:
        with SessionLocal() as db:
            for booking_id, status in changes:  # ok: DB001
                db.execute(update(CourierBooking).where(CourierBooking.id == booking_id).values(status=status))
                if status == "delivered":
                    ticket_ids = select(CourierBooking.ticket_id).where(CourierBooking.id == booking_id)
                    db.execute(update(Ticket).where(Ticket.id.in_(ticket_ids), Ticket.status == "received")
                               .values(status="diagnosing"))
            db.commit()

    async def sync_open_bookings(self) -> int:
        bookings = await asyncio.to_thread(self._open_bookings)  # ok: CON001
        if not bookings:
            return 0
        headers = {"Authorization": f"Bearer {await self._bearer()}"}
        changes = []
        for booking_id, ref, old_status in bookings:
            resp = await self._client.get(f"/v2/pickups/{ref}", headers=headers)
            if resp.status_code == 404:
                logger.warning("courier has no record of booking %s (%s)", booking_id, ref)
                continue
            resp.raise_for_status()
            new_status = resp.json()["status"]
            if new_status != old_status:
                changes.append((booking_id, new_status))
        if changes:
            await asyncio.to_thread(self._apply, changes)
        return len(changes)
