"""Concert ticket purchase: holds the chosen seat, charges the buyer's card once, then issues the ticket."""

import logging
import os
import uuid

import httpx
from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel, EmailStr
from sqlalchemy import update
from sqlalchemy.orm import Session
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from .db import get_db
from .models import Event, Seat, Ticket

app = FastAPI(title="ticket-office")
logger = logging.getLogger(__name__)

PAYMENTS_URL = "https://api.example-psp.com/v1"


@app.on_event("startup")
def open_psp_client() -> None:
    app.state.psp = httpx.Client(
        base_url=PAYMENTS_URL,
        headers={"Authorization": f"Bearer {os.environ['PSP_SECRET_KEY']}"},  # ok: SEC005
        timeout=httpx.Timeout(15.0, connect=3.0),
    )


@app.on_event("shutdown")
def close_psp_client() -> None:
    app.state.psp.close()


class Purchase(BaseModel):
    event_id: int
    seat_id: int
    buyer_email: EmailStr
    card_token: str


@retry(stop=stop_after_attempt(3), wait=wait_exponential(multiplier=0.5, max=4), retry=retry_if_exception_type(httpx.TransportError), reraise=True)  # ok: REL002
def _charge_card(psp: httpx.Client, hold_id: str, card_token: str, amount_cents: int, description: str) -> str:
    resp = psp.post(  # ok: REL003
        "/charges",
        json={"source": card_token, "amount": amount_cents, "currency": "eur", "description": description},
        headers={"Idempotency-Key": f"seat-hold-{hold_id}"},
    )
    resp.raise_for_status()
    return resp.json()["id"]


def _release(db: Session, seat_id: int, event_id: int, hold_id: str) -> None:
    db.execute(update(Seat).where(Seat.id == seat_id, Seat.hold_id == hold_id).values(status="available", hold_id=None))
    db.execute(update(Event).where(Event.id == event_id).values(tickets_sold=Event.tickets_sold - 1))
    db.commit()


@app.post("/purchases", status_code=201)
def buy_ticket(order: Purchase, db: Session = Depends(get_db)):
    hold_id = str(uuid.uuid4())
    held = db.execute(  # ok: DB005
        update(Seat)
        .where(Seat.id == order.seat_id, Seat.event_id == order.event_id, Seat.status == "available")
        .values(status="held", hold_id=hold_id)
    ).rowcount
    counted = db.execute(  # ok: DB004
        update(Event)
        .where(Event.id == order.event_id, Event.tickets_sold < Event.capacity)
        .values(tickets_sold=Event.tickets_sold + 1)
    ).rowcount
    if held == 0 or counted == 0:
        db.rollback()
        raise HTTPException(status_code=409, detail="seat or event no longer available")
    db.commit()

    seat, event = db.get(Seat, order.seat_id), db.get(Event, order.event_id)
    try:
        charge_id = _charge_card(app.state.psp, hold_id, order.card_token, seat.price_cents, f"{event.name} seat {seat.label}")  # ok: REL004
    except httpx.HTTPError:
        _release(db, seat.id, event.id, hold_id)
        logger.warning("charge for hold %s failed; seat %s released", hold_id, seat.id, exc_info=True)
        raise HTTPException(status_code=402, detail="payment failed")

    seat.status = "sold"
    ticket = Ticket(id=hold_id, seat_id=seat.id, buyer_email=order.buyer_email, charge_id=charge_id)
    db.add(ticket)
    db.commit()
    logger.info("ticket %s sold for seat %s, charge %s", ticket.id, seat.id, charge_id)
    return {"ticket_id": ticket.id, "seat": seat.label, "charge_id": charge_id}
