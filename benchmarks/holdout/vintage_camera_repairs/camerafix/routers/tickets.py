"""Repair tickets: customers open them, technicians work the queue."""
import logging
from datetime import date, datetime, timezone

from fastapi import APIRouter, Depends, HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..clients.courier import book_pickup
from ..db import SessionLocal, get_db
from ..models import CourierBooking, Ticket, User
from ..security import get_current_user, require_role

router = APIRouter(prefix="/tickets", tags=["tickets"])
logger = logging.getLogger(__name__)


class TicketIn(BaseModel):
    camera_make: str = Field(max_length=60)
    camera_model: str = Field(max_length=80)
    serial_no: str | None = Field(default=None, max_length=40)
    fault_description: str = Field(max_length=4000)


class TicketOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    camera_make: str
    camera_model: str
    status: str
    technician_id: int | None
    created_at: datetime


class PickupIn(BaseModel):
    pickup_date: date


@router.post("", response_model=TicketOut, status_code=201)
def open_ticket(body: TicketIn, user: User = Depends(get_current_user), db: Session = Depends(get_db)):
    ticket = Ticket(customer_id=user.id, **body.model_dump())
    db.add(ticket)
    db.commit()
    logger.info("customer %s opened ticket %s", user.id, ticket.id)
    return ticket


@router.get("/mine", response_model=list[TicketOut])
def my_tickets(user: User = Depends(get_current_user), db: Session = Depends(get_db)):
    stmt = select(Ticket).where(Ticket.customer_id == user.id).order_by(Ticket.created_at.desc()).limit(50)
    return db.scalars(stmt).all()


@router.get("/queue", response_model=list[TicketOut])
def technician_queue(
    status: str | None = None,
    q: str | None = None,
    _staff: User = Depends(require_role("technician", "admin")),
    db: Session = Depends(get_db),
):
    stmt = select(Ticket).order_by(Ticket.created_at.desc())
    if status:
        stmt = stmt.where(Ticket.status == status)
    if q:
        stmt = stmt.where(Ticket.fault_description.ilike(f"%{q}%"))  # expect: DB006
    return db.scalars(stmt).all()  # expect: DB002


@router.get("/{ticket_id}", response_model=TicketOut)
def get_ticket(ticket_id: int, user: User = Depends(get_current_user), db: Session = Depends(get_db)):
    ticket = db.get(Ticket, ticket_id)  # expect: SEC018
    if ticket is None:
        raise HTTPException(status_code=404, detail="not_found")
    return ticket


@router.post("/{ticket_id}/assign", response_model=TicketOut)
def assign_to_me(
    ticket_id: int, tech: User = Depends(require_role("technician")), db: Session = Depends(get_db)
):
    result = db.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.technician_id.is_(None))
        .values(technician_id=tech.id, status="diagnosing")
    )
    if result.rowcount == 0:
        db.rollback()
        raise HTTPException(status_code=409, detail="already_assigned")
    db.commit()
    return db.get(Ticket, ticket_id)


def _owned_ticket(ticket_id: int, customer_id: int) -> Ticket | None:
    with SessionLocal() as db:
        return db.scalar(select(Ticket).where(Ticket.id == ticket_id, Ticket.customer_id == customer_id))


def _record_booking(ticket_id: int, booking: dict, pickup_date: date) -> None:
    with SessionLocal() as db:
        db.add(CourierBooking(ticket_id=ticket_id, courier_ref=booking["reference"], pickup_date=pickup_date))
        db.commit()


@router.post("/{ticket_id}/pickup", status_code=201)
async def request_pickup(ticket_id: int, body: PickupIn, user: User = Depends(get_current_user)):
    if body.pickup_date <= datetime.now(timezone.utc).date():
        raise HTTPException(status_code=422, detail="pickup_date must be in the future")
    ticket = await run_in_threadpool(_owned_ticket, ticket_id, user.id)
    if ticket is None:
        raise HTTPException(status_code=404, detail="not_found")
    booking = await book_pickup(ticket, user, body.pickup_date)
    await run_in_threadpool(_record_booking, ticket.id, booking, body.pickup_date)
    logger.info("pickup %s booked for ticket %s", booking["reference"], ticket.id)
    return {"reference": booking["reference"], "pickup_date": body.pickup_date.isoformat()}
