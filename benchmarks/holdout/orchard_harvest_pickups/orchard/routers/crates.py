"""Crate rentals: pickers borrow picking crates against a deposit and bring them back.

Stock changes are single conditional UPDATEs, so two pickers taking the last
crates at the same moment cannot drive the count below zero.
"""
import datetime as dt
import logging

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..auth import current_user
from ..config import get_settings
from ..db import get_session
from ..models import CrateRental, CrateStock, Farm, User

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/crates", tags=["crates"])


class RentalIn(BaseModel):
    farm: str = Field(max_length=60)
    crates: int = Field(ge=1, le=12)


class RentalOut(BaseModel):
    id: int
    crates: int
    deposit_cents: int
    rented_at: dt.datetime
    returned_at: dt.datetime | None = None


@router.post("/rentals", status_code=status.HTTP_201_CREATED, response_model=RentalOut)
def rent_crates(body: RentalIn, user: User = Depends(current_user), session: Session = Depends(get_session)):
    farm_id = session.scalar(select(Farm.id).where(Farm.slug == body.farm))
    if farm_id is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Unknown farm")
    taken = session.execute(  # ok: DB004, DB005
        update(CrateStock)
        .where(CrateStock.farm_id == farm_id, CrateStock.available >= body.crates)
        .values(available=CrateStock.available - body.crates, on_loan=CrateStock.on_loan + body.crates)
    )
    if taken.rowcount == 0:
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "Not enough crates at the barn right now")
    rental = CrateRental(
        farm_id=farm_id,
        user_id=user.id,
        crates=body.crates,
        deposit_cents=body.crates * get_settings().crate_deposit_cents,
    )
    session.add(rental)
    session.commit()
    logger.info("user %s rented %d crates at farm %s", user.id, body.crates, farm_id)
    return rental


@router.post("/rentals/{rental_id}/return", response_model=RentalOut)
def return_crates(rental_id: int, user: User = Depends(current_user), session: Session = Depends(get_session)):
    rental = session.scalar(  # ok: SEC018
        select(CrateRental)
        .where(CrateRental.id == rental_id, CrateRental.user_id == user.id)
        .with_for_update()
    )
    if rental is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such rental")
    if rental.returned_at is not None:
        return rental
    rental.returned_at = dt.datetime.now(dt.timezone.utc)
    session.execute(
        update(CrateStock)
        .where(CrateStock.farm_id == rental.farm_id)
        .values(available=CrateStock.available + rental.crates, on_loan=CrateStock.on_loan - rental.crates)
    )
    session.commit()
    logger.info("rental %s returned (%d crates)", rental.id, rental.crates)
    return rental


@router.get("/rentals/mine", response_model=list[RentalOut])
def my_rentals(user: User = Depends(current_user), session: Session = Depends(get_session)):
    stmt = (
        select(CrateRental)
        .where(CrateRental.user_id == user.id)
        .order_by(CrateRental.rented_at.desc())
        .limit(25)
    )
    return session.scalars(stmt).all()
