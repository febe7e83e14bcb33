"""Concert ticket purchase: charges the buyer's card and assigns the chosen seat."""

import logging
import time
import uuid

import httpx
from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel, EmailStr
from sqlalchemy.orm import Session

from .db import get_db
from .models import Event, Seat, Ticket

app = FastAPI(title="ticket-office")
logger = logging.getLogger(__name__)

PAYMENTS_URL = "https://api.example-psp.com/v1"
PSP_SECRET_KEY = "psk_live_2bX9qL7mN4vR8tY1wE6uI3oP"  # expect: SEC005


class Purchase(BaseModel):
    event_id: int
    seat_id: int
    buyer_email: EmailStr
    card_token: str


def _charge_card(card_token: str, amount_cents: int, description: str) -> str:
    resp = httpx.post(
        f"{PAYMENTS_URL}/charges",
        json={"source": card_token, "amount": amount_cents, "currency": "eur", "description": description},
        headers={"Authorization": f"Bearer {PSP_SECRET_KEY}"},
        timeout=15,
    )
    resp.raise_for_status()
    return resp.json()["id"]


@app.post("/purchases", status_code=201)
def purchase_ticket(order: Purchase, db: Session = Depends(get_db)):
    seat = db.get(Seat, order.seat_id)
    event = db.get(Event, order.event_id)
    if seat is None or event is None or seat.event_id != event.id:
        raise HTTPException(status_code=404, detail="unknown seat")
    if seat.status != "available":  # expect: DB005
        raise HTTPException(status_code=409, detail="seat already sold")
    if event.tickets_sold >= event.capacity:  # expect: DB005
        raise HTTPException(status_code=409, detail="event sold out")

    charge_id = None
    for attempt in range(3):  # todo-expect: ERR003
        try:
            charge_id = _charge_card(order.card_token, seat.price_cents, f"{event.name} seat {seat.label}")  # expect: REL003, REL004
            break
        except httpx.HTTPError:
            logger.warning("charge attempt %d failed for seat %s", attempt + 1, seat.id)
            time.sleep(1 + attempt)
    if charge_id is None:
        raise HTTPException(status_code=402, detail="payment failed")

    seat.status = "sold"
    event.tickets_sold = event.tickets_sold + 1  # expect: DB004
    ticket = Ticket(id=str(uuid.uuid4()), seat_id=seat.id, buyer_email=order.buyer_email, charge_id=charge_id)
    db.add(ticket)
    db.commit()
    logger.info("ticket %s sold for seat %s, charge %s", ticket.id, seat.id, charge_id)
    return {"ticket_id": ticket.id, "seat": seat.label, "charge_id": charge_id}
