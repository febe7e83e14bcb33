"""Day lockers: one per climber per day, handed out at the desk.

Both "one climber per locker" and "one locker per climber" are unique
constraints; the receipt is queued in the outbox in the same transaction.
"""
import logging
from datetime import date

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from cragpass.db import get_session
from cragpass.rental_models import Locker, LockerAssignment, OutboxMessage
from cragpass.security import StaffUser

router = APIRouter(prefix="/lockers", tags=["lockers"])
logger = logging.getLogger(__name__)

CANDIDATES = 5


class AssignIn(BaseModel):
    climber_id: int
    zone: str = "main"


@router.post("/assignments", status_code=201)
async def assign_locker(body: AssignIn, staff: StaffUser, session: AsyncSession = Depends(get_session)):
    today = date.today()
    current = await session.scalar(
        select(LockerAssignment).where(LockerAssignment.climber_id == body.climber_id, LockerAssignment.day == today)
    )
    if current is not None:
        return {"assignment_id": current.id, "locker_id": current.locker_id, "existing": True}

    taken_today = select(LockerAssignment.locker_id).where(LockerAssignment.day == today)
    candidates = (await session.scalars(
        select(Locker.id)
        .where(Locker.zone == body.zone, Locker.in_service.is_(True), Locker.id.not_in(taken_today))
        .order_by(Locker.number)
        .limit(CANDIDATES)
    )).all()
    for locker_id in candidates:  # ok: DB001
        assignment_id = await session.scalar(  # ok: DB005
            insert(LockerAssignment)
            .values(locker_id=locker_id, climber_id=body.climber_id, day=today)
            .on_conflict_do_nothing()
            .returning(LockerAssignment.id)
        )
        if assignment_id is None:
            continue
        session.add(OutboxMessage(kind="locker_receipt", payload={"assignment_id": assignment_id,
                                                                  "climber_id": body.climber_id}))
        await session.commit()
        logger.info("locker %s assigned to climber %s by staff %s", locker_id, body.climber_id, staff.id)
        return {"assignment_id": assignment_id, "locker_id": locker_id, "existing": False}
    await session.rollback()
    raise HTTPException(409, "No free lockers in that zone")


@router.delete("/assignments/{assignment_id}", status_code=204)
async def release_locker(assignment_id: int, staff: StaffUser, session: AsyncSession = Depends(get_session)):
    result = await session.execute(
        delete(LockerAssignment).where(LockerAssignment.id == assignment_id, LockerAssignment.day == date.today())
    )
    if result.rowcount == 0:
        raise HTTPException(404, "No such assignment today")
    await session.commit()
    logger.info("locker assignment %s released by staff %s", assignment_id, staff.id)
