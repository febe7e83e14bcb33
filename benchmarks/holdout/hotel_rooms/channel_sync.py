"""Two-way sync with the channel manager that distributes our rooms to OTAs."""
import logging
import time
from datetime import date, timedelta

import httpx
from sqlalchemy import func, select

from .dependencies import SessionLocal
from .models import Guest, Reservation, Room

logger = logging.getLogger(__name__)

CHANNEL_API = "https://api.channelhub.example.com/v2"
CHANNEL_API_KEY = "chk_live_4f9a1c22b7e04d6f9b1e0a7c55d3e812"  # expect: SEC005
PROPERTY_ID = "HTL-0042"
HOTEL_ID = 42
ACTIVE_STATUSES = ("pending", "confirmed", "checked_in")

_client = httpx.Client(
    base_url=CHANNEL_API,
    headers={"Authorization": f"Bearer {CHANNEL_API_KEY}", "Accept": "application/json"},
    timeout=None,  # expect: REL001
)


def _rooms_free(session, room_type: str, day: date) -> int:
    total = session.scalar(
        select(func.count(Room.id)).where(Room.hotel_id == HOTEL_ID, Room.room_type == room_type)
    )
    taken = session.scalar(
        select(func.count(Reservation.id))
        .join(Room)
        .where(
            Room.hotel_id == HOTEL_ID,
            Room.room_type == room_type,
            Reservation.status.in_(ACTIVE_STATUSES),
            Reservation.check_in <= day,
            Reservation.check_out > day,
        )
    )
    return max(total - taken, 0)


def build_availability(session, start: date, days: int) -> list[dict]:
    room_types = session.scalars(select(Room.room_type).where(Room.hotel_id == HOTEL_ID).distinct()).all()
    updates = []
    for room_type in room_types:
        for offset in range(days):
            day = start + timedelta(days=offset)
            updates.append({"room_type": room_type, "date": day.isoformat(),
                            "available": _rooms_free(session, room_type, day)})  # expect: DB001
    return updates


def push_availability(days: int = 180) -> None:
    """Send the availability grid for the next `days` days to the channel manager."""
    with SessionLocal() as session:
        payload = {"property_id": PROPERTY_ID, "updates": build_availability(session, date.today(), days)}
    logger.debug("PUT /availability headers=%s", dict(_client.headers))  # expect: SEC007
    attempt = 0
    while True:  # expect: REL002
        try:
            resp = _client.put("/availability", json=payload)
            resp.raise_for_status()
            break
        except httpx.HTTPError as exc:
            attempt += 1
            logger.warning("availability push failed (attempt %d): %s", attempt, exc)
            time.sleep(5)
    logger.info("pushed %d availability rows", len(payload["updates"]))


def import_channel_bookings() -> int:
    """Pull new OTA bookings, store them and acknowledge each one."""
    resp = _client.get("/bookings", params={"property_id": PROPERTY_ID, "status": "new"})
    resp.raise_for_status()
    imported = 0
    with SessionLocal() as session:
        rooms = {r.number: r for r in session.scalars(select(Room).where(Room.hotel_id == HOTEL_ID))}  # ok: DB001
        guests = {g.email: g for g in session.scalars(select(Guest).where(
            Guest.email.in_([b["guest"]["email"] for b in resp.json()["bookings"]])))}
        for booking in resp.json()["bookings"]:
            try:
                room = rooms[booking["room_number"]]
                guest = guests[booking["guest"]["email"]]
                session.add(Reservation(
                    room_id=room.id,
                    guest_id=guest.id,
                    check_in=date.fromisoformat(booking["arrival"]),
                    check_out=date.fromisoformat(booking["departure"]),
                    status="confirmed",
                    total_amount=booking["total"],
                    deposit_amount=0,
                    channel_booking_id=booking["id"],
                ))
                session.commit()  # ok: DB003
                _client.post(f"/bookings/{booking['id']}/ack")
                imported += 1
            except Exception:  # expect: ERR001
                continue
    return imported
