"""Quotes: technicians draft and send them, customers approve or decline."""
import logging
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import get_db
from ..models import Quote, Ticket, User
from ..security import get_current_user, require_role

router = APIRouter(tags=["quotes"])
logger = logging.getLogger(__name__)

STAFF_ROLES = ("technician", "admin")


class QuoteIn(BaseModel):
    labour_pence: int = Field(ge=0, le=500_000)
    parts_pence: int = Field(ge=0, le=500_000)


class QuoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ticket_id: int
    version: int
    labour_pence: int
    parts_pence: int
    status: str


def _visible_ticket(db: Session, ticket_id: int, user: User) -> Ticket:
    stmt = select(Ticket).where(Ticket.id == ticket_id)
    if user.role not in STAFF_ROLES:
        stmt = stmt.where(Ticket.customer_id == user.id)
    ticket = db.scalar(stmt)
    if ticket is None:
        raise HTTPException(status_code=404, detail="not_found")
    return ticket


@router.get("/tickets/{ticket_id}/quotes", response_model=list[QuoteOut])
def list_quotes(
    ticket_id: int,
    limit: int = Query(default=20, le=100),
    user: User = Depends(get_current_user),
    db: Session = Depends(get_db),
):
    ticket = _visible_ticket(db, ticket_id, user)
    stmt = select(Quote).where(Quote.ticket_id == ticket.id).order_by(Quote.version.desc()).limit(limit)
    return db.scalars(stmt).all()


@router.post("/tickets/{ticket_id}/quotes", response_model=QuoteOut, status_code=201)
def create_quote(
    ticket_id: int,
    body: QuoteIn,
    tech: User = Depends(require_role(*STAFF_ROLES)),
    db: Session = Depends(get_db),
):
    ticket = _visible_ticket(db, ticket_id, tech)
    next_version = (db.scalar(select(func.max(Quote.version)).where(Quote.ticket_id == ticket.id)) or 0) + 1
    quote = Quote(ticket_id=ticket.id, version=next_version, status="sent",
                  sent_at=datetime.now(timezone.utc), **body.model_dump())
    db.add(quote)
    try:
        db.commit()
    except IntegrityError:  # ok: DB005
        db.rollback()
        raise HTTPException(status_code=409, detail="quote_version_conflict") from None
    logger.info("technician %s sent quote v%d for ticket %s", tech.id, next_version, ticket.id)
    return quote


def _decide(db: Session, quote_id: int, user: User, new_status: str) -> Quote:
    owned = select(Ticket.id).where(Ticket.customer_id == user.id)
    result = db.execute(
        update(Quote)
        .where(Quote.id == quote_id, Quote.status == "sent", Quote.ticket_id.in_(owned))
        .values(status=new_status, decided_at=datetime.now(timezone.utc))
    )
    if result.rowcount == 0:
        db.rollback()
        raise HTTPException(status_code=409, detail="quote_not_open")
    db.commit()
    logger.info("customer %s %s quote %s", user.id, new_status, quote_id)
    return db.get(Quote, quote_id)


@router.post("/quotes/{quote_id}/approve", response_model=QuoteOut)
def approve_quote(quote_id: int, user: User = Depends(get_current_user), db: Session = Depends(get_db)):
    return _decide(db, quote_id, user, "approved")


@router.post("/quotes/{quote_id}/decline", response_model=QuoteOut)
def decline_quote(quote_id: int, user: User = Depends(get_current_user), db: Session = Depends(get_db)):
    return _decide(db, quote_id, user, "declined")
